package photo

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math"
	"math/rand/v2"
	"testing"
)

// Test images are all generated here; nothing is read from disk.

var (
	red   = color.RGBA{255, 0, 0, 255}
	blue  = color.RGBA{0, 0, 255, 255}
	white = color.RGBA{255, 255, 255, 255}
)

// markers draws the upright test picture: white, a red block in the top-left
// corner and a blue block in the top-right corner (two adjacent corners, so
// that each of the 8 orientations gives a different picture).
func markers(w, h int) *image.RGBA {
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := white
			if y < h/4 && x < w/4 {
				c = red
			} else if y < h/4 && x >= w-w/4 {
				c = blue
			}
			m.SetRGBA(x, y, c)
		}
	}
	return m
}

// Plain geometric operations, written independently of orient().

func rotCW(m *image.RGBA) *image.RGBA { // turn 90° clockwise
	w, h := m.Rect.Dx(), m.Rect.Dy()
	d := image.NewRGBA(image.Rect(0, 0, h, w))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			d.SetRGBA(h-1-y, x, m.RGBAAt(x, y)) // top-left goes to top-right
		}
	}
	return d
}

func rotCCW(m *image.RGBA) *image.RGBA { return rotCW(rotCW(rotCW(m))) }

func flipH(m *image.RGBA) *image.RGBA { // mirror left-right
	w, h := m.Rect.Dx(), m.Rect.Dy()
	d := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			d.SetRGBA(w-1-x, y, m.RGBAAt(x, y))
		}
	}
	return d
}

func flipV(m *image.RGBA) *image.RGBA { return rotCW(rotCW(flipH(m))) }

// stored returns how a camera stores the upright picture m when it writes
// EXIF orientation o, i.e. the inverse of what a viewer does for o:
// 2 = viewer mirrors, 3 = viewer turns 180°, 4 = viewer flips vertically,
// 5 = viewer transposes, 6 = viewer turns 90° CW, 7 = viewer transverses,
// 8 = viewer turns 90° CCW.
func stored(m *image.RGBA, o int) *image.RGBA {
	switch o {
	case 2:
		return flipH(m)
	case 3:
		return rotCW(rotCW(m))
	case 4:
		return flipV(m)
	case 5: // transpose is its own inverse: mirror, then turn 90° CCW
		return rotCCW(flipH(m))
	case 6:
		return rotCCW(m)
	case 7: // transverse is its own inverse: mirror, then turn 90° CW
		return rotCW(flipH(m))
	case 8:
		return rotCW(m)
	}
	return m
}

