package search

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Fold lower-cases s and drops its accents, so that "São Paulo" and "sao
// paulo" read alike.
func Fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range norm.NFD.String(s) {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// Words splits a text into the words free text matches: folded, each a
// run of letters or a run of digits (anything else separates words, and so
// does a change between letters and digits: "MT-07" and "mt07" are both
// "mt" and "07", "CG160" is "cg" and "160"), each once, in the order they
// first appear.
func Words(s string) []string {
	var out []string
	seen := map[string]bool{}
	add := func(w string) {
		if w != "" && !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	start, digits := -1, false
	folded := Fold(s)
	for i, r := range folded {
		letter, digit := unicode.IsLetter(r), unicode.IsDigit(r)
		switch {
		case !letter && !digit:
			if start >= 0 {
				add(folded[start:i])
			}
			start = -1
		case start < 0:
			start, digits = i, digit
		case digit != digits:
			add(folded[start:i])
			start, digits = i, digit
		}
	}
	if start >= 0 {
		add(folded[start:])
	}
	return out
}

// maxWordsText is the longest words text, in bytes (the column's size in
// characters is larger; the words are ASCII in practice).
const maxWordsText = 800

// WordsText writes the words of the parts as one string with a space before
// and after every word (" honda cg 160 titan sao paulo "), at most 800
// bytes of whole words: the form SQL can match a word in with
// LIKE '% word %' and a prefix with LIKE '% prefix%'.
func WordsText(parts ...string) string {
	var b strings.Builder
	b.WriteByte(' ')
	for _, w := range Words(strings.Join(parts, " ")) {
		if b.Len()+len(w)+1 > maxWordsText {
			break
		}
		b.WriteString(w)
		b.WriteByte(' ')
	}
	if b.Len() == 1 {
		return ""
	}
	return b.String()
}
