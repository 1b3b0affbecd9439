package search

import (
	"math/bits"
	"slices"

	"github.com/RoaringBitmap/roaring/v2"
)

// Filter is what a search asks for; zero values filter nothing.
type Filter struct {
	Words     []string // folded words, each matched as a whole word but the last, matched as a prefix
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
	TopOffer  bool // top offers only
}

// Facets counts, for each facet, how many ads each of its values leaves:
// the counts of a facet apply every filter but the facet's own.
type Facets struct {
	Brands map[uint32]int
	States map[uint16]int
	Types  map[string]int
	Years  map[int]int
	Prices []int // by PriceBands
}

// Result is one page of a search.
type Result struct {
	Total  int    // ads matching the filter
	Docs   []Doc  // the page, in order
	Facets Facets // filled when asked for
}

// Clause groups: the facet each filter belongs to (a facet's counts leave
// out its own group's filters).
const (
	groupBrand = iota
	groupState
	groupType
	groupYear
	groupPrice
	groupOther
)

type clause struct {
	group int
	set   *roaring.Bitmap
}

// Search returns the page of offset and limit of the ads matching f, in
// order, with the facet counts when facets is set. An unknown order is the
// newest first.
func (ix *Index) Search(f Filter, order string, offset, limit int, facets bool) Result {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	clauses := ix.clauses(&f)
	all := and(ix.live, clauses, -1)
	res := Result{Total: int(all.GetCardinality())}
	for _, slot := range ix.page(all, order, offset, limit) {
		res.Docs = append(res.Docs, ix.export(slot))
	}
	if facets {
		res.Facets = ix.facets(all, clauses)
	}
	return res
}

// clauses turns the filter into bitmaps, one per filter given.
func (ix *Index) clauses(f *Filter) []clause {
	var cs []clause
	add := func(group int, set *roaring.Bitmap) { cs = append(cs, clause{group, set}) }
	switch {
	case f.VersionID != 0:
		add(groupBrand, ix.versions.get(f.VersionID))
	case f.ModelID != 0:
		add(groupBrand, ix.models.get(f.ModelID))
	case f.BrandID != 0:
		add(groupBrand, ix.brands.get(f.BrandID))
	}
	switch {
	case f.CityID != 0:
		add(groupState, ix.cities.get(f.CityID))
	case f.StateID != 0:
		add(groupState, ix.states.get(f.StateID))
	}
	if f.Type != "" {
		code, ok := ix.typeCodes.lookup(f.Type)
		add(groupType, ix.types.get(code))
		if !ok {
			cs[len(cs)-1].set = roaring.New()
		}
	}
	if f.Color != "" {
		code, ok := ix.colorCodes.lookup(f.Color)
		add(groupOther, ix.colors.get(code))
		if !ok {
			cs[len(cs)-1].set = roaring.New()
		}
	}
	if f.TopOffer {
		add(groupOther, ix.top)
	}
	for i, w := range f.Words {
		add(groupOther, ix.wordSet(w, i == len(f.Words)-1))
	}
	if f.YearMin != 0 || f.YearMax != 0 {
		var years []*roaring.Bitmap
		for y, set := range ix.years {
			if (f.YearMin == 0 || int(y) >= f.YearMin) && (f.YearMax == 0 || int(y) <= f.YearMax) {
				years = append(years, set)
			}
		}
		add(groupYear, roaring.FastOr(years...))
	}
	// The ranges are worked out within what the filters no facet leaves
	// out already leave (the words, the colour), when there are some.
	base := and(ix.live, cs, groupBrand, groupState, groupType, groupYear)
	if f.PriceMin != 0 || f.PriceMax != 0 {
		add(groupPrice, ix.price.between(base, uint64(max(f.PriceMin, 0)), uint64(max(f.PriceMax, 0))))
	}
	if f.KmMax != 0 {
		add(groupOther, ix.km.atMost(base, uint64(max(f.KmMax, 0))))
	}
	return cs
}

