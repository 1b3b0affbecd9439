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
	c := &t.ix.cols
	for facet := range t.counts {
		if mask&(1<<facet) == 0 {
			continue
		}
		n := t.counts[facet]
		switch facet {
		case groupBrand:
			for _, s := range run {
				n[c.brand[s]] += delta
			}
		case groupState:
			for _, s := range run {
				n[c.state[s]] += delta
			}
		case groupType:
			for _, s := range run {
				n[c.typ[s]] += delta
			}
		case groupYear:
			for _, s := range run {
				n[c.year[s]-c.minYear] += delta
			}
		case groupPrice:
			for _, s := range run {
				b := priceBand(int64(c.price[s]))
				n[b] += delta
				if b > 0 && int64(c.price[s]) == PriceBands[b] {
					n[b-1] += delta // a band's link takes its end price too
				}
			}
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
	ix, c := t.ix, &t.ix.cols
	for f := range t.counts {
		if facet >= 0 && f != facet {
			continue
		}
		n := t.counts[f]
		switch f {
		case groupBrand:
			for k, b := range ix.brands {
				n[k] = int(b.GetCardinality())
			}
		case groupState:
			for k, b := range ix.states {
				n[k] = int(b.GetCardinality())
			}
		case groupType:
			for k, b := range ix.types {
				n[k] = int(b.GetCardinality())
			}
		case groupYear:
			for k, b := range ix.years {
				n[int(k)-int(c.minYear)] = int(b.GetCardinality())
			}
		case groupPrice:
			for k, b := range ix.bands {
				n[k] = int(b.GetCardinality())
			}
			for k, b := range ix.edges {
				n[k-1] += int(b.GetCardinality())
			}
		}
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
