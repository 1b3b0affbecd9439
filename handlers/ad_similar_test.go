package handlers

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"motando/models"
	"motando/models/modelstest"
)

// "Motos parecidas" shows the same model nearest in price first, then the
// same brand, within 40% of the price; never the ad itself, another brand
// or a far price; nothing when there is nothing alike.
func TestAdPageSimilarAds(t *testing.T) {
	modelstest.EachDialect(t, func(t *testing.T, db *models.DB) {
		app := newTestApp(t, db)
		c := catalogIDs{t, db}
		owner := modelstest.CreateUser(t, db, "Loja")
		sp, campinas := c.city("SP", "Campinas")
		cg, cb := c.model("Honda", "CG 160"), c.model("Honda", "CB 300")
		mt07 := c.model("Yamaha", "MT-07")
		priced := func(m models.Model, cents models.Money) *models.Ad {
			return listed(t, db, owner, m, sp, campinas, func(ad *models.Ad) { ad.Price = cents })
		}
		ad := priced(cg, 15_000_00)
		sameModelFar := priced(cg, 17_500_00)
		sameModelNear := priced(cg, 14_000_00)
		priced(cg, 40_000_00)
		sameBrand := priced(cb, 15_500_00)
		other := priced(mt07, 15_000_00)

		page := func(ad *models.Ad) string {
			b := newBrowser(t, app)
			b.get("/anuncio/" + strconv.FormatUint(ad.ID, 10))
			_, body := b.get(b.location())
			return body
		}
		body := page(ad)
		mustContain(t, body, "Motos parecidas")
		if got, want := found(body), ids(sameModelNear, sameModelFar, sameBrand); !slices.Equal(got, want) {
			t.Errorf("similar ads %v, want %v", got, want)
		}
		if body := page(other); strings.Contains(body, "Motos parecidas") {
			t.Errorf("an ad with nothing alike shows similar ads: %v", found(body))
		}
	})
}
