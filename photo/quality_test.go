package photo

import (
	"image"
	"testing"

	"golang.org/x/image/draw"
)

// meanAbsDiff is the mean absolute difference of the RGB channels of two
// images of the same size, in 8-bit levels.
func meanAbsDiff(a, b *image.RGBA) float64 {
	var sum int
	for i := 0; i < len(a.Pix); i += 4 {
		for c := 0; c < 3; c++ {
			sum += abs(int(a.Pix[i+c]) - int(b.Pix[i+c]))
		}
	}
	return float64(sum) / float64(3*len(a.Pix)/4)
}

// The resampler must agree with x/image/draw's Catmull-Rom, the reference
// for "good quality": but for rounding (draw truncates, we round: ~0.2) when
// no box pre-shrink is involved, closely when it is. For YCbCr, draw
// replicates each chroma sample while we interpolate centred chroma, hence
// a slightly larger difference.
func TestResizeMatchesDraw(t *testing.T) {
	ycc := photoLike(1200, 900, 7)
	rgba := rgbaOf(photoLike(800, 600, 8))
	big := rgbaOf(photoLike(1600, 1200, 9))
	for _, c := range []struct {
		name   string
		src    image.Image
		dw, dh int
		max    float64
	}{
		{"RGBA ×2.5, no box", rgba, 320, 240, 0.25},
		{"RGBA ×1.25, no box", rgba, 640, 480, 0.25},
		{"YCbCr 4:2:0 ×2.5, planes", ycc, 480, 360, 0.8},
		{"YCbCr 4:2:0 ×1.25, planes", ycc, 960, 720, 0.8},
		{"RGBA ×8.3, box 4 + Catmull-Rom", big, 193, 145, 0.6},
		{"YCbCr ×5, box 2 + Catmull-Rom", ycc, 240, 180, 0.8},
	} {
		got := resize(c.src, c.dw, c.dh)
		want := image.NewRGBA(image.Rect(0, 0, c.dw, c.dh))
		draw.CatmullRom.Scale(want, want.Bounds(), c.src, c.src.Bounds(), draw.Src, nil)
		d := meanAbsDiff(got, want)
		t.Logf("%s: mean difference %.3f levels", c.name, d)
		if d > c.max {
			t.Errorf("%s: mean difference from x/image/draw %.3f > %.3f", c.name, d, c.max)
		}
	}
}
