package search

import (
	"math/bits"

	"github.com/RoaringBitmap/roaring/v2"
)

// bitSlices is a bit-sliced index of an unsigned column: bitmap i holds the
// slots whose value has bit i set. A range of values is a few dozen bitmap
// operations whatever the number of ads (O'Neil and Quass's algorithm), and
// each slice costs an eighth of a byte per ad when dense.
type bitSlices struct {
	slices []*roaring.Bitmap
}

// set records slot's value, replacing the old one (0 when the slot was
// empty).
func (b *bitSlices) set(slot uint32, old, value uint64) {
	for n := bits.Len64(value); len(b.slices) < n; {
		b.slices = append(b.slices, roaring.New())
	}
	for diff := old ^ value; diff != 0; diff &= diff - 1 {
		i := bits.TrailingZeros64(diff)
		if value&(1<<i) != 0 {
			b.slices[i].Add(slot)
		} else {
			b.slices[i].Remove(slot)
		}
	}
}

// atMost returns the slots of base whose value is at most v.
func (b *bitSlices) atMost(base *roaring.Bitmap, v uint64) *roaring.Bitmap {
	if bits.Len64(v) > len(b.slices) {
		return base.Clone()
	}
	lt := roaring.New()
	eq := base.Clone()
	for i := len(b.slices) - 1; i >= 0 && !eq.IsEmpty(); i-- {
		if v&(1<<i) != 0 {
			lt.Or(roaring.AndNot(eq, b.slices[i]))
			eq.And(b.slices[i])
		} else {
			eq.AndNot(b.slices[i])
		}
	}
	lt.Or(eq)
	return lt
}

// between returns the slots of base whose value lies in [lo, hi]; 0 for
// either bound leaves that side open.
func (b *bitSlices) between(base *roaring.Bitmap, lo, hi uint64) *roaring.Bitmap {
	out := base
	if hi != 0 {
		out = b.atMost(out, hi)
	}
	if lo > 0 {
		out = roaring.AndNot(out, b.atMost(out, lo-1))
	}
	if out == base {
		out = base.Clone()
	}
	return out
}
