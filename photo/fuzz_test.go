package photo

import (
	"bytes"
	"encoding/base64"
	"image"
	"image/color"
	"testing"
)

// exifJPEGHead is the start of a JPEG carrying tiff in APP1, cut before
// the image data (the orientation parser stops at SOS anyway).
func exifJPEGHead(tiff []byte) []byte {
	return withSegment([]byte{0xFF, 0xD8, 0xFF, 0xDB, 0x00, 0x02, 0xFF, 0xDA}, 0xE1, append([]byte("Exif\x00\x00"), tiff...))
}

// TestOrientationParser covers the parser's happy paths and its refusals.
func TestOrientationParser(t *testing.T) {
	for o := 1; o <= 8; o++ {
		for _, be := range []bool{false, true} {
			tiff := makeTIFF(tiffOpts{orientation: o, bigEndian: be, gps: true})
			if got := orientationOf(JPEG, exifJPEGHead(tiff)); got != o {
				t.Errorf("JPEG, orientation %d (big endian %v): got %d", o, be, got)
			}
			if got := orientationOf(WebP, riff(riffChunk("VP8X", make([]byte, 10)), riffChunk("EXIF", tiff))); got != o {
				t.Errorf("WebP, orientation %d: got %d", o, got)
			}
			if got := orientationOf(PNG, pngWithChunk(pngHeaderOnly(1, 1), "eXIf", tiff)); got != o {
				t.Errorf("PNG, orientation %d: got %d", o, got)
			}
		}
	}
	six := makeTIFF(tiffOpts{orientation: 6})
	for name, data := range map[string][]byte{
		"no exif":              {0xFF, 0xD8, 0xFF, 0xD9},
		"orientation 0":        exifJPEGHead(makeTIFF(tiffOpts{})),
		"orientation 9":        exifJPEGHead(makeTIFF(tiffOpts{orientation: 9})),
		"exif after SOS":       append([]byte{0xFF, 0xD8, 0xFF, 0xDA, 0, 2}, exifJPEGHead(six)[2:]...),
		"bad byte order":       exifJPEGHead(append([]byte("IM"), six[2:]...)),
		"IFD offset past end":  exifJPEGHead(append([]byte("II*\x00\xff\xff\xff\x7f"), six[8:]...)),
		"IFD offset in header": exifJPEGHead(append([]byte("II*\x00\x04\x00\x00\x00"), six[8:]...)),
		"truncated IFD":        exifJPEGHead(six[:20]),
		"segment too long":     exifJPEGHead(six)[:30],
		"tiff only":            six,
		"not a marker":         {0xFF, 0xD8, 0x00, 0xE1, 0x00, 0x10},
		"short length":         {0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x01, 0xFF, 0xD9},
		"empty":                nil,
	} {
		if got := orientationOf(JPEG, data); got != 1 {
			t.Errorf("%s: got %d, want 1", name, got)
		}
	}
	// Fill bytes before a marker, and a huge entry count with the tag
	// missing, are fine.
	if got := orientationOf(JPEG, append([]byte{0xFF, 0xD8, 0xFF, 0xFF}, exifJPEGHead(six)[2:]...)); got != 6 {
		t.Errorf("fill bytes: got %d", got)
	}
	if got := tiffOrientation([]byte("MM\x00*\x00\x00\x00\x08\xff\xff")); got != 1 {
		t.Errorf("65535 entries announced, none there: got %d", got)
	}
}

// FuzzOrientation feeds arbitrary bytes to the EXIF orientation parsers:
// they must not panic and must answer 1–8.
func FuzzOrientation(f *testing.F) {
	for o := 1; o <= 8; o++ {
		tiff := makeTIFF(tiffOpts{orientation: o, bigEndian: o%2 == 0, gps: o == 6})
		f.Add(exifJPEGHead(tiff))
		f.Add(tiff)
	}
	f.Add(riff(vp8x(0x08, 1, 1), riffChunk("EXIF", makeTIFF(tiffOpts{orientation: 3}))))
	f.Add(pngWithChunk(pngHeaderOnly(1, 1), "eXIf", makeTIFF(tiffOpts{orientation: 5, bigEndian: true})))
	f.Add([]byte{0xFF, 0xD8, 0xFF, 0xFF, 0xFF, 0xE1, 0x00, 0x02})
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, got := range []int{
			orientationOf(JPEG, data),
			orientationOf(PNG, data),
			orientationOf(WebP, data),
			tiffOrientation(data),
		} {
			if got < 1 || got > 8 {
				t.Fatalf("orientation %d", got)
			}
		}
		// Whatever the parsers find must lie inside the input.
		for _, b := range [][]byte{jpegExif(data), pngExif(data), webpExif(data)} {
			if len(b) > len(data) {
				t.Fatalf("found %d bytes in %d", len(b), len(data))
			}
		}
	})
}

