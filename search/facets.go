package search

import (
	"github.com/RoaringBitmap/roaring/v2"
)

// smallSet is the size under which a facet is counted by reading each ad
// of the set rather than by intersecting the set with each value's bitmap.
const smallSet = 2048

// facets counts the values of each facet among the ads the other facets'
// filters leave. Called under the read lock.
func (ix *Index) facets(all *roaring.Bitmap, cs []clause) Facets {
	within := func(group int) *roaring.Bitmap {
		for _, c := range cs {
			if c.group == group {
				return and(ix.live, cs, group)
			}
		}
		return all
	}
	out := Facets{
		Brands: countValues(ix, within(groupBrand), ix.brands, func(d *doc) uint32 { return d.brand }),
		States: countValues(ix, within(groupState), ix.states, func(d *doc) uint16 { return d.state }),
		Types:  map[string]int{},
		Years:  map[int]int{},
		Prices: make([]int, len(PriceBands)),
	}
	for code, n := range countValues(ix, within(groupType), ix.types, func(d *doc) uint8 { return d.typ }) {
		if name := ix.typeCodes.name(code); name != "" {
			out.Types[name] = n
		}
	}
	for y, n := range countValues(ix, within(groupYear), ix.years, func(d *doc) uint16 { return d.year }) {
		out.Years[int(y)] = n
	}
	for b, n := range countValues(ix, within(groupPrice), ix.bands, func(d *doc) uint8 { return priceBand(int64(d.price)) }) {
		out.Prices[b] = n
	}
	return out
}

// countValues counts how many slots of set each value of a field has: from
// the value bitmaps' sizes for the whole index, by reading the field of each
// slot for a small set, by intersections otherwise.
func countValues[K comparable](ix *Index, set *roaring.Bitmap, sets valueSets[K], field func(*doc) K) map[K]int {
	out := make(map[K]int, len(sets))
	switch {
	case set == ix.live:
		for k, b := range sets {
			out[k] = int(b.GetCardinality())
		}
	case set.GetCardinality() <= smallSet:
		it := set.Iterator()
		for it.HasNext() {
			out[field(&ix.docs[it.Next()])]++
		}
	default:
		for k, b := range sets {
			if n := set.AndCardinality(b); n > 0 {
				out[k] = int(n)
			}
		}
	}
	return out
}
