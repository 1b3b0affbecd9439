package search

import (
	"slices"
	"sort"
)

// blockSize is how many slots a ranking block holds before it splits in
// two: inserting or removing one ad moves at most this many entries, and
// finding its place costs two binary searches.
const blockSize = 1024

// ranking is the slots of the listed ads sorted by one order's key, kept in
// blocks of at most 2×blockSize so that a change costs a few microseconds
// whatever the number of ads. An order and its reverse share one ranking,
// read forwards or backwards.
type ranking struct {
	less   func(a, b uint32) bool // the key order of two slots
	blocks [][]uint32
	n      int
}

func newRanking(less func(a, b uint32) bool) *ranking { return &ranking{less: less} }

// build replaces the ranking with the given slots, sorted.
func (r *ranking) build(slots []uint32) {
	s := slices.Clone(slots)
	sort.Slice(s, func(i, j int) bool { return r.less(s[i], s[j]) })
	r.blocks = r.blocks[:0]
	for len(s) > 0 {
		k := min(blockSize, len(s))
		r.blocks = append(r.blocks, s[:k:k])
		s = s[k:]
	}
	r.n = len(slots)
}

// block returns the index of the block where slot belongs: the first whose
// last entry does not sort before it (the last block when none).
func (r *ranking) block(slot uint32) int {
	i := sort.Search(len(r.blocks), func(i int) bool {
		b := r.blocks[i]
		return !r.less(b[len(b)-1], slot)
	})
	return min(i, len(r.blocks)-1)
}

// insert adds slot at its place.
func (r *ranking) insert(slot uint32) {
	r.n++
	if len(r.blocks) == 0 {
		r.blocks = append(r.blocks, []uint32{slot})
		return
	}
	bi := r.block(slot)
	b := r.blocks[bi]
	at := sort.Search(len(b), func(i int) bool { return !r.less(b[i], slot) })
	b = slices.Insert(b, at, slot)
	if len(b) < 2*blockSize {
		r.blocks[bi] = b
		return
	}
	lo, hi := slices.Clone(b[:blockSize]), slices.Clone(b[blockSize:])
	r.blocks[bi] = lo
	r.blocks = slices.Insert(r.blocks, bi+1, hi)
}

// remove takes slot out; the slot's key must be the one it was inserted
// with.
func (r *ranking) remove(slot uint32) {
	if len(r.blocks) == 0 {
		return
	}
	bi := r.block(slot)
	b := r.blocks[bi]
	at := sort.Search(len(b), func(i int) bool { return !r.less(b[i], slot) })
	if at == len(b) || b[at] != slot {
		return
	}
	r.n--
	b = slices.Delete(b, at, at+1)
	switch {
	case len(b) < blockSize/4 && bi+1 < len(r.blocks) && len(b)+len(r.blocks[bi+1]) < 2*blockSize:
		// A small block joins the next, so that removals never leave many
		// tiny blocks behind.
		r.blocks[bi] = append(b, r.blocks[bi+1]...)
		r.blocks = slices.Delete(r.blocks, bi+1, bi+2)
	case len(b) > 0:
		r.blocks[bi] = b
	default:
		r.blocks = slices.Delete(r.blocks, bi, bi+1)
	}
}

// walk calls fn with the slots at positions [from, to), from the first
// (or from the last when reverse), until fn returns false.
func (r *ranking) walk(reverse bool, from, to int, fn func(slot uint32) bool) {
	if !reverse {
		pos := 0
		for _, b := range r.blocks {
			if pos >= to {
				return
			}
			if pos+len(b) <= from {
				pos += len(b)
				continue
			}
			for _, slot := range b[max(from-pos, 0):min(to-pos, len(b))] {
				if !fn(slot) {
					return
				}
			}
			pos += len(b)
		}
		return
	}
	pos := r.n
	for bi := len(r.blocks) - 1; bi >= 0; bi-- {
		b := r.blocks[bi]
		pos -= len(b)
		if pos+len(b) <= from {
			return
		}
		lo, hi := max(from-pos, 0), min(to-pos, len(b))
		for i := hi - 1; i >= lo; i-- {
			if !fn(b[i]) {
				return
			}
		}
	}
}

// search returns the position of the first slot for which below is false,
// below being true for a prefix of the ranking and false after it.
func (r *ranking) search(below func(slot uint32) bool) int {
	bi := sort.Search(len(r.blocks), func(i int) bool { b := r.blocks[i]; return !below(b[len(b)-1]) })
	pos := 0
	for _, b := range r.blocks[:bi] {
		pos += len(b)
	}
	if bi == len(r.blocks) {
		return pos
	}
	b := r.blocks[bi]
	return pos + sort.Search(len(b), func(i int) bool { return !below(b[i]) })
}

// stretch calls fn with the slots at positions [from, to), a block's run
// at a time.
func (r *ranking) stretch(from, to int, fn func(slots []uint32)) {
	pos := 0
	for _, b := range r.blocks {
		if pos >= to {
			return
		}
		lo, hi := max(from-pos, 0), min(to-pos, len(b))
		if lo < hi {
			fn(b[lo:hi])
		}
		pos += len(b)
	}
}
