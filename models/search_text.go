package models

import "strings"

// SearchText is what the free-text search matches for an ad: its brand,
// model and version names and its sales phrase, lower-cased, at most 800
// characters.
func SearchText(parts ...string) string {
	text := strings.Join(strings.Fields(strings.Join(parts, " ")), " ")
	if r := []rune(text); len(r) > 800 {
		text = string(r[:800])
	}
	return strings.ToLower(text)
}
