package photo

import (
	"image"
	"image/color"
	"math"
)

// The resampler below turns any decoded image into an opaque *image.RGBA of
// the wanted size, flattened on white. It streams: the source is read one row
// at a time and only the few filtered rows that the vertical filter needs are
// kept, so it needs little memory beyond the destination. (x/image/draw's
// kernel scaler keeps a float64 buffer of destination width × source height
// × 4 channels: for a 12 MP photo scaled to 1600 px it allocates 161 MB and,
// in BenchmarkDrawCatmullRom12MPTo1600, takes 4.5 times as long.)
//
// Downscaling works like libvips' shrink+reduce:
//  1. an integer box filter (plain averaging of kx×ky blocks) shrinks the
//     source while the remaining factor stays at least minResidual;
//  2. a separable Catmull-Rom filter, widened by the remaining factor so it
//     covers every source pixel, takes it to the exact size.
//
// Box averaging is exact and cheap, and the final Catmull-Rom pass over a
// factor of at least minResidual keeps the sharpness of a bicubic filter
// without aliasing; TestResizeMatchesDraw checks the result against
// x/image/draw's Catmull-Rom. Step 1 also bounds the Catmull-Rom filter to
// 17 taps (the remaining factor is below 2·minResidual), so absurd aspect
// ratios cannot make its weight tables large.
//
// YCbCr images (JPEG, lossy WebP) are scaled plane by plane, chroma at its
// own subsampled resolution, and converted to RGB only at the end: that is
// less than half the work of scaling RGB.

// minResidual is the smallest scale factor left for the Catmull-Rom pass
// after box shrinking: the box factor is ⌊scale/minResidual⌋.
const minResidual = 2

// rowReader writes row y (0-based) of an image into out as 8-bit R, G, B
// triplets, composited over a white background. len(out) is 3×width.
type rowReader func(y int, out []uint8)

// flatten composites a non-premultiplied 8-bit channel value c with alpha a
// over white.
func flatten(c, a uint32) uint8 {
	return uint8((c*a + 255*(255-a) + 127) / 255)
}

// newRowReader returns a rowReader for img, with fast paths for the image
// types the JPEG, PNG and WebP decoders return.
func newRowReader(img image.Image) rowReader {
	b := img.Bounds()
	w := b.Dx()
	if b.Min == (image.Point{}) {
		if read := fastRowReader(img, w); read != nil {
			return read
		}
	}
	// Anything else: slower, through the color.Color API.
	return func(y int, out []uint8) {
		for x := 0; x < w; x++ {
			c := over16(img.At(b.Min.X+x, b.Min.Y+y))
			out[3*x], out[3*x+1], out[3*x+2] = c[0], c[1], c[2]
		}
	}
}

// fastRowReader returns the rowReader of an image of w columns whose
// bounds start at the origin, reading its pixels directly; nil for an
// image type (or chroma subsampling) without a fast path.
func fastRowReader(img image.Image, w int) rowReader {
	switch m := img.(type) {
	case *image.YCbCr:
		return ycbcrRows(m, w)
	case *image.NYCbCrA:
		return nycbcraRows(m, w)
	case *image.Gray:
		return grayRows(m, w)
	case *image.RGBA:
		return rgbaRows(m, w)
	case *image.NRGBA:
		return nrgbaRows(m, w)
	case *image.Gray16:
		return gray16Rows(m, w)
	case *image.RGBA64:
		return rgba64Rows(m, w)
	case *image.NRGBA64:
		return nrgba64Rows(m, w)
	case *image.Paletted:
		return palettedRows(m, w)
	case *image.CMYK:
		return cmykRows(m, w)
	}
	return nil
}

// ycbcrRows reads a YCbCr image; nil for an unknown subsampling.
func ycbcrRows(m *image.YCbCr, w int) rowReader {
	hs, vs, ok := subsampleShifts(m.SubsampleRatio)
	if !ok {
		return nil
	}
	return func(y int, out []uint8) {
		yrow := m.Y[y*m.YStride : y*m.YStride+w]
		crow := (y >> vs) * m.CStride
		cb, cr := m.Cb[crow:], m.Cr[crow:]
		out = out[:3*w]
		for x, yy := range yrow {
			ci := x >> hs
			r, g, b := color.YCbCrToRGB(yy, cb[ci], cr[ci])
			out[3*x], out[3*x+1], out[3*x+2] = r, g, b
		}
	}
}

