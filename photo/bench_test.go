package photo

import (
	"bytes"
	"image"
	"image/jpeg"
	"runtime"
	"runtime/metrics"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/image/draw"
)

var photo12MP = sync.OnceValue(func() []byte {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, photoLike(4000, 3000, 42), &jpeg.Options{Quality: 90}); err != nil {
		panic(err)
	}
	return b.Bytes()
})

func decoded12MP(b *testing.B) image.Image {
	m, err := jpeg.Decode(bytes.NewReader(photo12MP()))
	if err != nil {
		b.Fatal(err)
	}
	return m
}

// peakHeap runs f once and returns how far the heap grew above what it was
// before, sampled every 100 µs.
func peakHeap(f func()) uint64 {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() uint64 { metrics.Read(sample); return sample[0].Value.Uint64() }
	runtime.GC()
	base := read()
	var peak atomic.Uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(100 * time.Microsecond)
		defer t.Stop()
		for {
			if v := read(); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	})
	f()
	close(done)
	wg.Wait()
	if p := peak.Load(); p > base {
		return p - base
	}
	return 0
}

// BenchmarkProcess12MP is the whole job on a 4000×3000 photo-like JPEG of
// about 3 MB.
func BenchmarkProcess12MP(b *testing.B) {
	data := photo12MP()
	peak := peakHeap(func() {
		if _, err := Process(bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	})
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Process(bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(data))/1e6, "input-MB")
	b.ReportMetric(float64(peak)/1e6, "peak-heap-MB")
}

// The parts of Process, to see where the time goes.

func BenchmarkDecode12MP(b *testing.B) {
	data := photo12MP()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := jpeg.Decode(bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkResize12MPTo1600(b *testing.B) {
	m := decoded12MP(b)
	b.ReportAllocs()
	for b.Loop() {
		resize(m, 1600, 1200)
	}
}

// BenchmarkDrawCatmullRom12MPTo1600 is x/image/draw's Catmull-Rom on the same
// job, for comparison (it allocates a 1600×3000×4 float64 buffer).
func BenchmarkDrawCatmullRom12MPTo1600(b *testing.B) {
	m := decoded12MP(b)
	b.ReportAllocs()
	for b.Loop() {
		dst := image.NewRGBA(image.Rect(0, 0, 1600, 1200))
		draw.CatmullRom.Scale(dst, dst.Bounds(), m, m.Bounds(), draw.Src, nil)
	}
}

func BenchmarkEncode1600(b *testing.B) {
	large := resize(decoded12MP(b), 1600, 1200)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := encodeJPEG(large); err != nil {
			b.Fatal(err)
		}
	}
}
