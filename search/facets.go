package search

import (
	"github.com/RoaringBitmap/roaring/v2"
)

// tally counts how many ads of a set have each value of one facet's field.
type tally struct {
	set    *roaring.Bitmap
	counts []int
	field  int                        // the column counted
	totals func(counts []int)         // counts of the whole index
	each   func(value int, count int) // hands the non-zero counts out
}

// The columns facets count.
const (
	fieldBrand = iota
	fieldState
	fieldType
	fieldYear
	fieldBand
)

// facets counts the values of each facet among the ads the other facets'
// filters leave. Called under the read lock.
func (ix *Index) facets(p *plan, all *roaring.Bitmap) Facets {
	within := func(group int) *roaring.Bitmap {
		for _, c := range p.clauses {
			if c.group == group {
				return ix.within(p, group)
			}
		}
		for _, s := range p.spans {
			if s.group == group {
				return ix.within(p, group)
			}
		}
		return all
	}
	out := Facets{Brands: map[uint32]int{}, States: map[uint16]int{}, Types: map[string]int{}, Years: map[int]int{},
		Prices: make([]int, len(PriceBands))}
	c := &ix.cols
	tallies := []*tally{
		{set: within(groupBrand), counts: make([]int, c.maxBrand+1),
			field:  fieldBrand,
			totals: func(n []int) { totalsOf(ix.brands, n, func(k uint32) int { return int(k) }) },
			each:   func(v, n int) { out.Brands[uint32(v)] = n }},
		{set: within(groupState), counts: make([]int, c.maxState+1),
			field:  fieldState,
			totals: func(n []int) { totalsOf(ix.states, n, func(k uint16) int { return int(k) }) },
			each:   func(v, n int) { out.States[uint16(v)] = n }},
		{set: within(groupType), counts: make([]int, 256),
			field:  fieldType,
			totals: func(n []int) { totalsOf(ix.types, n, func(k uint8) int { return int(k) }) },
			each: func(v, n int) {
				if name := ix.typeCodes.name(uint8(v)); name != "" {
					out.Types[name] = n
				}
			}},
		{set: within(groupYear), counts: make([]int, int(c.maxYear)-int(c.minYear)+1),
			field:  fieldYear,
			totals: func(n []int) { totalsOf(ix.years, n, func(k uint16) int { return int(k) - int(c.minYear) }) },
			each:   func(v, n int) { out.Years[v+int(c.minYear)] = n }},
		{set: within(groupPrice), counts: out.Prices,
			field:  fieldBand,
			totals: func(n []int) { totalsOf(ix.bands, n, func(k uint8) int { return int(k) }) },
			each:   func(int, int) {}},
	}
	done := map[*roaring.Bitmap]bool{}
	for _, t := range tallies {
		if done[t.set] {
			continue
		}
		done[t.set] = true
		var same []*tally
		for _, u := range tallies {
			if u.set == t.set {
				same = append(same, u)
			}
		}
		ix.tallyAll(t.set, same)
	}
	for _, t := range tallies {
		for v, n := range t.counts {
			if n > 0 {
				t.each(v, n)
			}
		}
	}
	return out
}

// tallyAll counts the facets that share one set, reading the columns of
// the set's ads in one pass — or of the ads outside it, subtracted from
// the whole index's counts, when those are fewer.
func (ix *Index) tallyAll(set *roaring.Bitmap, ts []*tally) {
	if set == ix.live {
		for _, t := range ts {
			t.totals(t.counts)
		}
		return
	}
	step := 1
	if int(set.GetCardinality())*2 > ix.slots.n {
		for _, t := range ts {
			t.totals(t.counts)
		}
		set, step = roaring.AndNot(ix.live, set), -1
	}
	it := set.ManyIterator()
	buf := make([]uint32, 256)
	c := &ix.cols
	for n := it.NextMany(buf); n > 0; n = it.NextMany(buf) {
		for _, t := range ts {
			counts := t.counts
			// One loop per column, without a call per ad.
			switch t.field {
			case fieldBrand:
				for _, slot := range buf[:n] {
					counts[c.brand[slot]] += step
				}
			case fieldState:
				for _, slot := range buf[:n] {
					counts[c.state[slot]] += step
				}
			case fieldType:
				for _, slot := range buf[:n] {
					counts[c.typ[slot]] += step
				}
			case fieldYear:
				for _, slot := range buf[:n] {
					counts[c.year[slot]-c.minYear] += step
				}
			case fieldBand:
				for _, slot := range buf[:n] {
					counts[priceBand(int64(c.price[slot]))] += step
				}
			}
		}
	}
}

// totalsOf writes the size of each value's bitmap at its index.
func totalsOf[K comparable](sets valueSets[K], counts []int, index func(K) int) {
	for k, b := range sets {
		if i := index(k); i >= 0 && i < len(counts) {
			counts[i] = int(b.GetCardinality())
		}
	}
}
