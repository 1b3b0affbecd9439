package handlers

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"motando/models"
	"motando/models/modelstest"
	"motando/search"
)

// The fair-price rating on the site: the badge on the cards, the good-price
// filter and the best-deal order of /motos, the estimate on the ad page,
// and the page that explains it.
func TestFairPrice(t *testing.T) {
	modelstest.EachDialect(t, func(t *testing.T, db *models.DB) {
		var index *search.Index
		app := newTestApp(t, db, func(cfg *Config) { index = cfg.Search })
		c := catalogIDs{t, db}
		owner := modelstest.CreateUser(t, db, "Loja")
		sp, campinas := c.city("SP", "Campinas")
		cg, mt07 := c.model("Honda", "CG 160"), c.model("Yamaha", "MT-07")
		priced := func(m models.Model, reais int64) *models.Ad {
			return listed(t, db, owner, m, sp, campinas, func(ad *models.Ad) { ad.Price = models.Money(reais * 100) })
		}
		// Ten CG 160 of one version, year and km around R$ 20.000, and one
		// MT-07 with nothing to compare with.
		var fair []*models.Ad
		for _, p := range []int64{19_400, 19_700, 20_000, 20_000, 20_000, 20_300, 20_600, 21_000} {
			fair = append(fair, priced(cg, p))
		}
		high := priced(cg, 23_500)
		good := priced(cg, 18_600)
		great := priced(cg, 16_000)
		alone := priced(mt07, 30_000)
		index.RecomputeRatings()

		_, body := get(t, app, "/motos?bons_precos=1")
		if got := found(body); !sameSet(got, ids(great, good)) {
			t.Errorf("good prices: %v, want %v", got, ids(great, good))
		}
		mustContain(t, body, `<p class="deal deal-otimo">Ótimo preço</p>`, `<p class="deal deal-bom">Bom preço</p>`,
			"Bons preços", `name="bons_precos" value="1" checked`)

		_, body = get(t, app, "/motos?ordem=melhor_negocio")
		want := append(ids(great, good), ids(fair...)...)
		want = append(want, ids(high, alone)...)
		if got := found(body); !slices.Equal(got, want) {
			t.Errorf("best deal first: %v, want %v", got, want)
		}
		mustContain(t, body, `<option value="melhor_negocio" selected>Melhor negócio</option>`,
			`<p class="deal deal-acima">Acima do mercado</p>`, `<p class="deal deal-justo">Preço justo</p>`)

		b := newBrowser(t, app)
		b.get("/anuncio/" + strconv.FormatUint(great.ID, 10))
		_, body = b.get(b.location())
		mustContain(t, body, "Ótimo preço", "Estimativa de mercado: R$ 20.000", "com base em 10 anúncios parecidos",
			`<a href="/preco-justo">Como calculamos</a>`)
		b.get("/anuncio/" + strconv.FormatUint(alone.ID, 10))
		if _, body = b.get(b.location()); strings.Contains(body, "Estimativa de mercado") {
			t.Error("an ad without comparables shows an estimate")
		}

		status, body := get(t, app, "/preco-justo")
		if status != http.StatusOK {
			t.Fatalf("/preco-justo: %d", status)
		}
		mustContain(t, body, "Como calculamos o preço justo", "até 85% da estimativa", "pelo menos <strong>5 anúncios</strong>",
			`href="/motos?bons_precos=1"`)

		_, body = get(t, app, "/motos?bons_precos=talvez")
		mustContain(t, body, "Ignoramos o filtro de bons preços")
		if got := found(body); len(got) != 12 {
			t.Errorf("an ignored filter leaves %d ads, want all 12", len(got))
		}
	})
}

// sameSet reports whether a and b hold the same strings.
func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}
