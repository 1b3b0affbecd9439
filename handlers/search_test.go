package handlers

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"gorm.io/gorm"

	"motando/models"
	"motando/models/modelstest"
)

// catalogIDs finds catalog and place ids by name.
type catalogIDs struct {
	t  *testing.T
	db *models.DB
}

func (c catalogIDs) model(brand, model string) models.Model {
	var b models.Brand
	c.db.Where("brand = ?", brand).First(&b)
	var m models.Model
	if err := c.db.Where("brand_id = ? AND model = ?", b.ID, model).First(&m).Error; err != nil {
		c.t.Fatalf("model %s %s: %v", brand, model, err)
	}
	return m
}

func (c catalogIDs) city(uf, name string) (models.State, models.City) {
	var st models.State
	c.db.Where("acronym = ?", uf).First(&st)
	var city models.City
	if err := c.db.Where("state_id = ? AND city = ?", st.ID, name).First(&city).Error; err != nil {
		c.t.Fatalf("city %s/%s: %v", name, uf, err)
	}
	return st, city
}

// listed inserts a published, listed ad with one ready photo.
func listed(t *testing.T, db *models.DB, owner *models.User, m models.Model, st models.State, city models.City, edit func(*models.Ad)) *models.Ad {
	t.Helper()
	published := time.Now().UTC().Add(-time.Hour)
	expires := published.Add(30 * 24 * time.Hour)
	var v models.Version
	db.Where("model_id = ?", m.ID).Order("id").First(&v)
	ad := &models.Ad{
		UserID: owner.ID, BrandID: m.BrandID, ModelID: m.ID, VersionID: &v.ID, FabricationYear: 2020, ModelYear: 2020,
		LicensePlate: "ABC1234", Mileage: 10000, Price: 2000000, StateID: st.ID, CityID: city.ID, Type: "street", Color: "black",
		Status: models.StatusPublished, StatusChanged: published, Listed: true, PublishedAt: &published, ExpiresAt: &expires,
		Images: []models.Image{{Position: 0, Status: models.ImageReady, ThumbKey: "t.jpg", LargeKey: "l.jpg", ThumbWidth: 480, ThumbHeight: 360}},
	}
	if edit != nil {
		edit(ad)
	}
	var b models.Brand
	db.First(&b, ad.BrandID)
	var mm models.Model
	db.First(&mm, ad.ModelID)
	var c models.City
	db.First(&c, ad.CityID)
	ad.SearchText = models.SearchText(b.Name, mm.Name, v.Name, c.Name, ad.SalesPhrase)
	if err := db.Create(ad).Error; err != nil {
		t.Fatal(err)
	}
	db.AdsChanged(context.Background(), ad.ID)
	return ad
}

var cardLink = regexp.MustCompile(`<a href="/anuncio/(\d+)/[^"]*">`)

// found returns the ids of the cards on a results page, in order.
func found(body string) []string {
	var ids []string
	for _, m := range cardLink.FindAllStringSubmatch(body, -1) {
		ids = append(ids, m[1])
	}
	return ids
}

func ids(ads ...*models.Ad) []string {
	out := make([]string, len(ads))
	for i, a := range ads {
		out[i] = strconv.FormatUint(a.ID, 10)
	}
	return out
}

