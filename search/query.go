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

// clause is a filter given as the bitmap of the slots it keeps, and, for
// a value of a column, the column, so that an ad can be tested without the
// bitmap.
type clause struct {
	group int
	set   *roaring.Bitmap
	n     int // the set's size
	wide  []uint32
	mid   []uint16
	tiny  []uint8
	want  uint32
	dense bitset // the set as a plain bitmap, made when a long walk tests it
}

// test reports whether the clause keeps the slot.
func (c *clause) test(slot uint32) bool {
	switch {
	case c.wide != nil:
		return c.wide[slot] == c.want
	case c.mid != nil:
		return uint32(c.mid[slot]) == c.want
	case c.tiny != nil:
		return uint32(c.tiny[slot]) == c.want
	case c.dense != nil:
		return c.dense.has(slot)
	}
	return c.set.Contains(slot)
}

// span is a range filter on a column: lo and hi inclusive, 0 for an open
// side.
type span struct {
	group  int
	lo, hi uint64
	rank   *ranking // sorted by the column first
	wide   []uint32 // the column, when of 32 bits
	narrow []uint16 // the column, when of 16 bits
}

// plan is a filter made ready for the index: the value filters as bitmaps
// (smallest first) and the ranges (price, model year, km).
type plan struct {
	clauses []clause
	spans   []span
}

// Search returns the page of offset and limit of the ads matching f, in
// order, with the facet counts when facets is set. An unknown order is the
// newest first.
func (ix *Index) Search(f Filter, order string, offset, limit int, facets bool) Result {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	p := ix.plan(&f)
	all := ix.within(p, -1)
	res := Result{Total: int(all.GetCardinality())}
	for _, slot := range ix.page(all, p.spans, order, offset, limit) {
		res.Docs = append(res.Docs, ix.export(slot))
	}
	if facets {
		res.Facets = ix.facets(p, all)
	}
	return res
}

// plan turns the filter into bitmaps and ranges.
func (ix *Index) plan(f *Filter) *plan {
	p := &plan{}
	c := &ix.cols
	add := func(cl clause) { p.clauses = append(p.clauses, cl) }
	switch {
	case f.VersionID != 0:
		add(clause{group: groupBrand, set: ix.versions.get(f.VersionID), wide: c.version, want: f.VersionID})
	case f.ModelID != 0:
		add(clause{group: groupBrand, set: ix.models.get(f.ModelID), wide: c.model, want: f.ModelID})
	case f.BrandID != 0:
		add(clause{group: groupBrand, set: ix.brands.get(f.BrandID), wide: c.brand, want: f.BrandID})
	}
	switch {
	case f.CityID != 0:
		add(clause{group: groupState, set: ix.cities.get(f.CityID), wide: c.city, want: f.CityID})
	case f.StateID != 0:
		add(clause{group: groupState, set: ix.states.get(f.StateID), mid: c.state, want: uint32(f.StateID)})
	}
	if f.Type != "" {
		cl := clause{group: groupType, set: roaring.New()} // an unknown style keeps nothing
		if code, ok := ix.typeCodes.lookup(f.Type); ok {
			cl = clause{group: groupType, set: ix.types.get(code), tiny: c.typ, want: uint32(code)}
		}
		add(cl)
	}
	if f.Color != "" {
		cl := clause{group: groupOther, set: roaring.New()}
		if code, ok := ix.colorCodes.lookup(f.Color); ok {
			cl = clause{group: groupOther, set: ix.colors.get(code), tiny: c.color, want: uint32(code)}
		}
		add(cl)
	}
	if f.TopOffer {
		add(clause{group: groupOther, set: ix.top})
	}
	for i, w := range f.Words {
		add(clause{group: groupOther, set: ix.wordSet(w, i == len(f.Words)-1)})
	}
	for i := range p.clauses {
		p.clauses[i].n = int(p.clauses[i].set.GetCardinality())
	}
	slices.SortStableFunc(p.clauses, func(a, b clause) int { return a.n - b.n })
	bound := func(v int64) uint64 { return uint64(max(v, 0)) }
	if f.PriceMin != 0 || f.PriceMax != 0 {
		p.spans = append(p.spans, span{group: groupPrice, lo: bound(f.PriceMin), hi: bound(f.PriceMax), rank: ix.byPrice, wide: c.price})
	}
	if f.YearMin != 0 || f.YearMax != 0 {
		p.spans = append(p.spans, span{group: groupYear, lo: bound(int64(f.YearMin)), hi: bound(int64(f.YearMax)), rank: ix.byYear, narrow: c.year})
	}
	if f.KmMax != 0 {
		p.spans = append(p.spans, span{group: groupOther, hi: bound(int64(f.KmMax)), rank: ix.byKm, wide: c.km})
	}
	return p
}

