package djangoimport

import (
	"regexp"
	"strings"

	"golang.org/x/net/html"
)

// maxDescription is the longest description the ad form accepts.
const maxDescription = 4000

// blockTags start and end a line of text: paragraphs, list items, headings.
var blockTags = map[string]bool{"p": true, "div": true, "li": true, "ul": true, "ol": true,
	"h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true, "tr": true, "blockquote": true}

// skippedTags hold no text a reader would see.
var skippedTags = map[string]bool{"script": true, "style": true, "head": true, "title": true}

var (
	blankLines = regexp.MustCompile(`\n{3,}`)
	spaces     = regexp.MustCompile(`[ \t\r\n\f\x{a0}]+`)
)

// plainText turns the original's rich-text description (TinyMCE's HTML:
// paragraphs, bold, italic, lists) into the plain text the site shows:
// tags dropped, entities decoded, a line per paragraph and "• " before
// each list item, at most maxDescription bytes.
func plainText(s string) string {
	z := html.NewTokenizer(strings.NewReader(s))
	var b strings.Builder
	skip := 0
	for {
		switch z.Next() {
		case html.ErrorToken:
			return finishText(b.String())
		case html.TextToken:
			if skip == 0 {
				b.WriteString(spaces.ReplaceAllString(string(z.Text()), " "))
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			skip += tagStart(&b, z, skip)
		case html.EndTagToken:
			name, _ := z.TagName()
			if skippedTags[string(name)] && skip > 0 {
				skip--
			} else if blockTags[string(name)] {
				lineBreak(&b)
			}
		}
	}
}

// tagStart writes what an opening tag stands for and returns 1 when it
// opens a part without visible text.
func tagStart(b *strings.Builder, z *html.Tokenizer, skip int) int {
	name, _ := z.TagName()
	switch tag := string(name); {
	case skippedTags[tag]:
		return 1
	case skip > 0:
	case tag == "br":
		b.WriteString("\n")
	case tag == "li":
		lineBreak(b)
		b.WriteString("• ")
	case blockTags[tag]:
		lineBreak(b)
	}
	return 0
}

// lineBreak starts a new line unless the text is at the start of one
// already (blocks next to each other make one break, not one each).
func lineBreak(b *strings.Builder) {
	if s := strings.TrimRight(b.String(), " "); s != "" && !strings.HasSuffix(s, "\n") {
		b.WriteString("\n")
	}
}

// finishText trims each line, keeps at most one blank line between
// paragraphs and cuts the text to maxDescription.
func finishText(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSpace(spaces.ReplaceAllString(l, " "))
	}
	s = strings.TrimSpace(blankLines.ReplaceAllString(strings.Join(lines, "\n"), "\n\n"))
	return cut(s, maxDescription)
}

// cut shortens s to at most n bytes without splitting a character.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && (s[n]&0xC0) == 0x80 {
		n--
	}
	return strings.TrimSpace(s[:n])
}