// nycbcraRows reads a YCbCr image with alpha; nil for an unknown
// subsampling.
func nycbcraRows(m *image.NYCbCrA, w int) rowReader {
	hs, vs, ok := subsampleShifts(m.SubsampleRatio)
	if !ok {
		return nil
	}
	return func(y int, out []uint8) {
		yrow := m.Y[y*m.YStride : y*m.YStride+w]
		arow := m.A[y*m.AStride : y*m.AStride+w]
		crow := (y >> vs) * m.CStride
		cb, cr := m.Cb[crow:], m.Cr[crow:]
		out = out[:3*w]
		for x, yy := range yrow {
			ci := x >> hs
			r, g, b := color.YCbCrToRGB(yy, cb[ci], cr[ci])
			a := uint32(arow[x])
			out[3*x], out[3*x+1], out[3*x+2] = flatten(uint32(r), a), flatten(uint32(g), a), flatten(uint32(b), a)
		}
	}
}

// grayRows reads an 8-bit gray image.
func grayRows(m *image.Gray, w int) rowReader {
	return func(y int, out []uint8) {
		row := m.Pix[y*m.Stride : y*m.Stride+w]
		out = out[:3*w]
		for x, v := range row {
			out[3*x], out[3*x+1], out[3*x+2] = v, v, v
		}
	}
}

// rgbaRows reads a premultiplied RGBA image: c over white is c + (255 - a).
func rgbaRows(m *image.RGBA, w int) rowReader {
	return func(y int, out []uint8) {
		row := m.Pix[y*m.Stride : y*m.Stride+4*w]
		out = out[:3*w]
		for x := 0; x < w; x++ {
			p := row[4*x : 4*x+4 : 4*x+4]
			t := 255 - uint32(p[3])
			out[3*x] = uint8(min(uint32(p[0])+t, 255))
			out[3*x+1] = uint8(min(uint32(p[1])+t, 255))
			out[3*x+2] = uint8(min(uint32(p[2])+t, 255))
		}
	}
}

// nrgbaRows reads a non-premultiplied RGBA image.
func nrgbaRows(m *image.NRGBA, w int) rowReader {
	return func(y int, out []uint8) {
		row := m.Pix[y*m.Stride : y*m.Stride+4*w]
		out = out[:3*w]
		for x := 0; x < w; x++ {
			p := row[4*x : 4*x+4 : 4*x+4]
			a := uint32(p[3])
			out[3*x] = flatten(uint32(p[0]), a)
			out[3*x+1] = flatten(uint32(p[1]), a)
			out[3*x+2] = flatten(uint32(p[2]), a)
		}
	}
}

// gray16Rows reads a 16-bit gray image (16-bit PNGs), keeping the high
// byte.
func gray16Rows(m *image.Gray16, w int) rowReader {
	return func(y int, out []uint8) {
		row := m.Pix[y*m.Stride : y*m.Stride+2*w]
		out = out[:3*w]
		for x := 0; x < w; x++ {
			v := row[2*x]
			out[3*x], out[3*x+1], out[3*x+2] = v, v, v
		}
	}
}

// rgba64Rows reads a premultiplied 16-bit RGBA image.
func rgba64Rows(m *image.RGBA64, w int) rowReader {
	return func(y int, out []uint8) {
		row := m.Pix[y*m.Stride : y*m.Stride+8*w]
		out = out[:3*w]
		for x := 0; x < w; x++ {
			p := row[8*x : 8*x+8 : 8*x+8]
			t := 0xffff - (uint32(p[6])<<8 | uint32(p[7]))
			out[3*x] = uint8(min(uint32(p[0])<<8|uint32(p[1])+t, 0xffff) >> 8)
			out[3*x+1] = uint8(min(uint32(p[2])<<8|uint32(p[3])+t, 0xffff) >> 8)
			out[3*x+2] = uint8(min(uint32(p[4])<<8|uint32(p[5])+t, 0xffff) >> 8)
		}
	}
}

