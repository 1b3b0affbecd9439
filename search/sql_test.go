package search_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"motando/models"
	"motando/models/modelstest"
	"motando/search"
)

// The index and a plain SQL query over the same rows give the same
// answers: ids in order, count and every facet count, for random searches
// over random ads — on SQLite and on MariaDB, with changes made through the
// models between rounds.

// phraseWords are the words the random sales phrases are made of, with
// accents and capitals as sellers write them.
var phraseWords = []string{"Moto", "impecável", "única", "dona", "revisão", "em", "dia", "aceito", "troca", "CG", "Titan",
	"pneus", "novos", "baixa", "quilometragem", "manual", "chave", "reserva", "São", "João", "Coração", "ÓTIMA", "açúcar",
	"MT-07", "200i", "ABS", "nunca", "caiu", "garantia", "conservada", "financio", "Ipanema"}

// fixture is the catalog lines and cities the random ads draw from.
type fixture struct {
	lines  [][3]uint32 // brand, model, version (0: none)
	cities []models.City
	names  search.Names
}

func loadFixture(t *testing.T, db *models.DB) (*fixture, *models.Catalog, *models.Places) {
	ctx := context.Background()
	cat, err := models.LoadCatalog(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	places, err := models.LoadPlaces(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	fx := &fixture{names: models.SearchNames(cat, places)}
	for _, b := range cat.Brands[:min(len(cat.Brands), 8)] {
		for _, m := range cat.Models(b.ID)[:min(len(cat.Models(b.ID)), 4)] {
			fx.lines = append(fx.lines, [3]uint32{b.ID, m.ID, 0})
			for _, v := range cat.Versions(m.ID)[:min(len(cat.Versions(m.ID)), 2)] {
				fx.lines = append(fx.lines, [3]uint32{b.ID, m.ID, v.ID})
			}
		}
	}
	for _, uf := range []string{"SP", "MG", "BA", "RS"} {
		st, _ := places.StateByUF(uf)
		cs := places.Cities(st.ID)
		fx.cities = append(fx.cities, cs[:min(len(cs), 6)]...)
	}
	return fx, cat, places
}

func (fx *fixture) randomAd(rng *rand.Rand, owner uint64) models.Ad {
	line := fx.lines[rng.IntN(len(fx.lines))]
	city := fx.cities[rng.IntN(len(fx.cities))]
	var phrase []string
	for range rng.IntN(6) {
		phrase = append(phrase, phraseWords[rng.IntN(len(phraseWords))])
	}
	published := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(rng.IntN(2000)) * time.Second)
	if rng.IntN(3) == 0 {
		published = published.Add(time.Duration(rng.IntN(1_000_000)) * time.Microsecond)
	}
	expires := published.Add(60 * 24 * time.Hour)
	ad := models.Ad{
		UserID: owner, BrandID: line[0], ModelID: line[1], StateID: city.StateID, CityID: city.ID,
		Type:  []string{"naked", "sport", "scooter", "street", ""}[rng.IntN(5)],
		Color: []string{"black", "red", "white", "blue"}[rng.IntN(4)], Origin: "national",
		FabricationYear: 2005 + rng.IntN(20), ModelYear: 2005 + rng.IntN(21), LicensePlate: "ABC1D23",
		Mileage: rng.IntN(8) * 7_500, IsNew: rng.IntN(6) == 0, TopOffer: rng.IntN(7) == 0,
		Price:       models.Money(int64(rng.IntN(60))*250_000 + int64(rng.IntN(3))*rng.Int64N(100_000)),
		SalesPhrase: strings.Join(phrase, " "), Description: "-",
		Status: models.StatusPublished, StatusChanged: published, Listed: rng.IntN(10) != 0,
		PublishedAt: &published, ExpiresAt: &expires, Created: published, Updated: published,
	}
	if line[2] != 0 {
		v := line[2]
		ad.VersionID = &v
	}
	for i := range rng.IntN(3) {
		status := models.ImageReady
		if rng.IntN(4) == 0 {
			status = models.ImagePending
		}
		ad.Images = append(ad.Images, models.Image{Position: i, Status: status,
			ThumbKey: fmt.Sprintf("t/%d-%d.jpg", rng.IntN(1e6), i), ThumbWidth: 480, ThumbHeight: 320 + i})
	}
	version := ""
	if ad.VersionID != nil {
		version = fx.names.Versions[*ad.VersionID]
	}
	ad.SearchText = models.SearchText(fx.names.Brands[ad.BrandID], fx.names.Models[ad.ModelID], version, city.Name, ad.SalesPhrase)
	return ad
}

// randomFilter draws a search from the values the ads have, so that most
// find something: the filters a visitor combines, and free text with
// accents, capitals and a word cut short while typing.
func (fx *fixture) randomFilter(rng *rand.Rand) search.Filter {
	var f search.Filter
	line := fx.lines[rng.IntN(len(fx.lines))]
	city := fx.cities[rng.IntN(len(fx.cities))]
	if rng.IntN(3) == 0 {
		f.BrandID = line[0]
		switch rng.IntN(3) {
		case 1:
			f.ModelID = line[1]
		case 2:
			f.ModelID, f.VersionID = line[1], line[2]
		}
	}
	if rng.IntN(3) == 0 {
		f.StateID = city.StateID
		if rng.IntN(2) == 0 {
			f.CityID = city.ID
		}
	}
	if rng.IntN(3) == 0 {
		f.PriceMin = int64(rng.IntN(30)) * 250_000
	}
	if rng.IntN(3) == 0 {
		f.PriceMax = int64(rng.IntN(60))*250_000 + int64(rng.IntN(2))*rng.Int64N(100_000)
	}
	if rng.IntN(4) == 0 {
		f.YearMin = 2005 + rng.IntN(21)
	}
	if rng.IntN(4) == 0 {
		f.YearMax = 2005 + rng.IntN(21)
	}
	if rng.IntN(4) == 0 {
		f.KmMax = rng.IntN(60_000)
	}
	if rng.IntN(5) == 0 {
		f.Type = []string{"naked", "sport", "scooter", "street", "custom"}[rng.IntN(5)]
	}
	if rng.IntN(5) == 0 {
		f.Color = []string{"black", "red", "white", "blue"}[rng.IntN(4)]
	}
	if rng.IntN(10) == 0 {
		f.TopOffer = true
	}
	if rng.IntN(2) == 0 {
		var text []string
		for range 1 + rng.IntN(2) {
			source := []string{fx.names.Brands[line[0]], fx.names.Models[line[1]], fx.names.Versions[line[2]], city.Name,
				phraseWords[rng.IntN(len(phraseWords))]}[rng.IntN(5)]
			if source != "" {
				text = append(text, source)
			}
		}
		typed := strings.Join(text, " ")
		if rng.IntN(2) == 0 {
			typed = strings.ToUpper(typed)
		}
		if n := utf8.RuneCountInString(typed); n > 1 && rng.IntN(2) == 0 {
			typed = string([]rune(typed)[:1+rng.IntN(n-1)]) // cut short while typing
		}
		f.Words = search.Words(typed)
	}
	return f
}

// sqlSearch answers a search with plain SQL over the classifiedad rows.
type sqlSearch struct {
	t  *testing.T
	db *models.DB
}

// where writes the filter as SQL, leaving out the facet group's filters.
func (q sqlSearch) where(f search.Filter, leaveOut string) (string, []any) {
	conds := []string{"listed = ?"}
	args := []any{true}
	add := func(group, cond string, arg any) {
		if group != leaveOut {
			conds = append(conds, cond)
			args = append(args, arg)
		}
	}
	money := func(cents int64) string { return fmt.Sprintf("%d.%02d", cents/100, cents%100) }
	if f.BrandID != 0 {
		add("brand", "brand_id = ?", f.BrandID)
	}
	if f.ModelID != 0 {
		add("brand", "model_id = ?", f.ModelID)
	}
	if f.VersionID != 0 {
		add("brand", "model_version_id = ?", f.VersionID)
	}
	if f.StateID != 0 {
		add("state", "state_id = ?", f.StateID)
	}
	if f.CityID != 0 {
		add("state", "city_id = ?", f.CityID)
	}
	if f.Type != "" {
		add("type", "type = ?", f.Type)
	}
	if f.YearMin != 0 {
		add("year", "model_year >= ?", f.YearMin)
	}
	if f.YearMax != 0 {
		add("year", "model_year <= ?", f.YearMax)
	}
	if f.PriceMin != 0 {
		add("price", "price >= ?", money(f.PriceMin))
	}
	if f.PriceMax != 0 {
		add("price", "price <= ?", money(f.PriceMax))
	}
	if f.KmMax != 0 {
		add("", "mileage <= ?", f.KmMax)
	}
	if f.Color != "" {
		add("", "color = ?", f.Color)
	}
	if f.TopOffer {
		add("", "top_offer = ?", true)
	}
	for i, w := range f.Words {
		if i == len(f.Words)-1 {
			add("", "search_text LIKE ?", "% "+w+"%")
		} else {
			add("", "search_text LIKE ?", "% "+w+" %")
		}
	}
	return strings.Join(conds, " AND "), args
}

var sqlOrders = map[string]string{
	search.OrderNewest:       "published_at DESC, id DESC",
	search.OrderPriceAsc:     "price ASC, id ASC",
	search.OrderPriceDesc:    "price DESC, id DESC",
	search.OrderKmAsc:        "mileage ASC, id ASC",
	search.OrderModelYearNew: "model_year DESC, published_at DESC, id DESC",
}

func (q sqlSearch) search(f search.Filter, order string, offset, limit int) (ids []uint64, total int, facets search.Facets) {
	where, args := q.where(f, "-")
	q.scan(&ids, "SELECT id FROM classifiedad WHERE "+where+" ORDER BY "+sqlOrders[order]+
		fmt.Sprintf(" LIMIT %d OFFSET %d", limit, offset), args...)
	q.scan(&total, "SELECT COUNT(*) FROM classifiedad WHERE "+where, args...)
	facets = search.Facets{Brands: map[uint32]int{}, States: map[uint16]int{}, Types: map[string]int{}, Years: map[int]int{},
		Prices: make([]int, len(search.PriceBands))}
	for _, d := range []struct {
		group, expr, extra string
		into               func(v string, n int)
	}{
		{"brand", "brand_id", "", func(v string, n int) { facets.Brands[uint32(atoi(v))] = n }},
		{"state", "state_id", "", func(v string, n int) { facets.States[uint16(atoi(v))] = n }},
		{"type", "type", " AND type <> ''", func(v string, n int) { facets.Types[v] = n }},
		{"year", "model_year", "", func(v string, n int) { facets.Years[atoi(v)] = n }},
	} {
		where, args := q.where(f, d.group)
		var rows []struct {
			V string
			N int
		}
		if err := q.db.Raw("SELECT "+d.expr+" AS v, COUNT(*) AS n FROM classifiedad WHERE "+where+d.extra+" GROUP BY v", args...).
			Scan(&rows).Error; err != nil {
			q.t.Fatal(err)
		}
		for _, r := range rows {
			d.into(r.V, r.N)
		}
	}
	// A price band takes both its ends, as its link asks.
	where, args = q.where(f, "price")
	for i, lo := range search.PriceBands {
		cond := fmt.Sprintf("price >= %d", lo/100)
		if i+1 < len(search.PriceBands) {
			cond += fmt.Sprintf(" AND price <= %d", search.PriceBands[i+1]/100)
		}
		q.scan(&facets.Prices[i], "SELECT COUNT(*) FROM classifiedad WHERE "+where+" AND "+cond, args...)
	}
	return ids, total, facets
}

func (q sqlSearch) scan(dst any, query string, args ...any) {
	q.t.Helper()
	if err := q.db.Raw(query, args...).Scan(dst).Error; err != nil {
		q.t.Fatalf("%s: %v", query, err)
	}
}

func atoi(s string) int {
	n := 0
	fmt.Sscan(s, &n)
	return n
}

func TestIndexAgreesWithSQL(t *testing.T) {
	modelstest.EachDialect(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		rng := rand.New(rand.NewPCG(7, 11))
		fx, _, _ := loadFixture(t, db)
		owner := modelstest.CreateUser(t, db, "Vendedor")
		ads := make([]models.Ad, 1500)
		for i := range ads {
			ads[i] = fx.randomAd(rng, owner.ID)
		}
		if err := db.InsertAds(ctx, ads, 500); err != nil {
			t.Fatal(err)
		}
		ix := search.New()
		ix.SetNames(fx.names)
		syncer := &search.Syncer{Index: ix, Source: db}
		db.OnAdsChanged(func(ctx context.Context, ids []uint64) {
			if err := syncer.Refresh(ctx, ids); err != nil {
				t.Error(err)
			}
		})
		if err := syncer.Load(ctx); err != nil {
			t.Fatal(err)
		}
		oracle := sqlSearch{t, db}
		orders := []string{search.OrderNewest, search.OrderPriceAsc, search.OrderPriceDesc, search.OrderKmAsc, search.OrderModelYearNew}
		searches, found := 0, 0
		rounds := 10
		if search.RaceEnabled {
			rounds = 1
		}
		for round := range rounds {
			for range 110 {
				f := fx.randomFilter(rng)
				order := orders[rng.IntN(len(orders))]
				offset := []int{0, 0, 0, 24, 48, 96, 480}[rng.IntN(7)]
				got := ix.Search(f, order, offset, 24, true)
				ids, total, facets := oracle.search(f, order, offset, 24)
				gotIDs := make([]uint64, len(got.Docs))
				for i, d := range got.Docs {
					gotIDs[i] = d.ID
				}
				if got.Total != total || !slices.Equal(gotIDs, ids) {
					t.Fatalf("round %d: %+v %s from %d:\nindex %d %v\nSQL   %d %v", round, f, order, offset, got.Total, gotIDs, total, ids)
				}
				if !reflect.DeepEqual(got.Facets, facets) {
					t.Fatalf("round %d: %+v: facets\nindex %+v\nSQL   %+v", round, f, got.Facets, facets)
				}
				searches++
				if len(ids) > 0 {
					found++
				}
			}
			changeSome(t, db, rng, fx, owner.ID, ads)
		}
		t.Logf("%d searches agreed, %d of them with ads on the page", searches, found)
		if found < searches/3 {
			t.Errorf("only %d of %d searches found ads: the test searches too little", found, searches)
		}
	})
}

