package photo

import (
	"bytes"
	"encoding/base64"
	"errors"
	"image"
	"image/color"
	stddraw "image/draw"
	"image/gif"
	"io"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"

	"motando/photo/phototest"
)

// wantCode checks that err is a permanent *Error with the given code and a
// non-empty message.
func wantCode(t *testing.T, what string, err error, want string) {
	t.Helper()
	var pe *Error
	if !errors.As(err, &pe) {
		t.Fatalf("%s: got error %v (%T), want *Error %q", what, err, err, want)
	}
	if pe.Code != want {
		t.Fatalf("%s: got code %q (%v), want %q", what, pe.Code, err, want)
	}
	if pe.Message == "" {
		t.Fatalf("%s: empty message", what)
	}
	if !IsPermanent(err) {
		t.Fatalf("%s: IsPermanent = false", what)
	}
}

func TestFormat(t *testing.T) {
	for _, c := range []struct {
		f        Format
		ct, ext  string
		sniffHdr string
	}{
		{JPEG, "image/jpeg", ".jpg", "\xff\xd8\xff\xe0"},
		{PNG, "image/png", ".png", "\x89PNG\r\n\x1a\n"},
		{WebP, "image/webp", ".webp", "RIFF\x10\x00\x00\x00WEBPVP8L"},
	} {
		if c.f.ContentType() != c.ct || c.f.Ext() != c.ext {
			t.Errorf("%s: %q %q", c.f, c.f.ContentType(), c.f.Ext())
		}
		if f, ok := Sniff([]byte(c.sniffHdr)); !ok || f != c.f {
			t.Errorf("Sniff(%q) = %q, %v", c.sniffHdr, f, ok)
		}
	}
	if Format("gif").ContentType() != "" || Format("").Ext() != "" {
		t.Error("unknown formats must have no content type nor extension")
	}
	for _, h := range []string{"", "\xff\xd8", "\x89PNG", "RIFF\x00\x00\x00\x00WAVE", "GIF89a", "hello, world", "<svg>"} {
		if f, ok := Sniff([]byte(h)); ok {
			t.Errorf("Sniff(%q) = %q, want no format", h, f)
		}
	}
}

func TestError(t *testing.T) {
	cause := errors.New("cause")
	e := &Error{Code: CodeCorrupt, Message: "m", Err: cause}
	if !errors.Is(e, cause) || e.Error() != "photo: corrupt: cause" {
		t.Errorf("Error() = %q, Is(cause) = %v", e.Error(), errors.Is(e, cause))
	}
	if (&Error{Code: CodeTooLarge, Message: "m"}).Error() != "photo: too_large: m" {
		t.Error("Error() without cause")
	}
	if IsPermanent(errors.New("x")) || IsPermanent(nil) {
		t.Error("IsPermanent of a plain error")
	}
	if msgTooManyPixels != "A imagem tem pixels demais (máximo 60 megapixels)." || msgTooLarge != "A foto passa de 15 MB." {
		t.Errorf("messages: %q %q", msgTooManyPixels, msgTooLarge)
	}
}

// The hard requirement: a header declaring 20000×20000 is refused by both
// functions without allocating anything like the 1.6 GB its pixels need.
func TestDecompressionBomb(t *testing.T) {
	bomb := pngHeaderOnly(20000, 20000)
	for _, c := range []struct {
		name string
		run  func() error
	}{
		{"Inspect", func() error { _, err := Inspect(bytes.NewReader(bomb)); return err }},
		{"Process", func() error { _, err := Process(bytes.NewReader(bomb)); return err }},
	} {
		t.Run(c.name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			err := c.run()
			runtime.ReadMemStats(&after)
			wantCode(t, c.name, err, CodeTooManyPixels)
			if n := after.TotalAlloc - before.TotalAlloc; n > 1<<20 {
				t.Errorf("allocated %d bytes, want well under 10 MB", n)
			}
			allocs := testing.AllocsPerRun(10, func() { _ = c.run() })
			t.Logf("%s: %.0f allocations per run", c.name, allocs)
		})
	}
	// The same for a JPEG and a WebP header.
	jpg := encJPEG(t, image.NewGray(image.Rect(0, 0, 16, 16)), 90)
	i := bytes.Index(jpg, []byte{0xFF, 0xC0}) // SOF0: FF C0 len(2) P(1) H(2) W(2)
	jpg[i+5], jpg[i+6], jpg[i+7], jpg[i+8] = 0xFF, 0xFF, 0xFF, 0xFF
	web := riff(vp8x(0, 20000, 20000), riffChunk("VP8L", []byte{0x2f, 0, 0, 0, 0}))
	for name, b := range map[string][]byte{"jpeg": jpg, "webp": web} {
		_, err := Inspect(bytes.NewReader(b))
		wantCode(t, "Inspect "+name, err, CodeTooManyPixels)
		_, err = Process(bytes.NewReader(b))
		wantCode(t, "Process "+name, err, CodeTooManyPixels)
	}
}

