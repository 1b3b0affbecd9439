package handlers

import (
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"
)

// suggestionItem is one option of the suggestions list: a brand, model or
// version with its listed ads, linking to its search.
type suggestionItem struct {
	Name, Ads, URL string
}

// suggestionList answers the suggestions for a typed text, GET
// /sugestoes?q=: the catalog entries the search index matches, each a link
// to the search of that brand, model or version. A text too short (or
// matching nothing) gets an empty answer; the index reads at most
// its first 100 characters.
func (s *Server) suggestionList(c *fiber.Ctx) error {
	found := s.index.Suggest(c.Query("q"))
	items := make([]suggestionItem, len(found))
	for i, f := range found {
		v := url.Values{"marca": {strconv.FormatUint(uint64(f.BrandID), 10)}}
		if f.ModelID != 0 {
			v.Set("modelo", strconv.FormatUint(uint64(f.ModelID), 10))
		}
		if f.VersionID != 0 {
			v.Set("versao", strconv.FormatUint(uint64(f.VersionID), 10))
		}
		items[i] = suggestionItem{Name: f.Name, Ads: plural(int64(f.Ads), "anúncio", "anúncios"), URL: (&searchQuery{Values: v}).url()}
	}
	// Counts follow the ads within seconds; a browser may keep an answer
	// as long, so typing back and forth asks again only for new texts.
	c.Set(fiber.HeaderCacheControl, "public, max-age=5")
	return s.render(c, fiber.StatusOK, "partials/suggestions", fiber.Map{"Suggestions": items})
}
