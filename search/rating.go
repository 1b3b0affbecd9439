package search

import (
	"cmp"
	"math"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/RoaringBitmap/roaring/v2"
)

// The fair-price rating: an estimate of each listed ad's market price from
// the comparable listed ads, read from the index's columns.
//
// The comparables of an ad are the other listed ads of the same model and
// version (an ad without a version compares with the others without one),
// in the same condition (zero km or used), of a model year within a year
// of its own. With fewer than MinComparables of them, the wider group
// stands in: the same model and condition, any version, within two model
// years, at least MinWideComparables, each version brought to the ad's
// version's price level (versionOffsets), so that a dear version is not
// judged by its model's cheaper ones. Otherwise the ad has no rating.
//
// Prices fall with the km ridden. Per model, the fall is estimated as a
// Theil–Sen median: the slopes of log price against km of pairs of ads of
// the same version, condition and model year (so that age does not leak
// in), a bounded sample of pairs far apart in km, their median clamped to
// between 0 and MaxKmDrop per 1,000 km; a model with too few pairs takes
// the median of every model's pairs. Each comparable's log price is
// brought to 0 km with it; the estimate for an ad at k km is the median of
// its comparables' 0 km log prices brought to k km, and the ad's level is
// its price over that estimate.

// Level is how an ad's price compares with its market estimate.
type Level uint8

// The levels, best deal first; NoRating when the ad has too few
// comparables.
const (
	NoRating   Level = iota
	LevelGreat       // at most GreatMax of the estimate
	LevelGood        // at most GoodMax
	LevelFair        // at most FairMax
	LevelHigh        // above FairMax
)

// Levels' bounds, as shares of the estimate (price ÷ estimate at most).
const (
	GreatMax = 0.85
	GoodMax  = 0.95
	FairMax  = 1.10
)

// The method's parameters.
const (
	MinComparables     = 5     // comparables of the same version within YearSpan
	MinWideComparables = 8     // comparables of the model within WideYearSpan
	YearSpan           = 1     // model years either side, same version
	WideYearSpan       = 2     // model years either side, any version
	MaxKmDrop          = 0.015 // the steepest fall of the log price per 1,000 km
	MinRatedPrice      = 500_00
	minSlopePairs      = 8     // pairs a model needs for its own km slope
	maxCellPairs       = 32    // pairs a version's model year gives the slope at most
	minPairKm          = 1_000 // the least km apart two ads of a pair are
)

// ratingDelay is how long after a change the ratings are computed again:
// the changes of that second are taken together.
var ratingDelay = time.Second

// Label is the level's name as cards show it.
func (l Level) Label() string {
	switch l {
	case LevelGreat:
		return "Ótimo preço"
	case LevelGood:
		return "Bom preço"
	case LevelFair:
		return "Preço justo"
	case LevelHigh:
		return "Acima do mercado"
	}
	return ""
}

// levelOf is the level of a price over its estimate.
func levelOf(ratio float64) Level {
	switch {
	case ratio <= GreatMax:
		return LevelGreat
	case ratio <= GoodMax:
		return LevelGood
	case ratio <= FairMax:
		return LevelFair
	}
	return LevelHigh
}

// Rating is an ad's fair-price rating: its level, the estimate of its
// market price and how many listed ads the estimate rests on. The zero
// Rating is no rating.
type Rating struct {
	Level       Level
	Estimate    int64 // centavos, rounded to R$ 100
	Comparables int
	Wide        bool // from the wider group: the model's other versions and model years
}

// Good reports whether the rating is "Ótimo preço" or "Bom preço".
func (r Rating) Good() bool { return r.Level == LevelGreat || r.Level == LevelGood }

// rated is a slot's rating as the index keeps it, in 8 bytes.
type rated struct {
	estimate uint32 // centavos
	count    uint16
	level    Level
	wide     bool
}

// ratings is the index's share of the rating: the result of the last
// computation and what changed since.
type ratings struct {
	rates   []rated         // by slot
	good    *roaring.Bitmap // the slots rated Ótimo or Bom
	deals   []uint32        // the rated slots, lowest price over estimate first
	touched *roaring.Bitmap // slots changed since the last computation began
	dirty   bool            // an ad changed since the last computation began

	run     sync.Mutex // one computation at a time
	mu      sync.Mutex // guards pending
	pending bool       // a computation is due
}

// Rating returns the ad's fair-price rating, and whether it has one.
func (ix *Index) Rating(id uint64) (Rating, bool) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	slot, ok := ix.slots.get(id)
	if !ok {
		return Rating{}, false
	}
	r := ix.ratingOf(slot)
	return r, r.Level != NoRating
}

