package search

import (
	"math/bits"
	"sync"

	"github.com/RoaringBitmap/roaring/v2"
)

// Filter groups: the facet each filter belongs to. A facet's counts leave
// out its own group's filters; groupOther has no facet.
const (
	groupBrand = iota
	groupState
	groupType
	groupYear
	groupPrice
	groupOther
	groups
)

// filter is one condition of a search, either a value of a field (with
// the bitmap of the ads that have it) or a range of a column (with the
// stretch of the column's ranking that holds it). Either can test one ad
// on its columns, and list its ads.
type filter struct {
	group int

	// A value: the ads that have it, and the column to test one ad on
	// (none for free-text words and top offers, tested on the bitmap).
	set  *roaring.Bitmap
	wide []uint32
	mid  []uint16
	tiny []uint8
	want uint32

	// A range, lo and hi inclusive (0: open), and where it lies in the
	// ranking by the column.
	ranged   bool
	lo, hi   uint64
	rank     *ranking
	from, to int
	slots    int // the index's slot count, which sizes plain bitmaps

	n int // how many ads pass
}

// test reports whether the ad of slot passes the filter.
func (f *filter) test(slot uint32) bool {
	switch {
	case f.ranged:
		v := f.value(slot)
		return v >= f.lo && (f.hi == 0 || v <= f.hi)
	case f.wide != nil:
		return f.wide[slot] == f.want
	case f.mid != nil:
		return uint32(f.mid[slot]) == f.want
	case f.tiny != nil:
		return uint32(f.tiny[slot]) == f.want
	}
	return f.set.Contains(slot)
}

// each calls fn with the ads that pass, a run at a time, in slot order
// (reading the columns in order keeps them in the cache).
func (f *filter) each(fn func(slots []uint32)) {
	if f.ranged {
		inOrder(f.rank, f.slots, fn, [2]int{f.from, f.to})
		return
	}
	eachRun(f.set, fn)
}

// eachOutside calls fn with the listed ads that do not pass, a run at a
// time, in slot order.
func (f *filter) eachOutside(live *roaring.Bitmap, fn func(slots []uint32)) {
	if f.ranged {
		inOrder(f.rank, f.slots, fn, [2]int{0, f.from}, [2]int{f.to, f.rank.n})
		return
	}
	out := filter{set: roaring.AndNot(live, f.set)}
	out.each(fn)
}

// bitmap returns the ads that pass as a bitmap.
func (f *filter) bitmap(live *roaring.Bitmap) *roaring.Bitmap {
	if !f.ranged {
		return f.set
	}
	words := make([]uint64, (live.Maximum()+64)/64)
	f.rank.stretch(f.from, f.to, func(slots []uint32) {
		for _, slot := range slots {
			words[slot/64] |= 1 << (slot % 64)
		}
	})
	return roaring.FromDense(words, false)
}

// inOrder calls fn with the slots at the ranking's positions in the
// stretches, in slot order, through a plain bitmap of the index's slots.
func inOrder(r *ranking, slots int, fn func(slots []uint32), stretches ...[2]int) {
	marks := getWords(slots/64 + 1)
	defer putWords(marks)
	for _, st := range stretches {
		r.stretch(st[0], st[1], func(run []uint32) {
			for _, slot := range run {
				marks[slot/64] |= 1 << (slot % 64)
			}
		})
	}
	buf := make([]uint32, 0, 256)
	for w, bits64 := range marks {
		for bits64 != 0 {
			buf = append(buf, uint32(w*64+bits.TrailingZeros64(bits64)))
			bits64 &= bits64 - 1
			if len(buf) == cap(buf) {
				fn(buf)
				buf = buf[:0]
			}
		}
	}
	if len(buf) > 0 {
		fn(buf)
	}
}

// wordPool keeps plain bitmaps between searches: at a million ads each is
// 128 KB, and a search may need several.
var wordPool sync.Pool

// getWords returns n zeroed words.
func getWords(n int) []uint64 {
	if p, ok := wordPool.Get().(*[]uint64); ok && cap(*p) >= n {
		return (*p)[:n]
	}
	return make([]uint64, n)
}

// putWords clears the words and keeps them for another search.
func putWords(w []uint64) {
	clear(w)
	wordPool.Put(&w)
}

// locate finds where a range lies in its ranking, and how many ads it
// holds.
func (f *filter) locate() {
	f.from = f.rank.search(func(slot uint32) bool { return f.value(slot) < f.lo })
	f.to = f.rank.n
	if f.hi != 0 {
		f.to = f.rank.search(func(slot uint32) bool { return f.value(slot) <= f.hi })
	}
	f.to = max(f.from, f.to)
	f.n = f.to - f.from
}

// value reads the ad's value of a range's column.
func (f *filter) value(slot uint32) uint64 {
	if f.wide != nil {
		return uint64(f.wide[slot])
	}
	return uint64(f.mid[slot])
}

// eachRun calls fn with the slots of a bitmap, a run at a time, in order.
func eachRun(set *roaring.Bitmap, fn func(slots []uint32)) {
	it := set.ManyIterator()
	buf := make([]uint32, 256)
	for n := it.NextMany(buf); n > 0; n = it.NextMany(buf) {
		fn(buf[:n])
	}
}
