package models

import (
	"context"
	"fmt"
	"strings"

	"gorm.io/gorm"
	"gorm.io/hints"

	"motando/migrations"
)

// Search orders, by their /motos names.
const (
	OrderNewest       = "recentes"    // newest ads first
	OrderPriceAsc     = "menor_preco" // cheapest first
	OrderPriceDesc    = "maior_preco" // dearest first
	OrderKmAsc        = "menor_km"    // fewest km first
	OrderModelYearNew = "mais_novas"  // newest model year first
)

// SearchOrders lists the orders in display order, with their labels.
var SearchOrders = []Choice{
	{OrderNewest, "Mais recentes"}, {OrderPriceAsc, "Menor preço"}, {OrderPriceDesc, "Maior preço"},
	{OrderKmAsc, "Menor km"}, {OrderModelYearNew, "Mais novas"},
}

var orderClauses = map[string]string{
	OrderNewest:       "published_at DESC, id DESC",
	OrderPriceAsc:     "price ASC, id ASC",
	OrderPriceDesc:    "price DESC, id DESC",
	OrderKmAsc:        "mileage ASC, id ASC",
	OrderModelYearNew: "model_year DESC, published_at DESC, id DESC",
}

// SearchFilter is the set of filters of a search; zero values filter
// nothing. Words are matched, each anywhere, against brand, model, version
// and sales phrase.
type SearchFilter struct {
	Words     []string
	BrandID   uint32
	ModelID   uint32
	VersionID uint32
	StateID   uint16
	CityID    uint32
	PriceMin  int64 // centavos
	PriceMax  int64
	YearMin   int // model year
	YearMax   int
	KmMax     int
	Type      string
	Color     string
}

// Key is a canonical string of the filter, for caches.
func (f SearchFilter) Key() string {
	return fmt.Sprintf("%q|%d|%d|%d|%d|%d|%d|%d|%d|%d|%d|%s|%s", strings.Join(f.Words, " "), f.BrandID, f.ModelID, f.VersionID,
		f.StateID, f.CityID, f.PriceMin, f.PriceMax, f.YearMin, f.YearMax, f.KmMax, f.Type, f.Color)
}

// apply adds the filter's conditions to a query on listed ads.
func (f SearchFilter) apply(q *gorm.DB) *gorm.DB {
	q = q.Where("listed = ?", true)
	for _, w := range f.Words {
		q = q.Where("search_text LIKE ? ESCAPE '!'", "%"+escapeLike(w)+"%")
	}
	conds := []struct {
		on   bool
		expr string
		arg  any
	}{
		{f.BrandID != 0, "brand_id = ?", f.BrandID},
		{f.ModelID != 0, "model_id = ?", f.ModelID},
		{f.VersionID != 0, "model_version_id = ?", f.VersionID},
		{f.StateID != 0, "state_id = ?", f.StateID},
		{f.CityID != 0, "city_id = ?", f.CityID},
		{f.PriceMin != 0, "price >= ?", Money(f.PriceMin)},
		{f.PriceMax != 0, "price <= ?", Money(f.PriceMax)},
		{f.YearMin != 0, "model_year >= ?", f.YearMin},
		{f.YearMax != 0, "model_year <= ?", f.YearMax},
		{f.KmMax != 0, "mileage <= ?", f.KmMax},
		{f.Type != "", "type = ?", f.Type},
		{f.Color != "", "color = ?", f.Color},
	}
	for _, c := range conds {
		if c.on {
			q = q.Where(c.expr, c.arg)
		}
	}
	return q
}

// escapeLike makes a word match literally in LIKE ... ESCAPE '!'.
func escapeLike(s string) string {
	return strings.NewReplacer("!", "!!", "%", "!%", "_", "!_").Replace(s)
}

// cardColumns are the columns a card shows: the page skips the rest (the
// description above all).
var cardColumns = []string{"id", "user_id", "brand_id", "model_id", "model_version_id", "fabrication_year", "model_year",
	"mileage", "is_new", "price", "state_id", "city_id", "status", "status_reason", "listed", "hidden_at", "hidden_reason",
	"top_offer", "published_at", "expires_at", "created", "updated"}