func TestSearchFiltersAndOrders(t *testing.T) {
	modelstest.EachDialect(t, func(t *testing.T, db *models.DB) {
		app := newTestApp(t, db)
		c := catalogIDs{t, db}
		owner := modelstest.CreateUser(t, db, "Loja")
		sp, campinas := c.city("SP", "Campinas")
		_, santos := c.city("SP", "Santos")
		rj, niteroi := c.city("RJ", "Niterói")
		cb := c.model("Honda", "CB 300")
		mt07 := c.model("Yamaha", "MT-07")
		address := c.model("Suzuki", "Address/AG")
		var harleyModel models.Model
		var harley models.Brand
		db.Where("brand = ?", "Harley-Davidson").First(&harley)
		db.Where("brand_id = ?", harley.ID).First(&harleyModel)

		a := listed(t, db, owner, cb, sp, campinas, func(ad *models.Ad) {
			ad.Price, ad.Mileage, ad.ModelYear, ad.FabricationYear = 1500000, 30000, 2018, 2018
			p := time.Now().UTC().Add(-5 * time.Hour)
			ad.PublishedAt = &p
		})
		b := listed(t, db, owner, mt07, sp, santos, func(ad *models.Ad) {
			ad.Price, ad.Mileage, ad.ModelYear, ad.FabricationYear, ad.Type, ad.Color = 4200000, 8000, 2022, 2021, "naked", "blue"
			ad.SalesPhrase = "Escapamento esportivo"
			p := time.Now().UTC().Add(-3 * time.Hour)
			ad.PublishedAt = &p
		})
		d := listed(t, db, owner, address, rj, niteroi, func(ad *models.Ad) {
			ad.Price, ad.Mileage, ad.ModelYear, ad.FabricationYear, ad.Type, ad.Color = 800000, 12000, 2015, 2015, "scooter", "red"
			p := time.Now().UTC().Add(-1 * time.Hour)
			ad.PublishedAt = &p
		})
		e := listed(t, db, owner, harleyModel, rj, niteroi, func(ad *models.Ad) {
			ad.Price, ad.Mileage, ad.ModelYear, ad.FabricationYear, ad.Type = 9800000, 5000, 2023, 2023, "custom"
			p := time.Now().UTC().Add(-2 * time.Hour)
			ad.PublishedAt = &p
		})
		// Not listed: never in any result.
		listed(t, db, owner, cb, sp, campinas, func(ad *models.Ad) { ad.Listed, ad.Status = false, models.StatusNew })

		cases := []struct {
			query string
			want  []string
		}{
			{"", ids(d, e, b, a)},
			{"marca=" + strconv.Itoa(int(cb.BrandID)), ids(a)},
			{"modelo=" + strconv.Itoa(int(mt07.ID)), ids(b)},
			{"estado=SP", ids(b, a)},
			{"estado=rj&cidade=" + strconv.Itoa(int(niteroi.ID)), ids(d, e)},
			{"cidade=" + strconv.Itoa(int(campinas.ID)), ids(a)},
			{"preco_min=10.000&preco_max=R$+45.000,00", ids(b, a)},
			{"preco_max=9000", ids(d)},
			{"ano_min=2020", ids(e, b)},
			{"ano_max=2018", ids(d, a)},
			{"ano_min=2016&ano_max=2022", ids(b, a)},
			{"km_max=10.000", ids(e, b)},
			{"tipo=naked", ids(b)},
			{"cor=red", ids(d)},
			{"ordem=menor_preco", ids(d, a, b, e)},
			{"ordem=maior_preco", ids(e, b, a, d)},
			{"ordem=menor_km", ids(e, b, d, a)},
			{"ordem=mais_novas", ids(e, b, a, d)},
			{"ordem=recentes", ids(d, e, b, a)},
			{"q=MT-07", ids(b)},
			{"q=mt-07", ids(b)},
			{"q=Address/AG", ids(d)},
			{"q=Harley+Davidson", ids(e)},
			{"q=escapamento", ids(b)},
			{"q=yamaha+esportivo", ids(b)},
			{"q=nada+disso", nil},
			{"q=mt07", ids(b)},
			{"q=yamaha&marca=" + strconv.Itoa(int(cb.BrandID)), nil}, // the text and the brand both apply
			{"q=campi&estado=SP", ids(a)},                            // a city, typed half
			{"estado=SP&ordem=menor_preco", ids(a, b)},
			{"estado=SP&pagina=7", ids(b, a)}, // past the end: the last page
		}
		for _, tc := range cases {
			status, body := get(t, app, "/motos?"+tc.query)
			if status != 200 {
				t.Fatalf("%s: %d", tc.query, status)
			}
			if got := found(body); strings.Join(got, ",") != strings.Join(tc.want, ",") {
				t.Errorf("/motos?%s: got %v, want %v", tc.query, got, tc.want)
			}
			if n := fmt.Sprintf("<strong>%d</strong>", len(tc.want)); !strings.Contains(body, n) {
				t.Errorf("/motos?%s: count is not %d", tc.query, len(tc.want))
			}
		}

		// Ad pages of awkward names resolve, and a wrong slug redirects.
		for _, ad := range []*models.Ad{b, d, e} {
			status, _ := get(t, app, "/anuncio/"+strconv.Itoa(int(ad.ID))+"/nome-errado")
			if status != 301 {
				t.Errorf("wrong slug: %d", status)
			}
		}
		req := newBrowser(t, app)
		req.get("/anuncio/" + strconv.Itoa(int(d.ID)))
		if loc := req.location(); !strings.Contains(loc, "/suzuki-address-ag-") {
			t.Errorf("Address/AG slug: %s", loc)
		}
		if status, _ := req.get(req.location()); status != 200 {
			t.Errorf("Address/AG page: %d", status)
		}
	})
}