// ratingOf is the rating of slot's ad.
func (ix *Index) ratingOf(slot uint32) Rating {
	if int(slot) >= len(ix.rate.rates) {
		return Rating{}
	}
	r := ix.rate.rates[slot]
	if r.level == NoRating {
		return Rating{}
	}
	return Rating{Level: r.level, Estimate: int64(r.estimate), Comparables: int(r.count), Wide: r.wide}
}

// touch forgets slot's rating, which no longer holds for the ad changed
// there, until the next computation.
func (ix *Index) touch(slot uint32) {
	if int(slot) < len(ix.rate.rates) {
		ix.rate.rates[slot] = rated{}
	}
	ix.rate.good.Remove(slot)
	ix.rate.touched.Add(slot)
	ix.rate.dirty = true
}

// ratingsChanged has the ratings computed again shortly when ads changed;
// the caller holds the write lock.
func (ix *Index) ratingsChanged() {
	if !ix.rate.dirty || !ix.ready.Load() {
		return
	}
	ix.rate.mu.Lock()
	defer ix.rate.mu.Unlock()
	if ix.rate.pending {
		return
	}
	ix.rate.pending = true
	time.AfterFunc(ratingDelay, func() {
		ix.rate.mu.Lock()
		ix.rate.pending = false
		ix.rate.mu.Unlock()
		ix.RecomputeRatings()
	})
}

// RecomputeRatings computes every listed ad's rating now and puts the
// result in place. The index does it by itself after its first load and
// within a second or so of changes; tests call it to skip the wait.
func (ix *Index) RecomputeRatings() {
	ix.rate.run.Lock()
	defer ix.rate.run.Unlock()
	// What changes from now on is marked, and its rating dropped when the
	// result comes in; the copy is taken after, so it may only be newer.
	ix.mu.Lock()
	ix.rate.touched.Clear()
	ix.rate.dirty = false
	ix.mu.Unlock()
	ix.mu.RLock()
	items, slots := ix.rateItems()
	ix.mu.RUnlock()
	next := rateAll(items, slots)
	ix.mu.Lock()
	defer ix.mu.Unlock()
	next.good.AndNot(ix.rate.touched)
	next.deals = slices.DeleteFunc(next.deals, func(slot uint32) bool { return ix.rate.touched.Contains(slot) })
	ix.rate.touched.Iterate(func(slot uint32) bool {
		if int(slot) < len(next.rates) {
			next.rates[slot] = rated{}
		}
		return true
	})
	ix.rate.rates, ix.rate.good, ix.rate.deals = next.rates, next.good, next.deals
}

// rateItem is one listed ad as the rating reads it.
type rateItem struct {
	id      uint64
	slot    uint32
	model   uint32
	version uint32
	km      uint32
	price   uint32
	year    uint16
	used    bool
	zeroKm  float64 // log price brought to 0 km
	offset  float64 // its version's log price level over its model's (the wider group's only)
	out     rated
}

// rateItems copies what the rating reads of every listed ad priced at
// MinRatedPrice or more, and the number of slots; the caller holds the
// read lock.
func (ix *Index) rateItems() ([]rateItem, int) {
	items := make([]rateItem, 0, ix.slots.n)
	c := &ix.cols
	eachRun(ix.live, func(run []uint32) {
		for _, s := range run {
			if c.price[s] < MinRatedPrice {
				continue
			}
			items = append(items, rateItem{id: ix.docs[s].id, slot: s, model: c.model[s], version: c.version[s],
				km: c.km[s], price: c.price[s], year: c.year[s], used: ix.docs[s].flags&flagNew == 0})
		}
	})
	return items, len(ix.docs)
}

// rateAll rates the items: O(n log n) in their number.
func rateAll(items []rateItem, slots int) *ratings {
	sortByVersion(items)
	slopes := kmSlopes(items)
	for i := range items {
		items[i].zeroKm = math.Log(float64(items[i].price)) - slopes[items[i].model]*float64(items[i].km)
	}
	var pool []float64
	sameVersion := func(a, b *rateItem) bool { return a.model == b.model && a.used == b.used && a.version == b.version }
	pool = estimate(items, sameVersion, YearSpan, MinComparables, false, slopes, pool)
	// The wider group: the model's versions together.
	slices.SortFunc(items, func(a, b rateItem) int {
		switch {
		case a.model != b.model:
			return cmp.Compare(a.model, b.model)
		case a.used != b.used:
			return cmpBool(a.used, b.used)
		}
		return cmp.Compare(a.year, b.year)
	})
	sameModel := func(a, b *rateItem) bool { return a.model == b.model && a.used == b.used }
	versionOffsets(items, sameModel)
	estimate(items, sameModel, WideYearSpan, MinWideComparables, true, slopes, pool)

	out := &ratings{rates: make([]rated, slots), good: roaring.New()}
	type deal struct {
		ratio float64
		id    uint64
		slot  uint32
	}
	var deals []deal
	for i := range items {
		it := &items[i]
		if it.out.level == NoRating {
			continue
		}
		out.rates[it.slot] = it.out
		deals = append(deals, deal{dealRatio(it.price, it.out.estimate), it.id, it.slot})
		if it.out.level == LevelGreat || it.out.level == LevelGood {
			out.good.Add(it.slot)
		}
	}
	slices.SortFunc(deals, func(a, b deal) int {
		if a.ratio != b.ratio {
			return cmp.Compare(a.ratio, b.ratio)
		}
		return cmp.Compare(a.id, b.id)
	})
	out.deals = make([]uint32, len(deals))
	for i, d := range deals {
		out.deals[i] = d.slot
	}
	return out
}