func TestNotImage(t *testing.T) {
	for name, data := range map[string]string{
		"text renamed to .jpg": "Vendo CG 160 Fan 2021, único dono, revisada.\n",
		"empty":                "",
		"one byte":             "\xff",
		"BMW is not BMP":       "BMW R 1250 GS Adventure, 2020, 30 mil km",
		"html":                 "<!DOCTYPE html><html><body>oi</body></html>",
		"pdf":                  "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n",
		"riff wave":            "RIFF\x24\x00\x00\x00WAVEfmt ",
	} {
		_, err := Inspect(strings.NewReader(data))
		wantCode(t, "Inspect "+name, err, CodeNotImage)
		_, err = Process(strings.NewReader(data))
		wantCode(t, "Process "+name, err, CodeNotImage)
	}
}

func TestUnsupported(t *testing.T) {
	var g bytes.Buffer
	if err := gif.Encode(&g, image.NewPaletted(image.Rect(0, 0, 4, 4), color.Palette{color.Black, color.White}), nil); err != nil {
		t.Fatal(err)
	}
	// A JPEG whose SOF0 says "arithmetic coding" (SOF9), which Go cannot decode.
	arith := encJPEG(t, markers(32, 32), 90)
	arith[bytes.Index(arith, []byte{0xFF, 0xC0})+1] = 0xC9
	animated := riff(vp8x(0x02|0x10, 8, 8), riffChunk("ANIM", make([]byte, 6)))
	for name, c := range map[string]struct {
		data, inMessage string
	}{
		"gif":           {g.String(), "GIF"},
		"heic":          {"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic", "HEIC"},
		"heic mif1":     {"\x00\x00\x00\x1cftypmif1\x00\x00\x00\x00mif1miafheic", "HEIC"},
		"avif":          {"\x00\x00\x00\x20ftypavif\x00\x00\x00\x00avifmif1miafMA1A", "AVIF"},
		"avif mif1":     {"\x00\x00\x00\x1cftypmif1\x00\x00\x00\x00mif1avifmiaf", "AVIF"},
		"tiff":          {"II*\x00\x08\x00\x00\x00", "TIFF"},
		"bmp":           {"BM\x46\x00\x00\x00\x00\x00\x00\x00\x36\x00\x00\x00\x28\x00\x00\x00\x02\x00", "BMP"},
		"jpeg xl":       {"\xff\x0a\xfa\x7f", "JPEG XL"},
		"arithmetic":    {string(arith), "JPEG"},
		"animated webp": {string(animated), "WebP animado"},
	} {
		_, err := Inspect(strings.NewReader(c.data))
		wantCode(t, "Inspect "+name, err, CodeUnsupported)
		_, err = Process(strings.NewReader(c.data))
		wantCode(t, "Process "+name, err, CodeUnsupported)
		if msg := err.(*Error).Message; !strings.Contains(msg, c.inMessage) {
			t.Errorf("%s: message %q does not name %s", name, msg, c.inMessage)
		}
	}
}

