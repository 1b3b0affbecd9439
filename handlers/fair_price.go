package handlers

import (
	"html"
	"strconv"
	"strings"

	"motando/search"
)

// dealClasses are the CSS classes of the fair-price levels' badges.
var dealClasses = map[search.Level]string{
	search.LevelGreat: "otimo", search.LevelGood: "bom", search.LevelFair: "justo", search.LevelHigh: "acima",
}

// dealBadge is an ad's fair-price level as its card shows it: the label
// and the badge's class; empty without a rating.
func dealBadge(r search.Rating) (label, class string) {
	return r.Level.Label(), dealClasses[r.Level]
}

// writeDeal writes the card's fair-price badge, when it has one.
func writeDeal(b *strings.Builder, c *adCard) {
	if c.Deal == "" {
		return
	}
	b.WriteString(`      <p class="deal deal-` + c.DealClass + `">`)
	b.WriteString(html.EscapeString(c.Deal))
	b.WriteString("</p>\n")
}

// adDeal is what the ad page says of the price: the level, the market
// estimate and how many ads it rests on.
type adDeal struct {
	Label, Class string
	Estimate     string // "R$ 18.400"
	Basis        string // "com base em 23 anúncios parecidos"
}

// dealOfAd is the ad page's fair-price box of a listed ad; nil while the
// index is loading or when the ad has no rating.
func (s *Server) dealOfAd(id uint64) *adDeal {
	r, ok := s.rating(id)
	if !ok {
		return nil
	}
	label, class := dealBadge(r)
	basis := "com base em " + plural(int64(r.Comparables), "anúncio parecido", "anúncios parecidos")
	if r.Wide {
		basis = "com base em " + plural(int64(r.Comparables), "anúncio", "anúncios") + " do mesmo modelo de anos próximos"
	}
	return &adDeal{Label: label, Class: class, Estimate: money(r.Estimate), Basis: basis}
}

// goodPrice reads /motos' bons_precos: "1" keeps the ads rated "Ótimo
// preço" or "Bom preço" only; another value is ignored.
func (p searchParse) goodPrice(name, v string) bool {
	if v != "1" {
		return false
	}
	p.q.Filter.GoodPrice = true
	p.keep(name, v)
	return true
}

// percent writes a share as a whole percentage: 0.15 → "15%".
func percent(share float64) string {
	return strconv.Itoa(int(share*100+0.5)) + "%"
}