func encJPEG(t testing.TB, m image.Image, q int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, m, &jpeg.Options{Quality: q}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func encPNG(t testing.TB, m image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, m); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// tiffOpts describes the EXIF block to build.
type tiffOpts struct {
	bigEndian   bool
	orientation int  // 0: no tag
	gps         bool // add a GPS IFD with a position in São Paulo
	longType    bool // write the orientation as LONG instead of SHORT
}

// makeTIFF builds the TIFF structure of an EXIF block: IFD0 with Make,
// ImageDescription, Orientation and a GPS IFD pointer, sorted by tag.
func makeTIFF(o tiffOpts) []byte {
	var bo interface {
		binary.ByteOrder
		binary.AppendByteOrder
	} = binary.LittleEndian
	hdr := []byte("II*\x00\x08\x00\x00\x00")
	if o.bigEndian {
		bo = binary.BigEndian
		hdr = []byte("MM\x00*\x00\x00\x00\x08")
	}
	type entry struct {
		tag, typ uint16
		count    uint32
		value    []byte // inline if ≤ 4 bytes
	}
	short := func(v uint16) []byte { b := make([]byte, 4); bo.PutUint16(b, v); return b }
	long := func(v uint32) []byte { b := make([]byte, 4); bo.PutUint32(b, v); return b }
	ascii := func(s string) (uint32, []byte) { return uint32(len(s) + 1), append([]byte(s), 0) }

	var ifd0 []entry
	n, v := ascii("Honda")
	ifd0 = append(ifd0, entry{0x010F, 2, n, v})
	n, v = ascii("GPS test: CB 500X 2022 em Sao Paulo")
	ifd0 = append(ifd0, entry{0x010E, 2, n, v})
	if o.orientation != 0 {
		if o.longType {
			ifd0 = append(ifd0, entry{0x0112, 4, 1, long(uint32(o.orientation))})
		} else {
			ifd0 = append(ifd0, entry{0x0112, 3, 1, short(uint16(o.orientation))})
		}
	}
	var gps []entry
	if o.gps {
		ifd0 = append(ifd0, entry{0x8825, 4, 1, nil}) // offset patched below
		rat := func(vals ...uint32) []byte {
			b := make([]byte, 0, 8*len(vals))
			for _, x := range vals {
				b = bo.AppendUint32(b, x)
				b = bo.AppendUint32(b, 1)
			}
			return b
		}
		gps = []entry{
			{0x0001, 2, 2, []byte("S\x00\x00\x00")},
			{0x0002, 5, 3, rat(23, 33, 1)},
			{0x0003, 2, 2, []byte("W\x00\x00\x00")},
			{0x0004, 5, 3, rat(46, 38, 1)},
		}
	}
	// Layout: header, IFD0, GPS IFD, then the out-of-line values.
	ifdSize := func(es []entry) int { return 2 + 12*len(es) + 4 }
	gpsOff := 8 + ifdSize(ifd0)
	dataOff := gpsOff
	if o.gps {
		dataOff += ifdSize(gps)
	}
	out := append([]byte{}, hdr...)
	var extra []byte
	writeIFD := func(es []entry) {
		out = bo.AppendUint16(out, uint16(len(es)))
		for _, e := range es {
			out = bo.AppendUint16(out, e.tag)
			out = bo.AppendUint16(out, e.typ)
			out = bo.AppendUint32(out, e.count)
			switch {
			case e.tag == 0x8825:
				out = bo.AppendUint32(out, uint32(gpsOff))
			case len(e.value) <= 4:
				out = append(out, (append(e.value, 0, 0, 0, 0))[:4]...)
			default:
				out = bo.AppendUint32(out, uint32(dataOff+len(extra)))
				extra = append(extra, e.value...)
				if len(extra)%2 == 1 {
					extra = append(extra, 0)
				}
			}
		}
		out = bo.AppendUint32(out, 0) // no next IFD
	}
	writeIFD(ifd0)
	if o.gps {
		writeIFD(gps)
	}
	return append(out, extra...)
}

// withSegment inserts a JPEG marker segment right after SOI.
func withSegment(jpg []byte, marker byte, payload []byte) []byte {
	seg := []byte{0xFF, marker, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(payload)+2))
	seg = append(seg, payload...)
	out := append([]byte{}, jpg[:2]...)
	out = append(out, seg...)
	return append(out, jpg[2:]...)
}

// withExif inserts an APP1 Exif segment carrying tiff right after SOI.
func withExif(jpg, tiff []byte) []byte {
	return withSegment(jpg, 0xE1, append([]byte("Exif\x00\x00"), tiff...))
}

// pngChunk encodes one PNG chunk with its CRC.
func pngChunk(typ string, data []byte) []byte {
	b := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	b = append(b, typ...)
	b = append(b, data...)
	crc := crc32.NewIEEE()
	crc.Write([]byte(typ))
	crc.Write(data)
	return binary.BigEndian.AppendUint32(b, crc.Sum32())
}

// pngWithChunk inserts a chunk right after IHDR.
func pngWithChunk(p []byte, typ string, data []byte) []byte {
	const ihdrEnd = 8 + 8 + 13 + 4
	out := append([]byte{}, p[:ihdrEnd]...)
	out = append(out, pngChunk(typ, data)...)
	return append(out, p[ihdrEnd:]...)
}