func TestCorrupt(t *testing.T) {
	jpg := encJPEG(t, photoLike(400, 300, 1), 85)
	png := encPNG(t, photoLike(100, 80, 2))
	web := riff(riffChunk("VP8L", vp8l(t, toNRGBA(markers(64, 48)))))
	lossy, _ := base64.StdEncoding.DecodeString(webpLossy1x1)
	for name, data := range map[string][]byte{
		"jpeg cut in half":       jpg[:len(jpg)/2],
		"jpeg cut after headers": jpg[:bytes.Index(jpg, []byte{0xFF, 0xDA})+20],
		"jpeg without EOI":       jpg[:len(jpg)-200],
		"jpeg soi only":          jpg[:3],
		"png cut in half":        png[:len(png)/2],
		"png header only":        png[:40],
		"png bad crc":            append(append(append([]byte{}, png[:29]...), png[29]^1), png[30:]...),
		"webp cut":               web[:len(web)-10],
		"webp lossy cut":         lossy[:len(lossy)-8],
		"riff only":              []byte("RIFF\x00\x00\x00\x00WEBP"),
		"png zero width":         pngHeaderOnly(0, 10),
	} {
		_, err := Process(bytes.NewReader(data))
		wantCode(t, "Process "+name, err, CodeCorrupt)
	}
	// The decoder's own io.ErrUnexpectedEOF (data cut short, here in the
	// DQT segment) means corrupt data, not a read error.
	_, err := Process(bytes.NewReader(jpg[:30]))
	wantCode(t, "Process jpeg cut in DQT", err, CodeCorrupt)
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("cause is %v, want io.ErrUnexpectedEOF", err)
	}
	// Inspect only reads headers: a JPEG cut in the image data passes, one
	// cut in the headers does not.
	if info, err := Inspect(bytes.NewReader(jpg[:len(jpg)/2])); err != nil || info != (Info{JPEG, 400, 300}) {
		t.Errorf("Inspect of a JPEG cut in half: %+v, %v", info, err)
	}
	for name, data := range map[string][]byte{
		"jpeg soi only":   jpg[:3],
		"jpeg cut in DQT": jpg[:30],
		"png header only": png[:20],
		"png zero width":  pngHeaderOnly(0, 10),
	} {
		_, err := Inspect(bytes.NewReader(data))
		wantCode(t, "Inspect "+name, err, CodeCorrupt)
	}
}

// failingReader yields data, then fails with err (instead of io.EOF).
func failingReader(data []byte, err error) io.Reader {
	return io.MultiReader(bytes.NewReader(data), iotest.ErrReader(err))
}

// Read errors must not be mistaken for bad data, even io.ErrUnexpectedEOF
// (a connection cut short), which the decoders themselves also use for
// truncated data.
func TestReadErrors(t *testing.T) {
	jpg := encJPEG(t, photoLike(400, 300, 3), 85)
	boom := errors.New("network is down")
	for _, err0 := range []error{boom, io.ErrUnexpectedEOF, io.ErrClosedPipe} {
		for _, n := range []int{0, 10, 200, len(jpg) / 2, len(jpg)} {
			_, err := Process(failingReader(jpg[:n], err0))
			if !errors.Is(err, err0) || IsPermanent(err) {
				t.Errorf("Process, %v after %d bytes: got %v (permanent %v)", err0, n, err, IsPermanent(err))
			}
			if n > 200 {
				continue // Inspect is done by then
			}
			_, err = Inspect(failingReader(jpg[:n], err0))
			if !errors.Is(err, err0) || IsPermanent(err) {
				t.Errorf("Inspect, %v after %d bytes: got %v", err0, n, err)
			}
		}
	}
	// A reader that returns data and EOF together, or one byte at a time, is fine.
	for name, r := range map[string]io.Reader{
		"data+EOF":  iotest.DataErrReader(bytes.NewReader(jpg)),
		"one byte":  iotest.OneByteReader(bytes.NewReader(jpg)),
		"half read": iotest.HalfReader(bytes.NewReader(jpg)),
	} {
		if _, err := Process(r); err != nil {
			t.Errorf("Process with %s reader: %v", name, err)
		}
	}
	if info, err := Inspect(iotest.OneByteReader(bytes.NewReader(jpg))); err != nil || info.Width != 400 {
		t.Errorf("Inspect with one-byte reader: %+v %v", info, err)
	}
}

// zeroReader yields n zero bytes.
type zeroReader struct{ n int64 }