// nrgba64Rows reads a non-premultiplied 16-bit RGBA image.
func nrgba64Rows(m *image.NRGBA64, w int) rowReader {
	return func(y int, out []uint8) {
		row := m.Pix[y*m.Stride : y*m.Stride+8*w]
		out = out[:3*w]
		for x := 0; x < w; x++ {
			p := row[8*x : 8*x+8 : 8*x+8]
			a := uint64(p[6])<<8 | uint64(p[7])
			f := func(hi, lo uint8) uint8 {
				c := uint64(hi)<<8 | uint64(lo)
				return uint8((c*a + 0xffff*(0xffff-a)) / 0xffff >> 8)
			}
			out[3*x], out[3*x+1], out[3*x+2] = f(p[0], p[1]), f(p[2], p[3]), f(p[4], p[5])
		}
	}
}

// palettedRows reads a paletted image through a table of its colors over
// white.
func palettedRows(m *image.Paletted, w int) rowReader {
	var lut [256][3]uint8 // indices past the palette read as black, like png
	for i, c := range m.Palette {
		if i >= len(lut) {
			break
		}
		lut[i] = over16(c)
	}
	return func(y int, out []uint8) {
		row := m.Pix[y*m.Stride : y*m.Stride+w]
		out = out[:3*w]
		for x, i := range row {
			c := lut[i]
			out[3*x], out[3*x+1], out[3*x+2] = c[0], c[1], c[2]
		}
	}
}

// cmykRows reads a CMYK image.
func cmykRows(m *image.CMYK, w int) rowReader {
	return func(y int, out []uint8) {
		row := m.Pix[y*m.Stride : y*m.Stride+4*w]
		out = out[:3*w]
		for x := 0; x < w; x++ {
			p := row[4*x : 4*x+4 : 4*x+4]
			out[3*x], out[3*x+1], out[3*x+2] = color.CMYKToRGB(p[0], p[1], p[2], p[3])
		}
	}
}

// over16 composites any color over white and returns 8-bit R, G, B.
func over16(c color.Color) [3]uint8 {
	if c == nil {
		return [3]uint8{}
	}
	r, g, b, a := c.RGBA() // premultiplied, 16-bit
	t := 0xffff - a
	return [3]uint8{uint8(min(r+t, 0xffff) >> 8), uint8(min(g+t, 0xffff) >> 8), uint8(min(b+t, 0xffff) >> 8)}
}

// subsampleShifts returns log2 of the horizontal and vertical chroma
// subsampling of r.
func subsampleShifts(r image.YCbCrSubsampleRatio) (hs, vs int, ok bool) {
	switch r {
	case image.YCbCrSubsampleRatio444:
		return 0, 0, true
	case image.YCbCrSubsampleRatio422:
		return 1, 0, true
	case image.YCbCrSubsampleRatio420:
		return 1, 1, true
	case image.YCbCrSubsampleRatio440:
		return 0, 1, true
	case image.YCbCrSubsampleRatio411:
		return 2, 0, true
	case image.YCbCrSubsampleRatio410:
		return 2, 1, true
	}
	return 0, 0, false
}

// catmullRom is the Catmull-Rom cubic (B=0, C=0.5), support 2.
func catmullRom(t float64) float64 {
	if t < 0 {
		t = -t
	}
	switch {
	case t < 1:
		return (1.5*t-2.5)*t*t + 1
	case t < 2:
		return ((-0.5*t+2.5)*t-4)*t + 2
	}
	return 0
}

// filter1D holds, for each destination sample, the source samples and
// weights that make it: source samples start[i] … start[i]+taps-1 with
// weights w[off[i]:off[i+1]].
type filter1D struct {
	start   []int
	off     []int
	w       []float32 // normalised weights, concatenated
	maxTaps int
}