// pngHeaderOnly is a PNG signature, an IHDR declaring w×h RGBA pixels and
// IEND: a decompression bomb that is all header.
func pngHeaderOnly(w, h uint32) []byte {
	ihdr := binary.BigEndian.AppendUint32(nil, w)
	ihdr = binary.BigEndian.AppendUint32(ihdr, h)
	ihdr = append(ihdr, 8, 6, 0, 0, 0)
	out := []byte("\x89PNG\r\n\x1a\n")
	out = append(out, pngChunk("IHDR", ihdr)...)
	out = append(out, pngChunk("IDAT", nil)...)
	return append(out, pngChunk("IEND", nil)...)
}

// --- A tiny VP8L (lossless WebP) encoder, for images whose every channel
// takes at most two values (enough for flat test pictures). It uses no
// transform, no colour cache and "simple" prefix codes of one or two symbols.

type bitWriter struct {
	buf []byte
	acc uint64
	n   uint
}

func (w *bitWriter) write(v uint32, bits uint) {
	w.acc |= uint64(v) << w.n
	w.n += bits
	for w.n >= 8 {
		w.buf = append(w.buf, byte(w.acc))
		w.acc >>= 8
		w.n -= 8
	}
}

func (w *bitWriter) bytes() []byte {
	if w.n > 0 {
		return append(w.buf, byte(w.acc))
	}
	return w.buf
}

func vp8l(t testing.TB, m *image.NRGBA) []byte {
	t.Helper()
	b := m.Bounds()
	w, h := b.Dx(), b.Dy()
	var bw bitWriter
	bw.write(0x2f, 8)
	bw.write(uint32(w-1), 14)
	bw.write(uint32(h-1), 14)
	bw.write(1, 1) // alpha is used
	bw.write(0, 3) // version
	bw.write(0, 1) // no transform
	bw.write(0, 1) // no colour cache
	bw.write(0, 1) // no meta prefix codes
	// Prefix codes in the order green, red, blue, alpha (NRGBA offsets).
	chans := []int{1, 0, 2, 3}
	syms := make([][]uint8, 4)
	for i, c := range chans {
		for j := c; j < len(m.Pix); j += 4 {
			v := m.Pix[j]
			if len(syms[i]) == 0 || (syms[i][0] != v && (len(syms[i]) == 1 || syms[i][1] != v)) {
				syms[i] = append(syms[i], v)
			}
		}
		if len(syms[i]) > 2 {
			t.Fatalf("vp8l: channel %d has more than 2 values", c)
		}
		bw.write(1, 1) // simple code
		bw.write(uint32(len(syms[i])-1), 1)
		bw.write(1, 1) // first symbol on 8 bits
		for _, s := range syms[i] {
			bw.write(uint32(s), 8)
		}
	}
	bw.write(1, 1) // distance code: simple, one symbol (0) on 1 bit
	bw.write(0, 1)
	bw.write(0, 1)
	bw.write(0, 1)
	for j := 0; j < len(m.Pix); j += 4 {
		for i, c := range chans {
			if len(syms[i]) == 2 {
				bit := uint32(0)
				if m.Pix[j+c] == syms[i][1] {
					bit = 1
				}
				bw.write(bit, 1)
			}
		}
	}
	return bw.bytes()
}

func riffChunk(id string, data []byte) []byte {
	b := append([]byte(id), 0, 0, 0, 0)
	binary.LittleEndian.PutUint32(b[4:], uint32(len(data)))
	b = append(b, data...)
	if len(data)%2 == 1 {
		b = append(b, 0)
	}
	return b
}

func riff(chunks ...[]byte) []byte {
	body := []byte("WEBP")
	for _, c := range chunks {
		body = append(body, c...)
	}
	out := []byte("RIFF\x00\x00\x00\x00")
	binary.LittleEndian.PutUint32(out[4:], uint32(len(body)))
	return append(out, body...)
}

// vp8x is an extended-format header chunk.
func vp8x(flags byte, w, h int) []byte {
	d := make([]byte, 10)
	d[0] = flags
	d[4], d[5], d[6] = byte(w-1), byte((w-1)>>8), byte((w-1)>>16)
	d[7], d[8], d[9] = byte(h-1), byte((h-1)>>8), byte((h-1)>>16)
	return riffChunk("VP8X", d)
}