func (z *zeroReader) Read(p []byte) (int, error) {
	if z.n <= 0 {
		return 0, io.EOF
	}
	p = p[:min(int64(len(p)), z.n)]
	clear(p)
	z.n -= int64(len(p))
	return len(p), nil
}

func TestTooLarge(t *testing.T) {
	jpg := encJPEG(t, photoLike(64, 48, 4), 85)
	// Exactly MaxBytes (a valid JPEG padded after EOI, which decoders ignore) is fine.
	r := io.MultiReader(bytes.NewReader(jpg), &zeroReader{MaxBytes - int64(len(jpg))})
	if _, err := Process(r); err != nil {
		t.Fatalf("MaxBytes exactly: %v", err)
	}
	r = io.MultiReader(bytes.NewReader(jpg), &zeroReader{MaxBytes - int64(len(jpg)) + 1})
	_, err := Process(r)
	wantCode(t, "Process MaxBytes+1", err, CodeTooLarge)

	// Inspect reads the headers only, but not forever: a JPEG whose
	// headers go on past MaxBytes is too large.
	seg := append([]byte{0xFF, 0xEF, 0xFF, 0xFF}, make([]byte, 0xFFFD)...)
	endless := io.MultiReader(bytes.NewReader([]byte{0xFF, 0xD8}), &repeatReader{b: seg, n: MaxBytes/len(seg) + 2})
	_, err = Inspect(endless)
	wantCode(t, "Inspect endless headers", err, CodeTooLarge)
	if info, err := Inspect(io.MultiReader(bytes.NewReader(jpg), &zeroReader{MaxBytes})); err != nil || info.Width != 64 {
		t.Errorf("Inspect of a big file with normal headers: %+v %v", info, err)
	}
}

// repeatReader yields b n times.
type repeatReader struct {
	b   []byte
	n   int
	off int
}

func (r *repeatReader) Read(p []byte) (int, error) {
	if r.n == 0 {
		return 0, io.EOF
	}
	k := copy(p, r.b[r.off:])
	r.off += k
	if r.off == len(r.b) {
		r.off, r.n = 0, r.n-1
	}
	return k, nil
}

func TestInspect(t *testing.T) {
	web := riff(riffChunk("VP8L", vp8l(t, toNRGBA(markers(64, 48)))))
	lossy, _ := base64.StdEncoding.DecodeString(webpLossy1x1)
	for name, c := range map[string]struct {
		data []byte
		want Info
	}{
		"jpeg":             {encJPEG(t, photoLike(400, 300, 5), 85), Info{JPEG, 400, 300}},
		"jpeg orientation": {withExif(encJPEG(t, photoLike(400, 300, 5), 85), makeTIFF(tiffOpts{orientation: 6})), Info{JPEG, 400, 300}},
		"png":              {encPNG(t, markers(33, 17)), Info{PNG, 33, 17}},
		"webp lossless":    {web, Info{WebP, 64, 48}},
		"webp lossy":       {lossy, Info{WebP, 1, 1}},
		"max pixels":       {pngHeaderOnly(6000, 10000), Info{PNG, 6000, 10000}},
	} {
		info, err := Inspect(bytes.NewReader(c.data))
		if err != nil || info != c.want {
			t.Errorf("%s: %+v, %v; want %+v", name, info, err, c.want)
		}
	}
	_, err := Inspect(bytes.NewReader(pngHeaderOnly(6000, 10001)))
	wantCode(t, "one pixel row too many", err, CodeTooManyPixels)
}

// checkVariants checks names, sizes and that the JPEGs decode.
func checkVariants(t *testing.T, vs []Variant, large, thumb image.Point) (image.Image, image.Image) {
	t.Helper()
	if len(vs) != 2 || vs[0].Name != VariantLarge || vs[1].Name != VariantThumb {
		t.Fatalf("variants: %v", vs)
	}
	if got := (image.Point{vs[0].Width, vs[0].Height}); got != large {
		t.Errorf("large is %v, want %v", got, large)
	}
	if got := (image.Point{vs[1].Width, vs[1].Height}); got != thumb {
		t.Errorf("thumb is %v, want %v", got, thumb)
	}
	for _, v := range vs {
		checkNoMetadata(t, v)
	}
	return decodeVariant(t, vs[0]), decodeVariant(t, vs[1])
}

