// Package search is the read model every web process keeps of the listed
// ads: an in-memory index that answers every search — filters, free text,
// orders, pages, counts and facet counts — without asking the database, and
// the change feed and catch-up that keep it within a second of the
// database, which stays the source of truth.
//
// Filters and facets are compressed bitmaps of slots (one per listed ad):
// a bitmap per brand, model, version, state, city, style, colour, model year
// and price band; bit-sliced bitmaps for the price and km ranges; a bitmap
// per word of the sales phrases, and the catalog and city names resolved to
// their bitmaps. Each order is a ranking of the slots kept sorted as ads
// change, so a page is the next ids of the ranking that the result holds.
package search

import "time"

// Doc is a listed ad as the index keeps it: what it is searched and ordered
// by, and what its card shows.
type Doc struct {
	ID              uint64
	BrandID         uint32
	ModelID         uint32
	VersionID       uint32 // 0: no version
	StateID         uint16
	CityID          uint32
	Type            string
	Color           string
	FabricationYear int
	ModelYear       int
	Mileage         int
	IsNew           bool
	TopOffer        bool
	Price           int64 // centavos, at most MaxPrice
	PublishedAt     time.Time
	Updated         time.Time
	PriceDropFrom   int64     // centavos: the price before its latest reductions; 0 without
	PriceDroppedAt  time.Time // the latest reduction
	Phrase          string    // the sales phrase, whose words free text matches
	Cover           Photo     // the first ready photo's thumbnail; Key empty without one
	Rating          Rating    // what searches say of the price (rating.go); Apply ignores it
}

// Photo is a stored thumbnail: its key in the public bucket and its size.
type Photo struct {
	Key           string
	Width, Height int
}

// MaxPrice is the highest price the index tells apart, in centavos (about
// R$ 42 million, above the site's own limit); higher prices count as this.
const MaxPrice = 1<<32 - 1

// Search orders, by their /motos names.
const (
	OrderNewest       = "recentes"       // newest ads first
	OrderPriceAsc     = "menor_preco"    // cheapest first
	OrderPriceDesc    = "maior_preco"    // dearest first
	OrderKmAsc        = "menor_km"       // fewest km first
	OrderModelYearNew = "mais_novas"     // newest model year first, then newest ad
	OrderBestDeal     = "melhor_negocio" // lowest price over market estimate first, unrated ads last
)

// PriceBands are the price ranges of the price facet, in centavos: a band
// runs from its value up to the next one's, both included, as its link
// asks (an ad priced exactly at a band's start counts in the band before
// too).
var PriceBands = []int64{0, 10_000_00, 20_000_00, 40_000_00, 80_000_00, 150_000_00}

// priceBand is the band of a price.
func priceBand(cents int64) uint8 {
	b := len(PriceBands) - 1
	for b > 0 && cents < PriceBands[b] {
		b--
	}
	return uint8(b)
}
