package models

import (
	"strings"

	"motando/search"
)

// catalogNames finds the brands and models named in a search's words.
type catalogNames struct {
	brands  map[string]uint32  // a brand's words, joined by spaces → its id
	models  map[string][]Model // a model's words, joined → the models so named
	longest int                // the most words of a name
}

// newCatalogNames indexes the names of brands and models as free text
// splits them ("CG 160" is "cg 160", "MT-07" is "mt 07").
func newCatalogNames(brands []Brand, models []Model) catalogNames {
	n := catalogNames{brands: map[string]uint32{}, models: map[string][]Model{}}
	for _, b := range brands {
		words := search.Words(b.Name)
		n.brands[strings.Join(words, " ")] = b.ID
		n.longest = max(n.longest, len(words))
	}
	for _, m := range models {
		words := search.Words(m.Name)
		key := strings.Join(words, " ")
		n.models[key] = append(n.models[key], m)
		n.longest = max(n.longest, len(words))
	}
	return n
}

// Named reads the brand and model a search's words begin with: "honda cg
// 160 vermelha" is Honda, CG 160 and the words left, "vermelha"; "cg 160"
// alone is Honda's CG 160 when no other brand has a model so named. The
// brand and model already chosen (brandID, modelID; 0 for none) are kept.
func (c *Catalog) Named(brandID, modelID uint32, words []string) (uint32, uint32, []string) {
	if modelID != 0 {
		return brandID, modelID, words
	}
	if brandID == 0 {
		if id, n := c.names.brand(words); n > 0 {
			brandID, words = id, words[n:]
		}
	}
	if m, n := c.names.model(brandID, words); n > 0 {
		return m.BrandID, m.ID, words[n:]
	}
	return brandID, 0, words
}

// brand finds the brand whose name the words begin with, the longest
// name first; n is how many words it takes (0: none).
func (n catalogNames) brand(words []string) (id uint32, taken int) {
	for k := min(n.longest, len(words)); k > 0; k-- {
		if id, ok := n.brands[strings.Join(words[:k], " ")]; ok {
			return id, k
		}
	}
	return 0, 0
}

// model finds the one model, of brandID when it is not 0, whose name the
// words begin with, the longest name first.
func (n catalogNames) model(brandID uint32, words []string) (Model, int) {
	for k := min(n.longest, len(words)); k > 0; k-- {
		var found []Model
		for _, m := range n.models[strings.Join(words[:k], " ")] {
			if brandID == 0 || m.BrandID == brandID {
				found = append(found, m)
			}
		}
		if len(found) == 1 {
			return found[0], k
		}
	}
	return Model{}, 0
}
