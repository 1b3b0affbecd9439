package djangoimport

import (
	"fmt"
	"regexp"
	"strings"

	"golang.org/x/net/html"
)

// maxDescription is the longest description the ad form accepts, in
// characters.
const maxDescription = 4000

// paragraphTags are separated from the text around them by a blank line.
var paragraphTags = map[string]bool{"p": true, "div": true, "blockquote": true, "pre": true, "table": true,
	"h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true}

// skippedTags hold no text a reader would see.
var skippedTags = map[string]bool{"script": true, "style": true, "head": true, "title": true}

var (
	htmlMarkup = regexp.MustCompile(`<(?:[a-zA-Z][a-zA-Z0-9]*[\s/>]|/[a-zA-Z]|!--)|&(?:[a-zA-Z]+|#[0-9]+|#x[0-9a-fA-F]+);`)
	blankLines = regexp.MustCompile(`\n{3,}`)
	spaces     = regexp.MustCompile(`[ \t\r\n\f\x{a0}]+`)
)

// plainText turns the original's description into the plain text the site
// shows, of at most maxDescription characters. Rich text (TinyMCE's HTML)
// keeps its shape: a blank line between paragraphs, a line per <br>, "• "
// or "1. " before each list item; tags are dropped and entities decoded.
// Text without tags or entities keeps its lines as they are. cut tells
// whether the text was longer.
func plainText(s string) (text string, cut bool) {
	if !htmlMarkup.MatchString(s) {
		return finishText(strings.ReplaceAll(s, "\r\n", "\n"))
	}
	w := &textWriter{}
	z := html.NewTokenizer(strings.NewReader(s))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return finishText(w.b.String())
		case html.TextToken:
			if w.skip == 0 {
				w.b.WriteString(spaces.ReplaceAllString(string(z.Text()), " "))
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			w.start(string(name))
		case html.EndTagToken:
			name, _ := z.TagName()
			w.end(string(name))
		}
	}
}

// textWriter writes the text of an HTML document with its breaks.
type textWriter struct {
	b     strings.Builder
	skip  int   // inside script, style…
	lists []int // open lists: -1 for <ul>, the next number for <ol>
}

func (w *textWriter) start(tag string) {
	switch {
	case skippedTags[tag]:
		w.skip++
	case w.skip > 0:
	case tag == "br":
		w.b.WriteString("\n")
	case tag == "ul" || tag == "ol":
		w.breakTo(1)
		w.lists = append(w.lists, map[bool]int{true: 1, false: -1}[tag == "ol"])
	case tag == "li":
		w.breakTo(1)
		w.b.WriteString(w.bullet())
	case tag == "tr":
		w.breakTo(1)
	case tag == "td" || tag == "th":
		w.b.WriteString(" ")
	case paragraphTags[tag]:
		w.breakTo(2)
	}
}

func (w *textWriter) end(tag string) {
	switch {
	case skippedTags[tag]:
		w.skip = max(w.skip-1, 0)
	case w.skip > 0:
	case tag == "ul" || tag == "ol":
		if len(w.lists) > 0 {
			w.lists = w.lists[:len(w.lists)-1]
		}
		w.breakTo(2)
	case tag == "li" || tag == "tr":
		w.breakTo(1)
	case paragraphTags[tag]:
		w.breakTo(2)
	}
}

// bullet is the mark of the next item of the innermost list.
func (w *textWriter) bullet() string {
	if len(w.lists) == 0 || w.lists[len(w.lists)-1] < 0 {
		return "• "
	}
	n := w.lists[len(w.lists)-1]
	w.lists[len(w.lists)-1]++
	return fmt.Sprintf("%d. ", n)
}

// breakTo ends the text written so far with n line breaks (1: a new line,
// 2: a blank line), unless nothing was written yet.
func (w *textWriter) breakTo(n int) {
	s := strings.TrimRight(w.b.String(), " ")
	if strings.TrimSpace(s) == "" {
		return
	}
	have := len(s) - len(strings.TrimRight(s, "\n"))
	for range n - have {
		w.b.WriteString("\n")
	}
}

// finishText trims each line, keeps at most one blank line between
// paragraphs and cuts the text to maxDescription characters.
func finishText(s string) (string, bool) {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSpace(spaces.ReplaceAllString(l, " "))
	}
	s = strings.TrimSpace(blankLines.ReplaceAllString(strings.Join(lines, "\n"), "\n\n"))
	return cutRunes(s, maxDescription)
}

// cutRunes shortens s to at most n characters, and tells whether it did.
func cutRunes(s string, n int) (string, bool) {
	i := 0
	for at := range s {
		if i == n {
			return strings.TrimSpace(s[:at]), true
		}
		i++
	}
	return s, false
}

// cut shortens s to at most n bytes (a column's size) without splitting a
// character.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && (s[n]&0xC0) == 0x80 {
		n--
	}
	return strings.TrimSpace(s[:n])
}
