package search

import (
	"math/bits"
	"slices"
	"sync"

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
	GoodPrice bool // rated "Ótimo preço" or "Bom preço" only
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

// Search returns the page of offset and limit of the ads matching f, in
// order, with the facet counts when facets is set. An unknown order is the
// newest first.
//
// At most one search per core runs at a time; the others wait their turn
// in order. A long search then waits for the few ahead of it instead of
// sharing the cores with every search in flight, which keeps the slowest
// answers close to the typical ones, and the memory searches use bounded.
//
// One pass answers the count, the facets and most pages: it reads the ads
// that pass every filter but at most one (those and only those count in
// some facet), testing each filter on the ad's columns. Which ads it reads
// is chosen by size: the ads of a filter no facet leaves out, the ads of
// the two smallest facet filters (an ad failing one of them must pass the
// other to count anywhere), or — for a single large filter — the ads
// outside it, subtracted from the whole index's counts.
func (ix *Index) Search(f Filter, order string, offset, limit int, facets bool) Result {
	ix.running <- struct{}{}
	defer func() { <-ix.running }()
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	fs := ix.filters(&f)
	t := newTallies(ix, facets)
	buf := slotPool.Get().(*[]uint32)
	defer slotPool.Put(buf)
	total, slots, complete := ix.pass(fs, t, (*buf)[:0])
	*buf = slots[:0]
	res := Result{Total: total}
	for _, slot := range ix.page(fs, slots, complete, total, order, offset, limit) {
		d := ix.export(slot)
		d.Rating = ix.ratingOf(slot)
		res.Docs = append(res.Docs, d)
	}
	if facets {
		res.Facets = t.facets()
	}
	return res
}

// filters turns the filter into its conditions, the cheap tests first: a
// column before a bitmap, the most selective first.
func (ix *Index) filters(f *Filter) []filter {
	l := filterList{ix: ix}
	l.catalog(f)
	l.place(f)
	if f.Type != "" {
		l.code(groupType, &ix.typeCodes, ix.types, ix.cols.typ, f.Type)
	}
	if f.Color != "" {
		l.code(groupOther, &ix.colorCodes, ix.colors, ix.cols.color, f.Color)
	}
	l.sets(f)
	l.spans(f)
	slices.SortStableFunc(l.fs, func(a, b filter) int { return a.n - b.n })
	return l.fs
}

// filterList gathers a search's conditions.
type filterList struct {
	ix *Index
	fs []filter
}

// value adds the condition of a value of a field: the ads of set, in the
// facet group.
func (l *filterList) value(group int, set *roaring.Bitmap, fl filter) {
	fl.group, fl.set, fl.n = group, set, int(set.GetCardinality())
	l.fs = append(l.fs, fl)
}

// catalog adds the most precise of the version, model and brand.
func (l *filterList) catalog(f *Filter) {
	ix, c := l.ix, &l.ix.cols
	switch {
	case f.VersionID != 0:
		l.value(groupBrand, ix.versions.get(f.VersionID), filter{wide: c.version, want: f.VersionID})
	case f.ModelID != 0:
		l.value(groupBrand, ix.models.get(f.ModelID), filter{wide: c.model, want: f.ModelID})
	case f.BrandID != 0:
		l.value(groupBrand, ix.brands.get(f.BrandID), filter{wide: c.brand, want: f.BrandID})
	}
}

// place adds the city, or else the state.
func (l *filterList) place(f *Filter) {
	ix, c := l.ix, &l.ix.cols
	switch {
	case f.CityID != 0:
		l.value(groupState, ix.cities.get(f.CityID), filter{wide: c.city, want: f.CityID})
	case f.StateID != 0:
		l.value(groupState, ix.states.get(f.StateID), filter{mid: c.state, want: uint32(f.StateID)})
	}
}

// code adds the condition of a coded field (style, color) holding name;
// an unknown name keeps nothing.
func (l *filterList) code(group int, names *codes, sets valueSets[uint8], col []uint8, name string) {
	code, ok := names.lookup(name)
	if !ok {
		l.value(group, roaring.New(), filter{})
		return
	}
	l.value(group, sets.get(code), filter{tiny: col, want: uint32(code)})
}

// sets adds the conditions tested on bitmaps alone: top offers, good
// prices and the words.
func (l *filterList) sets(f *Filter) {
	ix := l.ix
	if f.TopOffer {
		l.value(groupOther, ix.top, filter{})
	}
	if f.GoodPrice {
		l.value(groupOther, ix.rate.good, filter{})
	}
	for i, w := range f.Words {
		l.value(groupOther, ix.wordSet(w, i == len(f.Words)-1), filter{})
	}
}

// spans adds the ranges of price, model year and mileage.
func (l *filterList) spans(f *Filter) {
	ix, c := l.ix, &l.ix.cols
	if f.PriceMin != 0 || f.PriceMax != 0 {
		l.span(groupPrice, f.PriceMin, f.PriceMax, ix.byPrice, c.price, nil)
	}
	if f.YearMin != 0 || f.YearMax != 0 {
		l.span(groupYear, int64(f.YearMin), int64(f.YearMax), ix.byYear, nil, c.year)
	}
	if f.KmMax != 0 {
		l.span(groupOther, 0, int64(f.KmMax), ix.byKm, c.km, nil)
	}
}

// span adds the range lo to hi (0: open) of a column, located in the
// column's ranking.
func (l *filterList) span(group int, lo, hi int64, rank *ranking, wide []uint32, mid []uint16) {
	fl := filter{group: group, ranged: true, lo: uint64(max(lo, 0)), hi: uint64(max(hi, 0)), rank: rank, wide: wide, mid: mid, slots: len(l.ix.docs)}
	fl.locate()
	l.fs = append(l.fs, fl)
}

// slotPool keeps the result slots' buffers between searches.
var slotPool = sync.Pool{New: func() any { return new([]uint32) }}

// maxCollected is the most result slots a pass keeps for the page; a
// larger result is paged by walking the order's ranking.
const maxCollected = 1 << 16

// pass counts the ads that pass every filter, tallies the facets, and
// returns the passing slots (complete says whether all are there).
func (ix *Index) pass(fs []filter, t *tallies, slots []uint32) (total int, _ []uint32, complete bool) {
	if len(fs) == 0 {
		t.totals(-1)
		return ix.slots.n, nil, false
	}
	d := driversOf(fs)
	// The passing slots are kept for the page when they may be few.
	p := passer{fs: fs, slots: slots, collect: fs[0].n <= maxCollected || !t.on}
	// Reading ad by ad pays while the ads read are a small part of the
	// index; past that, bitmap intersections of whole sets do better.
	large := ix.slots.n / 8
	switch {
	case !t.on && len(fs) == 1:
		// One filter, no facets: its ads are the result.
		return fs[0].n, nil, false
	case !t.on:
		// No facets: the result lies within the smallest filter.
		p.drive(&fs[0], nil, t)
	case d.otherDrives(large):
		// Every ad that counts passes the filters no facet leaves out.
		p.drive(d.other, nil, t)
	case d.pairDrives(large):
		// An ad that counts passes one of the two smallest facet filters.
		p.drive(d.smallest, nil, t)
		p.drive(d.second, d.smallest, t)
	case d.groups >= 2 || d.other != nil:
		return ix.intersect(fs, t)
	default:
		return ix.passSingle(d.smallest, t, p.collect, slots)
	}
	return p.total, p.slots, p.collect
}

// drivers are the filters a pass may read the ads of: the smallest filter
// no facet counts, and the smallest filters of the two smallest facet
// groups.
type drivers struct {
	groups                  int // facet groups with a filter
	smallest, second, other *filter
}

// driversOf finds the drivers of filters sorted smallest first.
func driversOf(fs []filter) drivers {
	var d drivers
	var seen uint
	for i := range fs {
		f := &fs[i]
		if f.group == groupOther {
			if d.other == nil {
				d.other = f
			}
			continue
		}
		if seen&(1<<f.group) != 0 {
			continue
		}
		seen |= 1 << f.group
		d.groups++
		switch {
		case d.smallest == nil:
			d.smallest = f
		case d.second == nil:
			d.second = f
		}
	}
	return d
}

// otherDrives reports whether the pass reads the ads of the smallest
// filter no facet counts: they are few, and no more than those of the two
// smallest facet filters.
func (d *drivers) otherDrives(large int) bool {
	return d.other != nil && d.other.n <= large && (d.groups < 2 || d.other.n <= d.smallest.n+d.second.n)
}

// pairDrives reports whether the pass reads the ads of the two smallest
// facet filters: there are two, and their ads are few.
func (d *drivers) pairDrives(large int) bool {
	return d.groups >= 2 && d.smallest.n+d.second.n <= large
}

// passer reads ads during a pass: it tests each on every filter, counts
// those that pass, keeps their slots, and tallies each in the facets it
// counts in. (The tallies are passed along rather than kept, which would
// move them to the heap.)
type passer struct {
	fs      []filter
	collect bool // keep the passing slots

	total  int
	slots  []uint32
	passed []uint32             // a run's slots that pass every filter
	failed [groupOther][]uint32 // a run's slots that fail only group g's filters
}

// drive visits the ads of the driver but those of skip (visited already),
// tallying them in t.
func (p *passer) drive(driver, skip *filter, t *tallies) {
	driver.each(func(run []uint32) { p.visit(run, driver, skip, t) })
}

// visit tests a run of the driver's ads, skipping those of skip, and
// counts them.
func (p *passer) visit(run []uint32, driver, skip *filter, t *tallies) {
	fs := p.fs
	p.passed = p.passed[:0]
	for g := range p.failed {
		p.failed[g] = p.failed[g][:0]
	}
	for _, slot := range run {
		if skip != nil && skip.test(slot) {
			continue // visited already
		}
		fail := -1
		for i := range fs {
			if &fs[i] == driver || fs[i].test(slot) {
				continue // the driver's own ads pass it
			}
			if fs[i].group == groupOther || fail >= 0 && fail != fs[i].group {
				fail = groups // fails two groups, or one no facet counts
				break
			}
			fail = fs[i].group
		}
		switch {
		case fail < 0:
			p.passed = append(p.passed, slot)
		case fail < groupOther:
			p.failed[fail] = append(p.failed[fail], slot)
		}
	}
	p.count(t)
}

// count adds the run's passing slots to the result, and tallies them and
// the slots that fail one facet's filters in t.
func (p *passer) count(t *tallies) {
	p.total += len(p.passed)
	if p.collect {
		p.slots = append(p.slots, p.passed...)
	}
	t.add(p.passed, allFacets, 1)
	for g := range p.failed {
		t.add(p.failed[g], 1<<g, 1)
	}
}

// passSingle answers a search with one facet filter and nothing else:
// its own facet counts every ad.
func (ix *Index) passSingle(only *filter, t *tallies, collect bool, slots []uint32) (total int, _ []uint32, complete bool) {
	rest := uint(allFacets &^ (1 << only.group))
	if only.n*2 <= ix.slots.n {
		t.totals(only.group)
		only.each(func(run []uint32) {
			if collect {
				slots = append(slots, run...)
			}
			t.add(run, rest, 1)
		})
		return only.n, slots, collect
	}
	// Most ads pass: count the others and subtract them.
	t.totals(-1)
	only.eachOutside(ix.live, func(run []uint32) { t.add(run, rest, -1) })
	return only.n, nil, false
}

// intersect counts the result and the facets with bitmap intersections:
// the result is every filter's set intersected; each facet with a filter
// counts within every set but its own, the others within the result.
func (ix *Index) intersect(fs []filter, t *tallies) (total int, slots []uint32, complete bool) {
	sets := make([]*roaring.Bitmap, len(fs))
	for i := range fs {
		sets[i] = fs[i].bitmap(ix.live)
	}
	without := func(group int) *roaring.Bitmap {
		var keep []*roaring.Bitmap
		for i := range fs {
			if fs[i].group != group {
				keep = append(keep, sets[i])
			}
		}
		switch len(keep) {
		case 0:
			return ix.live
		case 1:
			return keep[0]
		}
		return roaring.FastAnd(keep...)
	}
	result := without(-1)
	rest := uint(allFacets)
	for facet := range groupOther {
		if slices.ContainsFunc(fs, func(f filter) bool { return f.group == facet }) {
			rest &^= 1 << facet
			t.addSet(without(facet), 1<<facet)
		}
	}
	t.addSet(result, rest)
	total = int(result.GetCardinality())
	if total <= maxCollected {
		return total, result.ToArray(), true
	}
	return total, nil, false
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

// page returns the result's slots from offset to offset+limit in the
// order. It sorts the result's slots with a bounded heap when the pass kept
// them all and that is cheaper; otherwise it walks the order's ranking
// (within a range's stretch when the order is by the range's column),
// keeping the ads that pass every filter: each step finds one with
// probability total/n.
func (ix *Index) page(fs []filter, slots []uint32, complete bool, total int, order string, offset, limit int) []uint32 {
	if offset >= total || limit <= 0 {
		return nil
	}
	want := min(offset+limit, total)
	r, reverse := ix.orderOf(order)
	from, to := 0, r.n
	for i := range fs {
		if fs[i].ranged && fs[i].rank == r {
			from, to = max(from, fs[i].from), min(to, fs[i].to)
		}
	}
	walk := want * (to - from) / total * max(len(fs), 1)
	heap := total * (bits.Len(uint(want)) + 1) / 2
	if complete && heap < walk {
		before := func(a, b uint32) bool {
			if reverse {
				return r.less(b, a)
			}
			return r.less(a, b)
		}
		if order == OrderBestDeal {
			before = ix.dealBefore
		}
		return firstInOrder(slots, want, before)[offset:]
	}
	out := make([]uint32, 0, want-offset)
	seen := 0
	each := func(fn func(slot uint32) bool) { r.walk(reverse, from, to, fn) }
	if order == OrderBestDeal {
		each = ix.walkDeals
	}
	each(func(slot uint32) bool {
		for i := range fs {
			if !fs[i].test(slot) {
				return true
			}
		}
		if seen >= offset {
			out = append(out, slot)
		}
		seen++
		return seen < want
	})
	return out
}

// firstInOrder returns the first k of the slots in the order before, with
// a bounded max-heap: O(|slots| log k).
func firstInOrder(slots []uint32, k int, before func(a, b uint32) bool) []uint32 {
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
	for _, s := range slots {
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
	ix.byPublished.walk(false, offset, ix.byPublished.n, func(slot uint32) bool {
		out = append(out, ix.export(slot))
		return len(out) < limit
	})
	return out
}