// SearchAds returns one page of the listed ads matching the filter, in the
// order, each with its cover photo (the first ready one): three queries
// whatever the page size — the page's ids (from an index alone when it
// can), their rows, their covers.
func (db *DB) SearchAds(ctx context.Context, f SearchFilter, order string, offset, limit int) ([]Ad, error) {
	clause, ok := orderClauses[order]
	if !ok {
		order, clause = OrderNewest, orderClauses[OrderNewest]
	}
	q := db.WithContext(ctx).Model(&Ad{})
	if db.Dialect == migrations.MySQL {
		// MySQL's planner, facing indexes that all start with the same
		// listed flag, often scans the newest ads and filters them row by
		// row; the index that serves the filter and the order is known.
		if idx := f.index(order); idx != "" {
			q = q.Clauses(hints.UseIndex(idx))
		}
	}
	var ids []uint64
	if err := f.apply(q).Order(clause).Offset(offset).Limit(limit).Pluck("id", &ids).Error; err != nil {
		return nil, fmt.Errorf("search ads: %w", err)
	}
	if len(ids) == 0 {
		return nil, nil
	}
	var rows []Ad
	if err := db.WithContext(ctx).Select(cardColumns).Where("id IN ?", ids).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("search ads: %w", err)
	}
	byID := make(map[uint64]Ad, len(rows))
	for _, a := range rows {
		byID[a.ID] = a
	}
	ads := make([]Ad, 0, len(ids))
	for _, id := range ids {
		if a, ok := byID[id]; ok {
			ads = append(ads, a)
		}
	}
	if err := db.attachCovers(ctx, ads); err != nil {
		return nil, err
	}
	return ads, nil
}

// index names the index that serves the filter in the order: the one of
// its narrowest equality filter for the newest-first order, the order's own
// when a range on the ordered column is given or nothing narrows the list.
// Empty: let the planner choose (a text search).
func (f SearchFilter) index(order string) string {
	if len(f.Words) > 0 {
		return ""
	}
	eq := ""
	switch {
	case f.VersionID != 0:
		eq = "ix_ad_listed_version"
	case f.ModelID != 0:
		eq = "ix_ad_listed_model"
	case f.CityID != 0:
		eq = "ix_ad_listed_city"
	case f.BrandID != 0:
		eq = "ix_ad_listed_brand"
	case f.StateID != 0:
		eq = "ix_ad_listed_state"
	}
	own, ranged := "", false
	switch order {
	case OrderNewest:
		if eq != "" {
			return eq
		}
		return "ix_ad_listed_published"
	case OrderPriceAsc, OrderPriceDesc:
		own, ranged = "ix_ad_listed_price", f.PriceMin != 0 || f.PriceMax != 0
	case OrderKmAsc:
		own, ranged = "ix_ad_listed_km", f.KmMax != 0
	case OrderModelYearNew:
		own, ranged = "ix_ad_listed_year", f.YearMin != 0 || f.YearMax != 0
	}
	if ranged || eq == "" {
		return own
	}
	return eq
}

// CountAds counts the listed ads matching the filter.
func (db *DB) CountAds(ctx context.Context, f SearchFilter) (int64, error) {
	var n int64
	if err := f.apply(db.WithContext(ctx).Model(&Ad{})).Count(&n).Error; err != nil {
		return 0, fmt.Errorf("count ads: %w", err)
	}
	return n, nil
}

// attachCovers loads the cover photo of each ad in one query and sets it as
// the ad's only image.
func (db *DB) attachCovers(ctx context.Context, ads []Ad) error {
	if len(ads) == 0 {
		return nil
	}
	ids := make([]uint64, len(ads))
	for i, a := range ads {
		ids[i] = a.ID
	}
	var imgs []Image
	err := db.WithContext(ctx).Where("classifiedad_id IN ? AND status = ?", ids, ImageReady).
		Order("classifiedad_id, position, id").Find(&imgs).Error
	if err != nil {
		return fmt.Errorf("load covers: %w", err)
	}
	cover := make(map[uint64]Image, len(ads))
	for _, img := range imgs {
		if _, ok := cover[img.AdID]; !ok {
			cover[img.AdID] = img
		}
	}
	for i := range ads {
		if img, ok := cover[ads[i].ID]; ok {
			ads[i].Images = []Image{img}
		}
	}
	return nil
}

