package models

import "motando/search"

// SearchText is an ad's words as free text matches them — its brand, model,
// version and city names and its sales phrase — in the form SQL can match a
// word or a prefix in (see search.WordsText). The search index matches the
// same words in memory; the column keeps them for SQL.
func SearchText(brand, model, version, city, phrase string) string {
	return search.WordsText(brand, model, version, city, phrase)
}