// toNRGBA copies m.
func toNRGBA(m image.Image) *image.NRGBA {
	b := m.Bounds()
	d := image.NewNRGBA(b)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			d.Set(x, y, m.At(x, y))
		}
	}
	return d
}

// photoLike is a w×h picture that compresses like a photo: smooth
// gradients, some detail at several scales and sensor-like noise.
func photoLike(w, h int, seed uint64) *image.YCbCr {
	r := rand.New(rand.NewPCG(seed, 1))
	m := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420)
	for y := 0; y < h; y++ {
		fy := float64(y) / float64(h)
		for x := 0; x < w; x++ {
			fx := float64(x) / float64(w)
			v := 60 + 120*fy + 40*math.Sin(fx*23+fy*7) + 20*math.Sin(fx*fx*300) + r.NormFloat64()*5
			m.Y[y*m.YStride+x] = uint8(min(max(v, 0), 255))
		}
	}
	for y := 0; y < (h+1)/2; y++ {
		for x := 0; x < (w+1)/2; x++ {
			fx, fy := float64(2*x)/float64(w), float64(2*y)/float64(h)
			i := y*m.CStride + x
			m.Cb[i] = uint8(128 + 30*math.Sin(fx*5) + r.NormFloat64()*3)
			m.Cr[i] = uint8(128 + 30*math.Cos(fy*4+fx) + r.NormFloat64()*3)
		}
	}
	return m
}

// decodeVariant decodes a variant's JPEG and checks its declared size.
func decodeVariant(t testing.TB, v Variant) image.Image {
	t.Helper()
	m, err := jpeg.Decode(bytes.NewReader(v.Data))
	if err != nil {
		t.Fatalf("%s: output is not a JPEG: %v", v.Name, err)
	}
	if b := m.Bounds(); b.Dx() != v.Width || b.Dy() != v.Height {
		t.Fatalf("%s: JPEG is %v, variant says %dx%d", v.Name, b, v.Width, v.Height)
	}
	return m
}

// near reports whether c is within tol of want on every channel.
func near(c color.Color, want color.RGBA, tol int) bool {
	r, g, b, _ := c.RGBA()
	d := func(a uint32, w uint8) bool { return abs(int(a>>8)-int(w)) <= tol }
	return d(r, want.R) && d(g, want.G) && d(b, want.B)
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// at samples m at a fraction of its size.
func at(m image.Image, fx, fy float64) color.Color {
	b := m.Bounds()
	return m.At(b.Min.X+int(fx*float64(b.Dx())), b.Min.Y+int(fy*float64(b.Dy())))
}

// checkMarkers checks that m shows the upright test picture.
func checkMarkers(t testing.TB, m image.Image, what string) {
	t.Helper()
	for _, p := range []struct {
		fx, fy float64
		want   color.RGBA
		name   string
	}{
		{0.1, 0.1, red, "top-left"},
		{0.9, 0.1, blue, "top-right"},
		{0.1, 0.9, white, "bottom-left"},
		{0.9, 0.9, white, "bottom-right"},
		{0.5, 0.5, white, "centre"},
	} {
		if c := at(m, p.fx, p.fy); !near(c, p.want, 40) {
			t.Errorf("%s: %s is %v, want %v", what, p.name, color.RGBAModel.Convert(c), p.want)
		}
	}
}

// segments lists the markers of a JPEG up to and including SOS.
func segments(t testing.TB, b []byte) []byte {
	t.Helper()
	if len(b) < 2 || b[0] != 0xFF || b[1] != 0xD8 {
		t.Fatal("no SOI")
	}
	var ms []byte
	for i := 2; ; {
		if i+4 > len(b) || b[i] != 0xFF {
			t.Fatalf("bad segment at %d", i)
		}
		m := b[i+1]
		ms = append(ms, m)
		if m == 0xDA {
			return ms
		}
		i += 2 + int(binary.BigEndian.Uint16(b[i+2:]))
	}
}