// newFilter1D makes the Catmull-Rom filter that maps n source samples onto
// m destination samples, scale source samples apart. Destination sample i is
// centred on source coordinate (i+0.5)·scale, source sample j on j+0.5 (as in
// x/image/draw). When shrinking, the kernel is widened by scale so that it
// covers every source sample. Taps that fall outside the source are dropped
// and the others renormalised.
func newFilter1D(n, m int, scale float64) filter1D {
	f := filter1D{start: make([]int, m), off: make([]int, m+1)}
	stretch := max(scale, 1)
	support := 2 * stretch
	f.w = make([]float32, 0, m*(int(2*support)+2))
	for i := 0; i < m; i++ {
		center := (float64(i)+0.5)*scale - 0.5
		weight := func(j int) float64 { return catmullRom((center - float64(j)) / stretch) }
		lo := min(max(int(math.Floor(center-support)), 0), n-1)
		hi := max(min(int(math.Ceil(center+support)), n-1), lo)
		// Drop the zero weights at both ends so that every tap counts.
		for lo < hi && weight(lo) == 0 {
			lo++
		}
		for hi > lo && weight(hi) == 0 {
			hi--
		}
		var sum float64
		for j := lo; j <= hi; j++ {
			sum += weight(j)
		}
		f.start[i] = lo
		f.off[i] = len(f.w)
		for j := lo; j <= hi; j++ {
			wt := 1 / float64(hi-lo+1)
			if sum > 1e-9 {
				wt = weight(j) / sum
			}
			f.w = append(f.w, float32(wt))
		}
		f.maxTaps = max(f.maxTaps, hi-lo+1)
	}
	f.off[m] = len(f.w)
	return f
}

// boxFactor is the integer box-shrink factor for a scale factor: as large as
// possible while leaving at least minResidual for the Catmull-Rom pass.
func boxFactor(scale float64) int {
	return max(1, int(scale/minResidual+1e-9))
}

// scaler resamples a stream of rows, each of nc interleaved 8-bit channels,
// from sw×sh to dw×dh samples. scaleX and scaleY are the distances between
// destination samples in source samples (sw/dw and sh/dh, except for
// subsampled chroma).
type scaler struct {
	nc             int
	sw, sh, dw, dh int
	scaleX, scaleY float64
	read           func(y int, out []uint8)   // source row y: nc·sw bytes
	emit           func(y int, row []float32) // destination row y: nc·dw values
}

// run resamples: box-shrinks by kx×ky, then applies the horizontal filter
// to each shrunk row, keeping just the rows the vertical filter needs.
func (s *scaler) run() {
	nc := s.nc
	kx, ky := boxFactor(s.scaleX), boxFactor(s.scaleY)
	box := newBoxShrinker(s.read, nc, s.sw, s.sh, kx, ky)
	hf := newFilter1D(box.mw, s.dw, s.scaleX/float64(kx))
	vf := newFilter1D(box.mh, s.dh, s.scaleY/float64(ky))
	apply := hf.apply3
	if nc == 1 {
		apply = hf.apply1
	}
	// ring holds horizontally filtered rows: shrunk row j is in
	// ring[j%len(ring)]. The vertical windows only move down, so it only
	// needs to be as tall as the widest window.
	ring := make([][]float32, vf.maxTaps)
	for i := range ring {
		ring[i] = make([]float32, nc*s.dw)
	}
	next := 0 // next shrunk row to filter
	acc := make([]float32, nc*s.dw)
	for y := 0; y < s.dh; y++ {
		lo := vf.start[y]
		ws := vf.w[vf.off[y]:vf.off[y+1]]
		for ; next < lo+len(ws); next++ {
			apply(ring[next%len(ring)], box.row(next))
		}
		if len(ws) == 1 && ws[0] == 1 {
			s.emit(y, ring[lo%len(ring)])
			continue
		}
		// Two rows at a time: half the loads and stores of acc.
		w0, r0 := ws[0], ring[lo%len(ring)][:len(acc)]
		for x, v := range r0 {
			acc[x] = w0 * v
		}
		i := 1
		for ; i+2 <= len(ws); i += 2 {
			w1, r1 := ws[i], ring[(lo+i)%len(ring)][:len(acc)]
			w2, r2 := ws[i+1], ring[(lo+i+1)%len(ring)][:len(acc)]
			for x := range acc {
				acc[x] += w1*r1[x] + w2*r2[x]
			}
		}
		if i < len(ws) {
			w1, r1 := ws[i], ring[(lo+i)%len(ring)][:len(acc)]
			for x, v := range r1 {
				acc[x] += w1 * v
			}
		}
		s.emit(y, acc)
	}
}