// Facet dimensions.
const (
	FacetBrand = "marca"
	FacetState = "estado"
	FacetType  = "tipo"
	FacetYear  = "ano"
	FacetPrice = "preco"
)

// PriceBands are the price ranges of the price facet, in centavos; a band
// runs from its value to the next one's.
var PriceBands = []int64{0, 10_000_00, 20_000_00, 40_000_00, 80_000_00, 150_000_00}

// Facets counts, for each dimension, how many ads each of its values
// leaves: the counts of a dimension apply every filter but its own.
type Facets map[string]map[string]int64

// FacetCounts computes the facets of a filter: one grouped query per
// dimension.
func (db *DB) FacetCounts(ctx context.Context, f SearchFilter) (Facets, error) {
	priceCase := "CASE"
	for i := len(PriceBands) - 1; i >= 0; i-- {
		priceCase += fmt.Sprintf(" WHEN price >= %d THEN %d", PriceBands[i]/100, i)
	}
	priceCase += " END"
	dims := []struct {
		name, expr string
		clear      func(*SearchFilter)
	}{
		{FacetBrand, "brand_id", func(f *SearchFilter) { f.BrandID, f.ModelID, f.VersionID = 0, 0, 0 }},
		{FacetState, "state_id", func(f *SearchFilter) { f.StateID, f.CityID = 0, 0 }},
		{FacetType, "type", func(f *SearchFilter) { f.Type = "" }},
		{FacetYear, "model_year", func(f *SearchFilter) { f.YearMin, f.YearMax = 0, 0 }},
		{FacetPrice, priceCase, func(f *SearchFilter) { f.PriceMin, f.PriceMax = 0, 0 }},
	}
	out := Facets{}
	for _, d := range dims {
		g := f
		d.clear(&g)
		var rows []struct {
			Value string
			N     int64
		}
		q := g.apply(db.WithContext(ctx).Model(&Ad{})).Select(d.expr + " AS value, COUNT(*) AS n").Group("value")
		if err := q.Scan(&rows).Error; err != nil {
			return nil, fmt.Errorf("facet %s: %w", d.name, err)
		}
		m := make(map[string]int64, len(rows))
		for _, r := range rows {
			m[r.Value] = r.N
		}
		out[d.name] = m
	}
	return out, nil
}

// HomeAds returns the newest listed ads and the top offers, with covers.
func (db *DB) HomeAds(ctx context.Context, limit int) (newest, top []Ad, err error) {
	if newest, err = db.SearchAds(ctx, SearchFilter{}, OrderNewest, 0, limit); err != nil {
		return nil, nil, err
	}
	q := db.WithContext(ctx).Where("listed = ? AND top_offer = ?", true, true).Order("published_at DESC, id DESC").Limit(limit)
	if err := q.Find(&top).Error; err != nil {
		return nil, nil, fmt.Errorf("top offers: %w", err)
	}
	return newest, top, db.attachCovers(ctx, top)
}

// ListedAdPages calls fn with the id, catalog ids, model year and last
// change of the listed ads in id order, skipping offset and up to limit:
// the sitemap's rows.
func (db *DB) ListedAdPages(ctx context.Context, offset, limit int, fn func(Ad) error) error {
	rows, err := db.WithContext(ctx).Model(&Ad{}).
		Select("id", "brand_id", "model_id", "model_version_id", "model_year", "updated").
		Where("listed = ?", true).Order("id").Offset(offset).Limit(limit).Rows()
	if err != nil {
		return fmt.Errorf("sitemap ads: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var ad Ad
		if err := db.ScanRows(rows, &ad); err != nil {
			return fmt.Errorf("sitemap ads: %w", err)
		}
		if err := fn(ad); err != nil {
			return err
		}
	}
	return rows.Err()
}