// checkNoMetadata scans the JPEG's segments: only those needed to decode
// (and at most a JFIF APP0) are allowed.
func checkNoMetadata(t *testing.T, v Variant) {
	t.Helper()
	for _, m := range segments(t, v.Data) {
		switch {
		case m == 0xDB, m == 0xC4, m == 0xC0, m == 0xDD, m == 0xDA:
		case m == 0xE0 && bytes.Contains(v.Data[:64], []byte("JFIF\x00")):
		default:
			t.Errorf("%s: output has segment FF%02X", v.Name, m)
		}
	}
	for _, s := range []string{"Exif", "GPS", "ICC_PROFILE", "http://ns.adobe.com", "Honda", "Photoshop"} {
		if bytes.Contains(v.Data, []byte(s)) {
			t.Errorf("%s: output contains %q", v.Name, s)
		}
	}
}

// Every EXIF orientation comes out upright, sideways ones with width and
// height swapped. (Both byte orders are covered by TestOrientationParser.)
func TestOrientationJPEG(t *testing.T) {
	for o := 1; o <= 8; o++ {
		w, h := 640, 480
		if o >= 5 { // the camera was turned: the upright picture is portrait
			w, h = 480, 640
		}
		s := stored(markers(w, h), o)
		if b := s.Bounds(); b.Dx() != 640 || b.Dy() != 480 {
			t.Fatalf("stored picture is %v", b)
		}
		data := withExif(encJPEG(t, s, 90), makeTIFF(tiffOpts{orientation: o, bigEndian: o%2 == 0}))
		vs, err := Process(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("orientation %d: %v", o, err)
		}
		thumb := image.Pt(480, 360)
		if o >= 5 {
			thumb = image.Pt(480, 640)
		}
		large, th := checkVariants(t, vs, image.Pt(w, h), thumb)
		checkMarkers(t, large, "large")
		checkMarkers(t, th, "thumb")
	}
}