// apply1 filters a row of single samples.
func (f *filter1D) apply1(out, in []float32) {
	for i, lo := range f.start {
		ws := f.w[f.off[i]:f.off[i+1]]
		px := in[lo : lo+len(ws)]
		// Four sums break the dependency chain of the additions.
		var v0, v1, v2, v3 float32
		j := 0
		for ; j+4 <= len(ws); j += 4 {
			w, p := ws[j:j+4:j+4], px[j:j+4:j+4]
			v0 += w[0] * p[0]
			v1 += w[1] * p[1]
			v2 += w[2] * p[2]
			v3 += w[3] * p[3]
		}
		for ; j < len(ws); j++ {
			v0 += ws[j] * px[j]
		}
		out[i] = (v0 + v1) + (v2 + v3)
	}
}

// apply3 filters a row of RGB triplets.
func (f *filter1D) apply3(out, in []float32) {
	for i, lo := range f.start {
		ws := f.w[f.off[i]:f.off[i+1]]
		px := in[3*lo : 3*(lo+len(ws))]
		var r, g, b float32
		for j, w := range ws {
			p := px[3*j : 3*j+3 : 3*j+3]
			r += w * p[0]
			g += w * p[1]
			b += w * p[2]
		}
		o := out[3*i : 3*i+3 : 3*i+3]
		o[0], o[1], o[2] = r, g, b
	}
}

func clamp8(v float32) uint8 {
	switch {
	case v <= 0:
		return 0
	case v >= 255:
		return 255
	}
	return uint8(v + 0.5)
}

// boxShrinker produces the rows of a source shrunk by integer factors kx,
// ky (averaging each block; the last block of a row or column may be
// smaller), as float32 samples. Rows must be asked for in order.
type boxShrinker struct {
	read           func(y int, out []uint8)
	nc             int
	sw, sh, kx, ky int
	mw, mh         int       // shrunk size
	src            []uint8   // one source row
	sum            []uint64  // sums of the current row of blocks
	out            []float32 // the shrunk row
}

func newBoxShrinker(read func(int, []uint8), nc, sw, sh, kx, ky int) *boxShrinker {
	s := &boxShrinker{read: read, nc: nc, sw: sw, sh: sh, kx: kx, ky: ky,
		mw: (sw + kx - 1) / kx, mh: (sh + ky - 1) / ky}
	s.src = make([]uint8, nc*sw)
	s.out = make([]float32, nc*s.mw)
	if kx > 1 || ky > 1 {
		s.sum = make([]uint64, nc*s.mw)
	}
	return s
}

func (s *boxShrinker) row(j int) []float32 {
	if s.kx == 1 && s.ky == 1 {
		s.read(j, s.src)
		out := s.out[:len(s.src)]
		for i, v := range s.src {
			out[i] = float32(v)
		}
		return s.out
	}
	nc := s.nc
	y0, y1 := j*s.ky, min((j+1)*s.ky, s.sh)
	clear(s.sum)
	for y := y0; y < y1; y++ {
		s.read(y, s.src)
		if s.kx == 1 {
			for i, v := range s.src {
				s.sum[i] += uint64(v)
			}
			continue
		}
		for bx := 0; bx < s.mw; bx++ {
			px := s.src[nc*bx*s.kx : nc*min((bx+1)*s.kx, s.sw)]
			sum := s.sum[nc*bx : nc*bx+nc]
			for i := 0; i+nc <= len(px); i += nc {
				for c := range sum {
					sum[c] += uint64(px[i+c])
				}
			}
		}
	}
	for bx := 0; bx < s.mw; bx++ {
		inv := 1 / float32((y1-y0)*(min((bx+1)*s.kx, s.sw)-bx*s.kx))
		for c := nc * bx; c < nc*bx+nc; c++ {
			s.out[c] = float32(s.sum[c]) * inv
		}
	}
	return s.out
}