// fuzzLimits keep fuzzing fast: a fuzzed header may declare any size up to
// the pixel limit, and decoding allocates that much.
var fuzzLimits = limits{maxBytes: 1 << 20, maxPixels: 1 << 20}

// fuzzSeeds are small valid files of every kind, and a few broken ones.
func fuzzSeeds(t testing.TB) [][]byte {
	up := markers(40, 30)
	nrgba := toNRGBA(up)
	for i := 0; i < len(nrgba.Pix); i += 4 {
		if nrgba.Pix[i+1] == 255 { // white becomes transparent
			copy(nrgba.Pix[i:i+4], []byte{0, 0, 0, 0})
		}
	}
	pal := image.NewPaletted(up.Bounds(), color.Palette{white, red, blue})
	gray := image.NewGray16(image.Rect(0, 0, 17, 9))
	for i := range gray.Pix {
		gray.Pix[i] = uint8(i * 13)
	}
	lossy, _ := base64.StdEncoding.DecodeString(webpLossy1x1)
	alpha, _ := base64.StdEncoding.DecodeString(webpAlpha1x1)
	jpg := withExif(encJPEG(t, stored(up, 6), 80), makeTIFF(tiffOpts{orientation: 6, gps: true}))
	return [][]byte{
		jpg,
		jpg[:len(jpg)/2],
		encJPEG(t, image.NewGray(image.Rect(0, 0, 8, 8)), 50),
		encJPEG(t, photoLike(24, 16, 1), 70),
		encPNG(t, nrgba),
		encPNG(t, pal),
		encPNG(t, gray),
		pngWithChunk(encPNG(t, up), "eXIf", makeTIFF(tiffOpts{orientation: 8, bigEndian: true})),
		pngHeaderOnly(20000, 20000),
		riff(riffChunk("VP8L", vp8l(t, nrgba))),
		riff(vp8x(0x08|0x10, 40, 30), riffChunk("VP8L", vp8l(t, nrgba)), riffChunk("EXIF", makeTIFF(tiffOpts{orientation: 2}))),
		lossy,
		alpha,
		[]byte("Vendo Honda Biz 125, 2019."),
	}
}

// FuzzProcess feeds arbitrary files to Process and Inspect: they must not
// panic, every error must be a permanent *Error (a bytes.Reader cannot
// fail), and a success must give two valid JPEGs of sane sizes that
// Inspect agrees with.
func FuzzProcess(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		info, ierr := inspect(bytes.NewReader(data), fuzzLimits)
		if ierr != nil && !IsPermanent(ierr) {
			t.Fatalf("Inspect: non-permanent error %v", ierr)
		}
		vs, err := process(bytes.NewReader(data), fuzzLimits)
		if err != nil {
			if !IsPermanent(err) {
				t.Fatalf("Process: non-permanent error %v", err)
			}
			return
		}
		if ierr != nil {
			t.Fatalf("Process succeeded but Inspect failed: %v", ierr)
		}
		if len(vs) != 2 || vs[0].Name != VariantLarge || vs[1].Name != VariantThumb {
			t.Fatalf("variants %v", vs)
		}
		large, thumb := vs[0], vs[1]
		if large.Width*large.Height != info.Width*info.Height && max(large.Width, large.Height) != LargeSize {
			t.Fatalf("large is %dx%d for a %dx%d image", large.Width, large.Height, info.Width, info.Height)
		}
		if large.Width > LargeSize || large.Height > LargeSize || thumb.Width > min(ThumbWidth, large.Width) || thumb.Height > large.Height {
			t.Fatalf("sizes: large %dx%d, thumb %dx%d", large.Width, large.Height, thumb.Width, thumb.Height)
		}
		for _, v := range vs {
			decodeVariant(t, v)
			if bytes.Contains(v.Data, []byte("Exif")) {
				t.Fatal("EXIF in output")
			}
		}
	})
}
