package search

import "github.com/RoaringBitmap/roaring/v2"

// tallies counts, during a search's pass, how many ads each value of each
// facet leaves: one counter per value, indexed by the value itself (brand
// and state ids, style code, model year from the smallest seen, price
// band). The facets are the groups groupBrand to groupPrice.
type tallies struct {
	ix     *Index
	on     bool // the search asked for facets
	counts [groupOther][]int
}

func newTallies(ix *Index, on bool) *tallies {
	t := &tallies{ix: ix, on: on}
	if on {
		c := &ix.cols
		t.counts = [groupOther][]int{
			groupBrand: make([]int, c.maxBrand+1),
			groupState: make([]int, c.maxState+1),
			groupType:  make([]int, 256),
			groupYear:  make([]int, int(c.maxYear)-int(c.minYear)+1),
			groupPrice: make([]int, len(PriceBands)),
		}
	}
	return t
}

// add counts the slots of a run in the facets of the mask (bit f for
// facet f), delta each (-1 uncounts); one loop per column, without a call
// per ad.
func (t *tallies) add(run []uint32, mask uint, delta int) {
	if !t.on || len(run) == 0 {
		return
	}
	for facet := range t.counts {
		if mask&(1<<facet) != 0 {
			t.addFacet(facet, run, delta)
		}
	}
}

// addFacet counts the slots of a run in one facet, delta each.
func (t *tallies) addFacet(facet int, run []uint32, delta int) {
	c := &t.ix.cols
	n := t.counts[facet]
	switch facet {
	case groupBrand:
		countColumn(n, c.brand, 0, run, delta)
	case groupState:
		countColumn(n, c.state, 0, run, delta)
	case groupType:
		countColumn(n, c.typ, 0, run, delta)
	case groupYear:
		countColumn(n, c.year, c.minYear, run, delta)
	case groupPrice:
		countPrices(n, c.price, run, delta)
	}
}

// countColumn adds delta to the counter of each slot's value in the
// column, less base (the counters start at base's value).
func countColumn[T uint8 | uint16 | uint32](n []int, col []T, base T, run []uint32, delta int) {
	for _, s := range run {
		n[col[s]-base] += delta
	}
}

// countPrices adds delta to the counter of each slot's price band; a
// price exactly at a band's start counts in the band before too (a band's
// link takes its end price).
func countPrices(n []int, price []uint32, run []uint32, delta int) {
	for _, s := range run {
		b := priceBand(int64(price[s]))
		n[b] += delta
		if b > 0 && int64(price[s]) == PriceBands[b] {
			n[b-1] += delta
		}
	}
}

// addSet counts the slots of a set in the facets of the mask: reading
// the set's ads, or — when the set holds most of the index — every listed
// ad's counts less the ads outside it.
func (t *tallies) addSet(set *roaring.Bitmap, mask uint) {
	if !t.on || mask == 0 {
		return
	}
	ix := t.ix
	if set != ix.live && int(set.GetCardinality())*2 <= ix.slots.n {
		eachRun(set, func(run []uint32) { t.add(run, mask, 1) })
		return
	}
	for facet := range t.counts {
		if mask&(1<<facet) != 0 {
			t.totals(facet)
		}
	}
	if set != ix.live {
		eachRun(roaring.AndNot(ix.live, set), func(run []uint32) { t.add(run, mask, -1) })
	}
}

// allFacets is the mask of every facet.
const allFacets = 1<<groupOther - 1

// totals counts every listed ad in the facet (-1: in every facet), from
// the sizes of the values' bitmaps.
func (t *tallies) totals(facet int) {
	if !t.on {
		return
	}
	for f := range t.counts {
		if facet < 0 || f == facet {
			t.totalFacet(f)
		}
	}
}

// totalFacet counts every listed ad in one facet.
func (t *tallies) totalFacet(facet int) {
	ix := t.ix
	n := t.counts[facet]
	switch facet {
	case groupBrand:
		countSets(n, ix.brands, 0)
	case groupState:
		countSets(n, ix.states, 0)
	case groupType:
		countSets(n, ix.types, 0)
	case groupYear:
		countSets(n, ix.years, ix.cols.minYear)
	case groupPrice:
		countSets(n, ix.bands, 0)
		for k, b := range ix.edges {
			n[k-1] += int(b.GetCardinality())
		}
	}
}

// countSets sets the counter of each value, less base, to the size of
// its bitmap.
func countSets[K uint8 | uint16 | uint32](n []int, sets valueSets[K], base K) {
	for k, b := range sets {
		n[int(k)-int(base)] = int(b.GetCardinality())
	}
}

// facets hands the non-zero counts out.
func (t *tallies) facets() Facets {
	out := Facets{Brands: map[uint32]int{}, States: map[uint16]int{}, Types: map[string]int{}, Years: map[int]int{},
		Prices: make([]int, len(PriceBands))}
	for v, n := range t.counts[groupBrand] {
		if n > 0 {
			out.Brands[uint32(v)] = n
		}
	}
	for v, n := range t.counts[groupState] {
		if n > 0 {
			out.States[uint16(v)] = n
		}
	}
	for v, n := range t.counts[groupType] {
		if name := t.ix.typeCodes.name(uint8(v)); n > 0 && name != "" {
			out.Types[name] = n
		}
	}
	for v, n := range t.counts[groupYear] {
		if n > 0 {
			out.Years[v+int(t.ix.cols.minYear)] = n
		}
	}
	copy(out.Prices, t.counts[groupPrice])
	return out
}
