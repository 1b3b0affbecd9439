package handlers

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"motando/search"
)

// fairLevel is one level of the fair-price rating as the explanation page
// lists it.
type fairLevel struct {
	Label, Class string
	Rule         string // when an ad gets it
}

// fairPriceShow explains the fair-price rating in plain words: which ads
// are compared, the km adjustment, the levels and their bounds, and when
// an ad has no rating. GET /preco-justo. The numbers come from the
// search package, so the page says what the code does.
func (s *Server) fairPriceShow(c *fiber.Ctx) error {
	label := func(l search.Level) (string, string) { return dealBadge(search.Rating{Level: l}) }
	var levels []fairLevel
	for _, l := range []struct {
		level search.Level
		rule  string
	}{
		{search.LevelGreat, "o preço pedido é de até " + percent(search.GreatMax) + " da estimativa (" + percent(1-search.GreatMax) + " ou mais abaixo dela)"},
		{search.LevelGood, "acima de " + percent(search.GreatMax) + " e até " + percent(search.GoodMax) + " da estimativa"},
		{search.LevelFair, "acima de " + percent(search.GoodMax) + " e até " + percent(search.FairMax) + " da estimativa"},
		{search.LevelHigh, "mais de " + percent(search.FairMax) + " da estimativa"},
	} {
		name, class := label(l.level)
		levels = append(levels, fairLevel{Label: name, Class: class, Rule: l.rule})
	}
	return s.render(c, fiber.StatusOK, "pages/fair_price", fiber.Map{
		"Title":       "Como calculamos o preço justo — Motando",
		"Description": "Como o Motando estima o preço de mercado de cada moto a partir de anúncios parecidos e o que querem dizer Ótimo preço, Bom preço, Preço justo e Acima do mercado.",
		"Levels":      levels,
		"Min":         search.MinComparables,
		"MinWide":     search.MinWideComparables,
		"Span":        search.YearSpan,
		"WideSpan":    search.WideYearSpan,
		"MaxKmDrop":   strings.Replace(strconv.FormatFloat(search.MaxKmDrop*100, 'f', -1, 64), ".", ",", 1) + "%",
		"MinPrice":    money(search.MinRatedPrice),
	})
}