// versionOffsets sets each item's offset: how its version's prices sit
// against its model's, so that the wider group compares a dear version
// with the model's cheaper ones brought to its level. The offset is the
// median, over the version's ads, of their 0 km log price less the median
// of their model, condition and model year. The items are in groups of
// same (model and condition), model years in order.
func versionOffsets(items []rateItem, same func(a, b *rateItem) bool) {
	type version struct {
		model, version uint32
		used           bool
	}
	devs := map[version][]float64{}
	var cell []float64
	for c := 0; c < len(items); {
		end := c
		for end < len(items) && same(&items[end], &items[c]) && items[end].year == items[c].year {
			end++
		}
		cell = cell[:0]
		for i := c; i < end; i++ {
			cell = append(cell, items[i].zeroKm)
		}
		mid := median(cell)
		for i := c; i < end; i++ {
			k := version{items[i].model, items[i].version, items[i].used}
			devs[k] = append(devs[k], items[i].zeroKm-mid)
		}
		c = end
	}
	offsets := make(map[version]float64, len(devs))
	for k, d := range devs {
		offsets[k] = median(d)
	}
	for i := range items {
		items[i].offset = offsets[version{items[i].model, items[i].version, items[i].used}]
	}
}

// sortByVersion puts the items in groups of model, condition and version,
// model years in order, km in order within a model year.
func sortByVersion(items []rateItem) {
	slices.SortFunc(items, func(a, b rateItem) int {
		// Field by field, each compared only when the ones before are equal.
		switch {
		case a.model != b.model:
			return cmp.Compare(a.model, b.model)
		case a.used != b.used:
			return cmpBool(a.used, b.used)
		case a.version != b.version:
			return cmp.Compare(a.version, b.version)
		case a.year != b.year:
			return cmp.Compare(a.year, b.year)
		case a.km != b.km:
			return cmp.Compare(a.km, b.km)
		}
		return cmp.Compare(a.id, b.id)
	})
}

// cmpBool orders false before true.
func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

// dealRatio is a price over its estimate.
func dealRatio(price, estimate uint32) float64 { return float64(price) / float64(estimate) }

// kmSlopes estimates, per model, the change of the log price per km: the
// median slope of pairs of ads of the same version, condition and model
// year, half a year's ads apart in km order, at most maxCellPairs pairs
// per model year. The items are in that order. A model with fewer than
// minSlopePairs pairs takes the median of all pairs.
func kmSlopes(items []rateItem) map[uint32]float64 {
	var all []float64
	type span struct {
		model    uint32
		from, to int // its pairs in all
	}
	var spans []span
	for i := 0; i < len(items); {
		j := i
		for j < len(items) && items[j].model == items[i].model && items[j].used == items[i].used &&
			items[j].version == items[i].version && items[j].year == items[i].year {
			j++
		}
		if len(spans) == 0 || spans[len(spans)-1].model != items[i].model {
			spans = append(spans, span{model: items[i].model, from: len(all), to: len(all)})
		}
		all = cellSlopes(items[i:j], all)
		spans[len(spans)-1].to = len(all)
		i = j
	}
	slopes := make(map[uint32]float64, len(spans))
	var fallback float64
	if len(all) > 0 {
		fallback = clampSlope(median(slices.Clone(all)))
	}
	for _, s := range spans {
		slopes[s.model] = fallback
		if s.to-s.from >= minSlopePairs {
			slopes[s.model] = clampSlope(median(all[s.from:s.to]))
		}
	}
	return slopes
}