// A photo shot sideways: 2000×1500 stored with orientation 6 comes out
// 1200×1600 and 480×640.
func TestSidewaysScaled(t *testing.T) {
	s := stored(markers(1500, 2000), 6)
	data := withExif(encJPEG(t, s, 90), makeTIFF(tiffOpts{orientation: 6, gps: true}))
	vs, err := Process(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	large, thumb := checkVariants(t, vs, image.Pt(1200, 1600), image.Pt(480, 640))
	checkMarkers(t, large, "large")
	checkMarkers(t, thumb, "thumb")
}

// phototest.Stored, which the demo photos use, is the camera's side of every
// orientation: it agrees with the test's own turns and flips, and orient
// brings its result back to the upright picture.
func TestStored(t *testing.T) {
	up := markers(30, 20)
	up.Pix[4*7+1] = 200 // one odd pixel, so no symmetry hides a mistake
	for o := 1; o <= 8; o++ {
		got := phototest.Stored(up, o)
		if want := stored(up, o); !got.Rect.Eq(want.Rect) || !bytes.Equal(got.Pix, want.Pix) {
			t.Errorf("orientation %d: Stored differs from the camera's turn", o)
		}
		if back := orient(got, o); !bytes.Equal(back.Pix, up.Pix) {
			t.Errorf("orientation %d: orient(Stored) is not the upright picture", o)
		}
	}
}

func TestOrientationLongType(t *testing.T) {
	s := stored(markers(300, 400), 8)
	data := withExif(encJPEG(t, s, 90), makeTIFF(tiffOpts{orientation: 8, longType: true}))
	vs, err := Process(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	large, _ := checkVariants(t, vs, image.Pt(300, 400), image.Pt(300, 400))
	checkMarkers(t, large, "large")
}

// Everything a phone writes is dropped: EXIF with GPS, ICC profile, XMP,
// Photoshop IRB, comments.
func TestNoMetadata(t *testing.T) {
	data := encJPEG(t, photoLike(1000, 750, 6), 90)
	data = withSegment(data, 0xFE, []byte("comment: Honda CB 500X"))
	data = withSegment(data, 0xED, []byte("Photoshop 3.0\x008BIM"))
	data = withSegment(data, 0xE1, []byte("http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta>GPS</x:xmpmeta>"))
	data = withSegment(data, 0xE2, append([]byte("ICC_PROFILE\x00\x01\x01"), make([]byte, 128)...))
	data = withSegment(data, 0xE0, []byte("JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"))
	data = withExif(data, makeTIFF(tiffOpts{orientation: 1, gps: true}))
	if !bytes.Contains(data, []byte("GPS")) || !bytes.Contains(data, []byte("ICC_PROFILE")) {
		t.Fatal("test input lacks metadata")
	}
	vs, err := Process(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	checkVariants(t, vs, image.Pt(1000, 750), image.Pt(480, 360))
	t.Logf("large %d bytes, thumb %d bytes", len(vs[0].Data), len(vs[1].Data))
}

// Transparent pixels of PNG (and WebP, below) come out white; partly
// transparent ones are blended with white.
func TestAlphaOnWhite(t *testing.T) {
	m := image.NewNRGBA(image.Rect(0, 0, 200, 100))
	for y := 0; y < 100; y++ {
		for x := 0; x < 200; x++ {
			switch {
			case x < 50 && y < 25:
				m.SetNRGBA(x, y, color.NRGBA{255, 0, 0, 255})
			case x >= 100:
				m.SetNRGBA(x, y, color.NRGBA{0, 0, 0, 128}) // half-transparent black
			default:
				m.SetNRGBA(x, y, color.NRGBA{0, 0, 0, 0}) // transparent "black"
			}
		}
	}
	for name, img := range map[string]image.Image{"NRGBA": m, "RGBA": rgbaOf(m), "NRGBA64": nrgba64Of(m)} {
		vs, err := Process(bytes.NewReader(encPNG(t, img)))
		if err != nil {
			t.Fatal(err)
		}
		large, _ := checkVariants(t, vs, image.Pt(200, 100), image.Pt(200, 100))
		for _, p := range []struct {
			fx, fy float64
			want   color.RGBA
		}{
			{0.1, 0.1, red},
			{0.3, 0.7, white},
			{0.8, 0.5, color.RGBA{127, 127, 127, 255}},
		} {
			if c := at(large, p.fx, p.fy); !near(c, p.want, 6) {
				t.Errorf("%s: at (%.1f, %.1f): %v, want %v", name, p.fx, p.fy, c, p.want)
			}
		}
	}
}

func rgbaOf(m image.Image) *image.RGBA {
	d := image.NewRGBA(m.Bounds())
	stddraw.Draw(d, d.Bounds(), m, m.Bounds().Min, stddraw.Src)
	return d
}

func nrgba64Of(m image.Image) *image.NRGBA64 {
	d := image.NewNRGBA64(m.Bounds())
	for y := 0; y < m.Bounds().Dy(); y++ {
		for x := 0; x < m.Bounds().Dx(); x++ {
			d.Set(x, y, m.At(x, y))
		}
	}
	return d
}

// Each decoder output type goes through the right row reader.
func TestPixelTypes(t *testing.T) {
	up := markers(400, 300)
	gray := image.NewGray(up.Bounds())
	pal := image.NewPaletted(up.Bounds(), color.Palette{white, red, blue, color.Transparent})
	cmyk := image.NewCMYK(up.Bounds())
	for y := 0; y < 300; y++ {
		for x := 0; x < 400; x++ {
			gray.Set(x, y, up.At(x, y))
			pal.Set(x, y, up.At(x, y))
			cmyk.Set(x, y, up.At(x, y))
		}
	}
	for _, sub := range []image.YCbCrSubsampleRatio{
		image.YCbCrSubsampleRatio444, image.YCbCrSubsampleRatio422, image.YCbCrSubsampleRatio420,
		image.YCbCrSubsampleRatio440, image.YCbCrSubsampleRatio411, image.YCbCrSubsampleRatio410,
	} {
		y := image.NewYCbCr(up.Bounds(), sub)
		for py := 0; py < 300; py++ {
			for px := 0; px < 400; px++ {
				r, g, b, _ := up.At(px, py).RGBA()
				yy, cb, cr := color.RGBToYCbCr(uint8(r>>8), uint8(g>>8), uint8(b>>8))
				y.Y[y.YOffset(px, py)] = yy
				y.Cb[y.COffset(px, py)] = cb
				y.Cr[y.COffset(px, py)] = cr
			}
		}
		checkMarkers(t, resize(y, 400, 300), "YCbCr "+sub.String())
		checkMarkers(t, resize(y, 160, 120), "YCbCr scaled "+sub.String())
		checkMarkers(t, resize(&image.NYCbCrA{YCbCr: *y, A: bytes.Repeat([]byte{255}, 400*300), AStride: 400}, 160, 120), "NYCbCrA "+sub.String())
	}
	convert := func(d stddraw.Image) image.Image {
		stddraw.Draw(d, d.Bounds(), up, image.Point{}, stddraw.Src)
		return d
	}
	for name, m := range map[string]image.Image{
		"RGBA": up, "Paletted": pal, "CMYK": cmyk,
		"RGBA64":  convert(image.NewRGBA64(up.Bounds())),
		"NRGBA64": convert(image.NewNRGBA64(up.Bounds())),
		"Alpha":   image.NewAlpha(up.Bounds()), // generic path: all transparent, so white
	} {
		if name == "Alpha" {
			if c := at(resize(m, 100, 75), 0.1, 0.1); !near(c, white, 0) {
				t.Errorf("Alpha: %v", c)
			}
			continue
		}
		checkMarkers(t, resize(m, 400, 300), name)
		checkMarkers(t, resize(m, 100, 75), name+" scaled")
		checkMarkers(t, resize(m.(interface {
			SubImage(image.Rectangle) image.Image
		}).SubImage(image.Rect(0, 0, 400, 300)), 100, 75), name+" sub-image")
	}
	g16 := image.NewGray16(up.Bounds())
	stddraw.Draw(g16, g16.Bounds(), up, image.Point{}, stddraw.Src)
	if c := at(resize(g16, 200, 150), 0.1, 0.1); !near(c, color.RGBA{76, 76, 76, 255}, 2) {
		t.Errorf("Gray16: %v", c)
	}
	// A gray JPEG and a paletted PNG end to end.
	vs, err := Process(bytes.NewReader(encJPEG(t, gray, 90)))
	if err != nil {
		t.Fatal(err)
	}
	_, thumb := checkVariants(t, vs, image.Pt(400, 300), image.Pt(400, 300))
	r, g, b, _ := at(thumb, 0.1, 0.1).RGBA()
	if r != g || g != b || r>>8 < 60 || r>>8 > 90 { // red's luma is 76
		t.Errorf("gray JPEG: top-left is %d %d %d", r>>8, g>>8, b>>8)
	}
	vs, err = Process(bytes.NewReader(encPNG(t, pal)))
	if err != nil {
		t.Fatal(err)
	}
	large, _ := checkVariants(t, vs, image.Pt(400, 300), image.Pt(400, 300))
	checkMarkers(t, large, "paletted PNG")
}

// webpLossy1x1 and webpAlpha1x1 are the well-known 1×1 WebP files used for
// feature detection (lossy VP8, and lossy VP8 with an ALPH chunk).
const (
	webpLossy1x1 = "UklGRiIAAABXRUJQVlA4IBYAAAAwAQCdASoBAAEADsD+JaQAA3AAAAAA"
	webpAlpha1x1 = "UklGRkoAAABXRUJQVlA4WAoAAAAQAAAAAAAAAAAAQUxQSAwAAAARBxAR/Q9ERP8DAABWUDggGAAAABQBAJ0BKgEAAQAAAP4AAA3AAP7mtQAAAA=="
)

func TestWebP(t *testing.T) {
	for name, s := range map[string]string{"lossy": webpLossy1x1, "lossy+alpha": webpAlpha1x1} {
		data, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			t.Fatal(err)
		}
		vs, err := Process(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		checkVariants(t, vs, image.Pt(1, 1), image.Pt(1, 1))
	}

	// Lossless, with transparency: the picture on a transparent background.
	up := toNRGBA(markers(640, 480))
	for i := 0; i < len(up.Pix); i += 4 {
		if up.Pix[i] == 255 && up.Pix[i+1] == 255 && up.Pix[i+2] == 255 {
			copy(up.Pix[i:i+4], []byte{0, 0, 0, 0})
		}
	}
	data := riff(riffChunk("VP8L", vp8l(t, up)))
	vs, err := Process(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	large, thumb := checkVariants(t, vs, image.Pt(640, 480), image.Pt(480, 360))
	checkMarkers(t, large, "webp large")
	checkMarkers(t, thumb, "webp thumb")

	// Extended format with an EXIF chunk: orientation 6 is applied, and a
	// stray "Exif\0\0" before the TIFF header is tolerated.
	for _, prefix := range []string{"", "Exif\x00\x00"} {
		s := toNRGBA(stored(markers(480, 640), 6))
		exif := append([]byte(prefix), makeTIFF(tiffOpts{orientation: 6, gps: true})...)
		data = riff(vp8x(0x08|0x10, 640, 480), riffChunk("VP8L", vp8l(t, s)), riffChunk("EXIF", exif))
		if info, err := Inspect(bytes.NewReader(data)); err != nil || info != (Info{WebP, 640, 480}) {
			t.Fatalf("Inspect: %+v %v", info, err)
		}
		vs, err = Process(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		large, thumb = checkVariants(t, vs, image.Pt(480, 640), image.Pt(480, 640))
		checkMarkers(t, large, "webp exif large")
		checkMarkers(t, thumb, "webp exif thumb")
	}
}

// A PNG eXIf chunk (before IDAT) is applied too.
func TestOrientationPNG(t *testing.T) {
	data := pngWithChunk(encPNG(t, stored(markers(300, 200), 3)), "eXIf", makeTIFF(tiffOpts{orientation: 3, bigEndian: true}))
	vs, err := Process(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	large, _ := checkVariants(t, vs, image.Pt(300, 200), image.Pt(300, 200))
	checkMarkers(t, large, "png")
}

// Sizes: never upscaled; extreme aspect ratios do not break anything.
func TestSizes(t *testing.T) {
	for _, c := range []struct {
		w, h         int
		large, thumb image.Point
	}{
		{4000, 3000, image.Pt(1600, 1200), image.Pt(480, 360)},
		{3000, 4000, image.Pt(1200, 1600), image.Pt(480, 640)},
		{1600, 1600, image.Pt(1600, 1600), image.Pt(480, 480)},
		{1601, 1601, image.Pt(1600, 1600), image.Pt(480, 480)},
		{1000, 700, image.Pt(1000, 700), image.Pt(480, 336)},
		{480, 300, image.Pt(480, 300), image.Pt(480, 300)},
		{200, 100, image.Pt(200, 100), image.Pt(200, 100)},
		{1, 1, image.Pt(1, 1), image.Pt(1, 1)},
		{20000, 3, image.Pt(1600, 1), image.Pt(480, 1)},
		{60000, 1, image.Pt(1600, 1), image.Pt(480, 1)},
		{2, 30000, image.Pt(1, 1600), image.Pt(1, 1600)},
		{300, 9000, image.Pt(53, 1600), image.Pt(53, 1600)},
		{5000, 1000, image.Pt(1600, 320), image.Pt(480, 96)},
	} {
		// Sizes come from fit alone; run the pipeline on the cheap ones
		// (the others take seconds under the race detector).
		lw, lh := fit(c.w, c.h, LargeSize, LargeSize)
		tw, th := fit(lw, lh, ThumbWidth, lh)
		if (image.Point{lw, lh}) != c.large || (image.Point{tw, th}) != c.thumb {
			t.Errorf("%dx%d: large %dx%d, thumb %dx%d; want %v, %v", c.w, c.h, lw, lh, tw, th, c.large, c.thumb)
		}
		if c.w*c.h > 2_000_000 {
			continue
		}
		m := image.NewGray(image.Rect(0, 0, c.w, c.h))
		for i := range m.Pix {
			m.Pix[i] = uint8(i * 7)
		}
		vs, err := Process(bytes.NewReader(encPNG(t, m)))
		if err != nil {
			t.Fatalf("%dx%d: %v", c.w, c.h, err)
		}
		checkVariants(t, vs, c.large, c.thumb)
	}
}