// changeSome edits, hides and deletes a few ads through the models, as
// their owners and the moderation would.
func changeSome(t *testing.T, db *models.DB, rng *rand.Rand, fx *fixture, owner uint64, ads []models.Ad) {
	ctx := context.Background()
	for range 15 {
		ad := ads[rng.IntN(len(ads))]
		var err error
		switch rng.IntN(4) {
		case 0, 1: // a new price and phrase, as the edit form saves them
			var cur models.Ad
			if db.First(&cur, ad.ID).Error != nil || cur.Status == models.StatusDelete {
				continue
			}
			cur.Price = models.Money(rng.Int64N(15_000_000))
			cur.SalesPhrase = phraseWords[rng.IntN(len(phraseWords))] + " " + phraseWords[rng.IntN(len(phraseWords))]
			version := ""
			if cur.VersionID != nil {
				version = fx.names.Versions[*cur.VersionID]
			}
			cur.SearchText = models.SearchText(fx.names.Brands[cur.BrandID], fx.names.Models[cur.ModelID], version,
				fx.names.Cities[cur.CityID], cur.SalesPhrase)
			_, err = db.UpdateAd(ctx, &cur, nil)
		case 2:
			err = db.HideAd(ctx, owner, ad.ID, "teste")
		case 3:
			err = db.DeleteOwnAd(ctx, owner, ad.ID)
		}
		if err != nil && err != models.ErrNotFound && !strings.Contains(err.Error(), "not found") {
			t.Fatal(err)
		}
	}
}