// cellSlopes appends the slopes of a model year's ads of one version, in
// km order: each ad with the one half the cell further on, at most
// maxCellPairs of them, evenly spread, and only pairs at least minPairKm
// apart.
func cellSlopes(cell []rateItem, to []float64) []float64 {
	if !cell[0].used || len(cell) < 2 {
		return to
	}
	half := (len(cell) + 1) / 2
	pairs := len(cell) - half
	step := max(1, pairs/maxCellPairs)
	for i := 0; i < pairs; i += step {
		a, b := &cell[i], &cell[i+half]
		dkm := float64(b.km) - float64(a.km)
		if dkm < minPairKm {
			continue
		}
		to = append(to, (math.Log(float64(b.price))-math.Log(float64(a.price)))/dkm)
	}
	return to
}

// clampSlope keeps a slope between -MaxKmDrop per 1,000 km and 0.
func clampSlope(s float64) float64 { return min(max(s, -MaxKmDrop/1000), 0) }

// median sorts xs and returns its median; xs is not empty.
func median(xs []float64) float64 {
	slices.Sort(xs)
	n := len(xs)
	if n%2 == 1 {
		return xs[n/2]
	}
	return (xs[n/2-1] + xs[n/2]) / 2
}

// estimate rates the items still unrated against their group: the items
// for which same holds, in model year order, within span model years.
// Each model year's group is gathered and sorted once; each ad's estimate
// is the median of the others, read from it in O(log n). An ad needs least
// comparables. It returns the pool buffer for reuse.
func estimate(items []rateItem, same func(a, b *rateItem) bool, span, least int, wide bool,
	slopes map[uint32]float64, pool []float64) []float64 {
	for g := 0; g < len(items); {
		end := g
		for end < len(items) && same(&items[end], &items[g]) {
			end++
		}
		group := items[g:end]
		lo, hi := 0, 0 // the group's items within span of the year
		for y := 0; y < len(group); {
			yEnd := y
			for yEnd < len(group) && group[yEnd].year == group[y].year {
				yEnd++
			}
			year := int(group[y].year)
			for int(group[lo].year) < year-span {
				lo++
			}
			for hi < len(group) && int(group[hi].year) <= year+span {
				hi++
			}
			if hi-lo-1 >= least && unrated(group[y:yEnd]) {
				pool = pool[:0]
				for i := lo; i < hi; i++ {
					pool = append(pool, group[i].zeroKm-group[i].offset)
				}
				slices.Sort(pool)
				for i := y; i < yEnd; i++ {
					rateOne(&group[i], pool, slopes[group[i].model], wide)
				}
			}
			y = yEnd
		}
		g = end
	}
	return pool
}

// unrated reports whether some of the items have no rating yet.
func unrated(items []rateItem) bool {
	return slices.ContainsFunc(items, func(it rateItem) bool { return it.out.level == NoRating })
}

// rateOne rates an item, if it has no rating yet, against the sorted 0 km
// log prices of its group, its own among them.
func rateOne(it *rateItem, pool []float64, slope float64, wide bool) {
	if it.out.level != NoRating {
		return
	}
	own := sort.SearchFloat64s(pool, it.zeroKm-it.offset)
	at := func(k int) float64 { // the k-th of the others
		if k >= own {
			k++
		}
		return pool[k]
	}
	n := len(pool) - 1
	mid := at(n / 2)
	if n%2 == 0 {
		mid = (at(n/2-1) + mid) / 2
	}
	cents := math.Exp(mid + it.offset + slope*float64(it.km))
	est := uint32(min(max(math.Round(cents/100_00)*100_00, 100_00), MaxPrice))
	it.out = rated{estimate: est, count: uint16(min(n, math.MaxUint16)), level: levelOf(dealRatio(it.price, est)), wide: wide}
}

// dealBefore orders slots for OrderBestDeal: the rated ads by price over
// estimate, lowest first, then the unrated, newest first.
func (ix *Index) dealBefore(a, b uint32) bool {
	ra, rb := ix.dealRated(a), ix.dealRated(b)
	switch {
	case ra && rb:
		x, y := ix.dealRatioOf(a), ix.dealRatioOf(b)
		return x < y || x == y && ix.docs[a].id < ix.docs[b].id
	case ra != rb:
		return ra
	}
	return ix.byPublished.less(b, a)
}

func (ix *Index) dealRated(slot uint32) bool {
	return int(slot) < len(ix.rate.rates) && ix.rate.rates[slot].level != NoRating
}

func (ix *Index) dealRatioOf(slot uint32) float64 {
	return dealRatio(ix.cols.price[slot], ix.rate.rates[slot].estimate)
}

// walkDeals calls fn with every slot in OrderBestDeal, until fn returns
// false.
func (ix *Index) walkDeals(fn func(slot uint32) bool) {
	for _, slot := range ix.rate.deals {
		if ix.dealRated(slot) && !fn(slot) {
			return
		}
	}
	ix.byPublished.walk(true, 0, ix.byPublished.n, func(slot uint32) bool {
		return ix.dealRated(slot) || fn(slot)
	})
}
