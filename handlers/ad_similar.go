package handlers

import (
	"cmp"
	"slices"

	"motando/models"
	"motando/search"
)

// similarCount is how many similar ads the ad page shows.
const similarCount = 6

// similarSpread is how far, in percent of the ad's price, a similar ad's
// price may be.
const similarSpread = 40

// similarAds are the listed ads most like the ad, from the search index:
// the same model first, then the same brand, each within similarSpread
// percent of its price and nearest in price first; never the ad itself.
// None while the index is loading.
func (s *Server) similarAds(ad *models.Ad) []adCard {
	if s.index == nil || !s.index.Ready() {
		return nil
	}
	price := int64(ad.Price)
	spread := price * similarSpread / 100
	seen := map[uint64]bool{ad.ID: true}
	var picked []search.Doc
	for _, f := range []search.Filter{{ModelID: ad.ModelID}, {BrandID: ad.BrandID}} {
		// The nearest below the price and the nearest above it.
		below, above := f, f
		below.PriceMin, below.PriceMax = max(price-spread, 0), price
		above.PriceMin, above.PriceMax = price, price+spread
		docs := append(s.index.Search(below, search.OrderPriceDesc, 0, similarCount+1, false).Docs,
			s.index.Search(above, search.OrderPriceAsc, 0, similarCount+1, false).Docs...)
		slices.SortStableFunc(docs, func(a, b search.Doc) int {
			return cmp.Compare(distance(a.Price, price), distance(b.Price, price))
		})
		for _, d := range docs {
			if len(picked) == similarCount {
				break
			}
			if !seen[d.ID] {
				seen[d.ID] = true
				picked = append(picked, d)
			}
		}
	}
	return s.docCards(picked)
}

// distance is how far apart two prices are.
func distance(a, b int64) int64 {
	if a > b {
		return a - b
	}
	return b - a
}