// resize returns src scaled to dw×dh as an opaque *image.RGBA composited
// on white. Callers only shrink, but any size works.
func resize(src image.Image, dw, dh int) *image.RGBA {
	b := src.Bounds()
	sw, sh := b.Dx(), b.Dy()
	if (sw != dw || sh != dh) && b.Min == (image.Point{}) {
		if m, ok := src.(*image.YCbCr); ok {
			if yc := resizeYCbCr(m, dw, dh); yc != nil {
				src, sw, sh = yc, dw, dh
			}
		}
	}
	read := newRowReader(src)
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	if sw == dw && sh == dh { // a straight conversion
		row := make([]uint8, 3*sw)
		for y := 0; y < sh; y++ {
			read(y, row)
			out := dst.Pix[y*dst.Stride : y*dst.Stride+4*dw]
			for x := 0; x < dw; x++ {
				o := out[4*x : 4*x+4 : 4*x+4]
				o[0], o[1], o[2], o[3] = row[3*x], row[3*x+1], row[3*x+2], 0xff
			}
		}
		return dst
	}
	s := scaler{nc: 3, sw: sw, sh: sh, dw: dw, dh: dh,
		scaleX: float64(sw) / float64(dw), scaleY: float64(sh) / float64(dh),
		read: read,
		emit: func(y int, row []float32) {
			out := dst.Pix[y*dst.Stride : y*dst.Stride+4*dw]
			for x := 0; x < dw; x++ {
				o := out[4*x : 4*x+4 : 4*x+4]
				p := row[3*x : 3*x+3 : 3*x+3]
				o[0], o[1], o[2], o[3] = clamp8(p[0]), clamp8(p[1]), clamp8(p[2]), 0xff
			}
		}}
	s.run()
	return dst
}

// resizeYCbCr scales the three planes of m separately to a 4:4:4 YCbCr
// image of dw×dh. This is the usual JPEG case, and it is much cheaper than
// scaling RGB: the chroma planes are a quarter of the size for 4:2:0, and
// only the small result is converted to RGB. Filtering is linear and so is
// the colour conversion, so the result is the same (but for clamping).
// It returns nil if m's layout is not one it knows.
func resizeYCbCr(m *image.YCbCr, dw, dh int) *image.YCbCr {
	hs, vs, ok := subsampleShifts(m.SubsampleRatio)
	if !ok {
		return nil
	}
	sw, sh := m.Rect.Dx(), m.Rect.Dy()
	cw, ch := (sw+1<<hs-1)>>hs, (sh+1<<vs-1)>>vs
	d := image.NewYCbCr(image.Rect(0, 0, dw, dh), image.YCbCrSubsampleRatio444)
	plane := func(pix []uint8, stride, w, h int, scaleX, scaleY float64, out []uint8) {
		s := scaler{nc: 1, sw: w, sh: h, dw: dw, dh: dh, scaleX: scaleX, scaleY: scaleY,
			read: func(y int, row []uint8) { copy(row, pix[y*stride:y*stride+w]) },
			emit: func(y int, row []float32) {
				o := out[y*dw : y*dw+dw]
				for x, v := range row[:dw] {
					o[x] = clamp8(v)
				}
			}}
		s.run()
	}
	fx, fy := float64(sw)/float64(dw), float64(sh)/float64(dh)
	plane(m.Y, m.YStride, sw, sh, fx, fy, d.Y)
	cfx, cfy := fx/float64(int(1)<<hs), fy/float64(int(1)<<vs)
	plane(m.Cb, m.CStride, cw, ch, cfx, cfy, d.Cb)
	plane(m.Cr, m.CStride, cw, ch, cfx, cfy, d.Cr)
	return d
}