// and intersects the clauses but those of the groups left out; with none,
// it is every listed ad. The result may be shared: callers only read it.
func and(live *roaring.Bitmap, cs []clause, leaveOut ...int) *roaring.Bitmap {
	var sets []*roaring.Bitmap
	for _, c := range cs {
		if !slices.Contains(leaveOut, c.group) {
			sets = append(sets, c.set)
		}
	}
	switch len(sets) {
	case 0:
		return live
	case 1:
		return sets[0]
	}
	return roaring.FastAnd(sets...)
}

// orderOf returns the ranking of an order and whether it is read backwards.
func (ix *Index) orderOf(order string) (*ranking, bool) {
	switch order {
	case OrderPriceAsc:
		return ix.byPrice, false
	case OrderPriceDesc:
		return ix.byPrice, true
	case OrderKmAsc:
		return ix.byKm, false
	case OrderModelYearNew:
		return ix.byYear, true
	default:
		return ix.byPublished, true
	}
}

// page returns the slots of set from offset to offset+limit in the order.
// It walks the order's ranking and keeps the slots set holds when set is
// large (each step finds one with probability |set|/n), and sorts set's
// own slots when it is small; the cheaper of the two is chosen.
func (ix *Index) page(set *roaring.Bitmap, order string, offset, limit int) []uint32 {
	n := int(set.GetCardinality())
	if offset >= n || limit <= 0 {
		return nil
	}
	want := min(offset+limit, n)
	r, reverse := ix.orderOf(order)
	out := make([]uint32, 0, want-offset)
	if set == ix.live {
		// Every slot counts: skip straight to the page.
		r.each(reverse, offset, func(slot uint32) bool {
			out = append(out, slot)
			return len(out) < want-offset
		})
		return out
	}
	walk := want * len(ix.slots) / n           // ranking steps, each a lookup in set
	heap := n * (bits.Len(uint(want)) + 1) / 2 // heap steps over set's slots
	if walk <= heap {
		seen := 0
		r.each(reverse, 0, func(slot uint32) bool {
			if set.Contains(slot) {
				if seen >= offset {
					out = append(out, slot)
				}
				seen++
			}
			return seen < want
		})
		return out
	}
	before := func(a, b uint32) bool {
		if reverse {
			return r.less(b, a)
		}
		return r.less(a, b)
	}
	return firstInOrder(set, want, before)[offset:]
}

// firstInOrder returns the first k slots of set in the order before, with
// a bounded max-heap: O(|set| log k).
func firstInOrder(set *roaring.Bitmap, k int, before func(a, b uint32) bool) []uint32 {
	h := make([]uint32, 0, k)
	down := func(i int) {
		for {
			l, m := 2*i+1, i
			if l < len(h) && before(h[m], h[l]) {
				m = l
			}
			if r := l + 1; r < len(h) && before(h[m], h[r]) {
				m = r
			}
			if m == i {
				return
			}
			h[i], h[m] = h[m], h[i]
			i = m
		}
	}
	it := set.ManyIterator()
	buf := make([]uint32, 256)
	for n := it.NextMany(buf); n > 0; n = it.NextMany(buf) {
		for _, s := range buf[:n] {
			switch {
			case len(h) < k:
				h = append(h, s)
				for i := len(h) - 1; i > 0; {
					p := (i - 1) / 2
					if !before(h[p], h[i]) {
						break
					}
					h[p], h[i] = h[i], h[p]
					i = p
				}
			case before(s, h[0]):
				h[0] = s
				down(0)
			}
		}
	}
	slices.SortFunc(h, func(a, b uint32) int {
		if before(a, b) {
			return -1
		}
		return 1
	})
	return h
}

// Listed returns the ads from offset to offset+limit in the order they were
// published, oldest first: pages that keep their ads as new ones arrive
// (the sitemap's).
func (ix *Index) Listed(offset, limit int) []Doc {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	var out []Doc
	ix.byPublished.each(false, offset, func(slot uint32) bool {
		out = append(out, ix.export(slot))
		return len(out) < limit
	})
	return out
}