// within returns the slots every filter but those of the group left out
// keeps (-1 leaves none out). The result may be shared: callers only read
// it.
//
// It picks the cheapest of three ways: read each ad of the smallest
// bitmap and test the other filters on its columns; walk the shortest
// stretch of a ranking a range asks for and test the rest; or, without
// ranges, intersect the bitmaps.
func (ix *Index) within(p *plan, leaveOut int) *roaring.Bitmap {
	var cls []*clause
	for i := range p.clauses {
		if p.clauses[i].group != leaveOut {
			cls = append(cls, &p.clauses[i])
		}
	}
	var spans []span
	for _, s := range p.spans {
		if s.group != leaveOut {
			spans = append(spans, s)
		}
	}
	switch {
	case len(cls) == 0 && len(spans) == 0:
		return ix.live
	case len(cls) == 1 && len(spans) == 0:
		return cls[0].set
	}
	driver, n, rest := ix.live, ix.slots.n, cls
	if len(cls) > 0 {
		driver, n, rest = cls[0].set, cls[0].n, cls[1:]
	}
	read := n * (len(rest) + len(spans))
	best, from, to := -1, 0, 0
	for i := range spans {
		f, t := spans[i].stretch()
		if best < 0 || t-f < to-from {
			best, from, to = i, f, t
		}
	}
	walk := -1
	if best >= 0 {
		walk = (to-from)*(len(cls)+len(spans)-1) + (len(cls)+1)*len(ix.docs)/64
	}
	switch {
	case len(spans) == 0 && read > sizes(rest)+n:
		sets := make([]*roaring.Bitmap, len(cls))
		for i, c := range cls {
			sets[i] = c.set
		}
		return roaring.FastAnd(sets...)
	case walk >= 0 && walk < read:
		for _, c := range cls {
			if c.wide == nil && c.mid == nil && c.tiny == nil && c.dense == nil {
				c.dense = c.set.ToDense()
			}
		}
		others := slices.Delete(slices.Clone(spans), best, best+1)
		out := make(bitset, (len(ix.docs)+63)/64)
		spans[best].rank.stretch(from, to, func(slots []uint32) {
			for _, slot := range slots {
				if passes(cls, others, slot) {
					out.set(slot)
				}
			}
		})
		return roaring.FromDense(out, false)
	}
	keep := make([]uint32, 0, min(n, 4096))
	it := driver.ManyIterator()
	buf := make([]uint32, 256)
	for k := it.NextMany(buf); k > 0; k = it.NextMany(buf) {
		for _, slot := range buf[:k] {
			if passes(rest, spans, slot) {
				keep = append(keep, slot)
			}
		}
	}
	return roaring.BitmapOf(keep...)
}

// sizes adds up the clauses' set sizes.
func sizes(cls []*clause) int {
	n := 0
	for _, c := range cls {
		n += c.n
	}
	return n
}

// passes reports whether the slot passes every clause and range.
func passes(cls []*clause, spans []span, slot uint32) bool {
	for _, c := range cls {
		if !c.test(slot) {
			return false
		}
	}
	return inSpans(spans, slot)
}

// inSpans reports whether the slot's values lie in every range.
func inSpans(spans []span, slot uint32) bool {
	for i := range spans {
		if v := spans[i].value(slot); v < spans[i].lo || spans[i].hi != 0 && v > spans[i].hi {
			return false
		}
	}
	return true
}

// value reads the slot's value of the range's column.
func (s *span) value(slot uint32) uint64 {
	if s.wide != nil {
		return uint64(s.wide[slot])
	}
	return uint64(s.narrow[slot])
}

// stretch returns the positions [from, to) of the range's ads in its
// ranking.
func (s *span) stretch() (from, to int) {
	from = s.rank.search(func(slot uint32) bool { return s.value(slot) < s.lo })
	to = s.rank.n
	if s.hi != 0 {
		to = s.rank.search(func(slot uint32) bool { return s.value(slot) <= s.hi })
	}
	return from, max(from, to)
}

// bitset is a plain bitmap of slots, for tests of membership in a loop.
type bitset []uint64

func (b bitset) set(i uint32) { b[i/64] |= 1 << (i % 64) }

func (b bitset) has(i uint32) bool { return int(i/64) < len(b) && b[i/64]&(1<<(i%64)) != 0 }

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
func (ix *Index) page(set *roaring.Bitmap, spans []span, order string, offset, limit int) []uint32 {
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
	// A range on the order's own column: the set lies within its stretch.
	from, to := 0, r.n
	for i := range spans {
		if spans[i].rank == r {
			f, t := spans[i].stretch()
			from, to = max(from, f), min(to, t)
		}
	}
	walk := want * (to - from) / n             // ranking steps, each a lookup in set
	heap := n * (bits.Len(uint(want)) + 1) / 2 // heap steps over set's slots
	if walk <= heap {
		has := set.Contains
		if walk > len(ix.docs)/2048 {
			has = bitset(set.ToDense()).has // a long walk: test a plain bitmap
		}
		seen := 0
		r.walk(reverse, from, to, func(slot uint32) bool {
			if has(slot) {
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