func TestSearchPagesAndPartial(t *testing.T) {
	db := modelstest.Open(t, "sqlite")
	app := newTestApp(t, db)
	c := catalogIDs{t, db}
	owner := modelstest.CreateUser(t, db, "Loja")
	sp, campinas := c.city("SP", "Campinas")
	cb := c.model("Honda", "CB 300")
	for i := range 30 {
		listed(t, db, owner, cb, sp, campinas, func(ad *models.Ad) { ad.Price = models.Money(1000000 + i*10000) })
	}
	_, first := get(t, app, "/motos?ordem=menor_preco")
	_, second := get(t, app, "/motos?ordem=menor_preco&pagina=2")
	if len(found(first)) != 24 || len(found(second)) != 6 {
		t.Errorf("pages: %d and %d cards", len(found(first)), len(found(second)))
	}
	mustContain(t, first, "Página 1 de 2", `href="/motos?ordem=menor_preco&amp;pagina=2"`)

	// The same URL answers the partial to htmx and the whole page otherwise;
	// a history restore gets the whole page.
	_, partial := get(t, app, "/motos?ordem=menor_preco", "HX-Request", "true")
	if strings.Contains(partial, "<html") || !strings.Contains(partial, "motos encontradas") {
		t.Error("htmx did not get the results partial")
	}
	_, restored := get(t, app, "/motos?ordem=menor_preco", "HX-Request", "true", "HX-History-Restore-Request", "true")
	if !strings.Contains(restored, "<html") {
		t.Error("a history restore did not get the whole page")
	}
	resp := newBrowser(t, app)
	resp.get("/motos")
	if v := resp.last.Header.Get("Vary"); !strings.Contains(v, "HX-Request") {
		t.Errorf("Vary: %q", v)
	}
}

func TestSearchBadParametersAreIgnored(t *testing.T) {
	modelstest.EachDialect(t, func(t *testing.T, db *models.DB) {
		app := newTestApp(t, db)
		for _, q := range []string{
			"preco_min=abc", "marca=99999", "marca=abc", "modelo=-1", "estado=ZZ", "cidade=999999", "ano_min=abc",
			"ano_max=3000", "km_max=muito", "tipo=foguete", "cor=%00", "ordem=aleatoria", "pagina=-3", "pagina=999999",
			"q=" + strings.Repeat("x", 5000), "q=%FF%FE", "preco_max=" + strings.Repeat("9", 40), "q=%27%20OR%201=1--",
			"q=100%25", "q=_",
		} {
			status, body := get(t, app, "/motos?"+q)
			if status != 200 {
				t.Errorf("/motos?%s: %d", q, status)
			}
			if !strings.Contains(body, "motos encontradas") && !strings.Contains(body, "moto encontrada") {
				t.Errorf("/motos?%s: no results page", q)
			}
		}
		_, body := get(t, app, "/motos?preco_min=abc&marca=99999")
		mustContain(t, body, "Ignoramos o preço mínimo “abc”.", "Ignoramos a marca “99999”.")
	})
}

func TestSearchEscapesTheQuery(t *testing.T) {
	db := modelstest.Open(t, "sqlite")
	app := newTestApp(t, db)
	evil := `"><script>alert(1)</script>`
	_, body := get(t, app, "/motos?q="+url.QueryEscape(evil)+"&preco_min="+url.QueryEscape(evil))
	if strings.Contains(body, "<script>alert(1)") {
		t.Fatal("the query is reflected unescaped")
	}
	mustContain(t, body, `value="&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"`, "“&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;”")
}

// A results page runs the same number of queries whatever its size.
func TestSearchQueryCountIsFixed(t *testing.T) {
	db := modelstest.Open(t, "sqlite")
	app := newTestApp(t, db)
	c := catalogIDs{t, db}
	owner := modelstest.CreateUser(t, db, "Loja")
	sp, campinas := c.city("SP", "Campinas")
	cb := c.model("Honda", "CB 300")
	var queries atomic.Int64
	db.Callback().Query().Before("gorm:query").Register("test:count", func(*gorm.DB) { queries.Add(1) })
	db.Callback().Row().Before("gorm:row").Register("test:count", func(*gorm.DB) { queries.Add(1) })
	// Each measured URL is a search not rendered yet whose counts are
	// cached (the counts do not depend on the page).
	measure := func(path string) int64 {
		get(t, app, path+"&pagina=2")
		queries.Store(0)
		get(t, app, path)
		return queries.Load()
	}
	listed(t, db, owner, cb, sp, campinas, nil)
	one := measure("/motos?estado=SP")
	for range 23 {
		listed(t, db, owner, cb, sp, campinas, nil)
	}
	many := measure("/motos?estado=SP&ordem=menor_preco")
	if one != many || one > 3 {
		t.Errorf("queries for 1 card: %d, for 24 cards: %d (want equal and at most 3)", one, many)
	}
	queries.Store(0)
	get(t, app, "/")
	homeOne := queries.Load()
	if homeOne > 6 {
		t.Errorf("home page: %d queries", homeOne)
	}
}
