package photo

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"io/fs"

	"golang.org/x/image/webp"
)

// MaxBytes is the largest accepted upload, in bytes (15 MiB).
const MaxBytes = 15 << 20

// MaxPixels is the largest accepted width × height (60 megapixels).
//
// It is the guard against decompression bombs: a file of a few hundred
// bytes can declare a huge image, and the decoders allocate memory for every
// pixel before reading any data. Both Inspect and Process refuse an image
// over the limit from its header alone.
//
// 60 MP accepts the full-resolution modes of current phone cameras
// (8064×6048 = 48.8 MP, 8160×6144 = 50.1 MP), which 40 MP would refuse;
// 64 MP and larger modes are refused, and their files are usually over
// MaxBytes anyway.
//
// Memory that decoding one photo at the limit takes, by kind: usual JPEG
// (baseline 4:2:0) 1.5 bytes per pixel, 90 MB; baseline 4:4:4 JPEG 3 B/px;
// progressive JPEG 4 more bytes per coefficient (Go keeps them as int32),
// so 7.5 B/px for 4:2:0 (450 MB) and 15 B/px for 4:4:4 (900 MB, the worst
// case, which a crafted file of a few hundred bytes can reach); 8-bit PNG
// up to 4 B/px, 16-bit PNG up to 8 B/px (480 MB); WebP (at most 16383×16383)
// 1.5 B/px lossy, 4 B/px lossless. Size the worker's concurrency for that.
const MaxPixels = 60_000_000

// Sizes of the published variants.
const (
	// LargeSize is the bounding box of the "large" variant: it fits within
	// LargeSize × LargeSize.
	LargeSize = 1600
	// ThumbWidth is the width of the "thumb" variant.
	ThumbWidth = 480
	// JPEGQuality is the quality of the published JPEGs.
	JPEGQuality = 82
)

// Names of the variants returned by Process.
const (
	// VariantLarge fits within LargeSize × LargeSize.
	VariantLarge = "large"
	// VariantThumb is ThumbWidth pixels wide.
	VariantThumb = "thumb"
)

// Format is an accepted image type.
type Format string

// The accepted formats.
const (
	// JPEG is image/jpeg.
	JPEG Format = "jpeg"
	// PNG is image/png.
	PNG Format = "png"
	// WebP is image/webp (still images, lossy or lossless).
	WebP Format = "webp"
)

// ContentType returns the MIME type of the format, or "" if f is not one of
// the accepted formats.
func (f Format) ContentType() string {
	switch f {
	case JPEG:
		return "image/jpeg"
	case PNG:
		return "image/png"
	case WebP:
		return "image/webp"
	}
	return ""
}

// Ext returns the usual file extension of the format, with the dot (".jpg",
// ".png", ".webp"), or "" if f is not one of the accepted formats.
func (f Format) Ext() string {
	switch f {
	case JPEG:
		return ".jpg"
	case PNG:
		return ".png"
	case WebP:
		return ".webp"
	}
	return ""
}

// SniffLen is how many leading bytes Sniff needs at most; fewer are fine for
// short files.
const SniffLen = 32

// Sniff decides the format from the first bytes of a file (its magic
// numbers), never from its name or declared type. It needs at most SniffLen
// bytes and reports false for anything that is not a JPEG, PNG or WebP.
func Sniff(head []byte) (Format, bool) {
	switch {
	case bytes.HasPrefix(head, []byte("\xff\xd8\xff")):
		return JPEG, true
	case bytes.HasPrefix(head, []byte("\x89PNG\r\n\x1a\n")):
		return PNG, true
	case len(head) >= 12 && string(head[:4]) == "RIFF" && string(head[8:12]) == "WEBP":
		return WebP, true
	}
	return "", false
}

// otherImageKind names image types that are recognised but not accepted, so
// that the user is told "this type is not accepted" rather than "this is not
// an image". It returns "" for anything else.
func otherImageKind(h []byte) string {
	for _, m := range otherMagics {
		if bytes.HasPrefix(h, []byte(m.prefix)) {
			return m.kind
		}
	}
	if kind := bmpKind(h); kind != "" {
		return kind
	}
	return isoMediaKind(h)
}

// otherMagics are the leading bytes of the image types that are
// recognised but not accepted, and the types' names.
var otherMagics = []struct{ prefix, kind string }{
	{"GIF87a", "GIF"},
	{"GIF89a", "GIF"},
	{"II*\x00", "TIFF"},
	{"MM\x00*", "TIFF"},
	{"\xff\x0a", "JPEG XL"},
	{"\x00\x00\x00\x0cJXL \r\n\x87\n", "JPEG XL"},
	{"\x00\x00\x00\x0cjP  \r\n\x87\n", "JPEG 2000"},
	{"8BPS", "PSD"},
}

// bmpKind returns "BMP" for a BMP file's header, "" otherwise. "BM" alone
// would also match text files, so it checks the reserved zeros and the
// size of the DIB header too.
func bmpKind(h []byte) string {
	if len(h) < 18 || !bytes.HasPrefix(h, []byte("BM")) || string(h[6:10]) != "\x00\x00\x00\x00" {
		return ""
	}
	switch uint32(h[14]) | uint32(h[15])<<8 | uint32(h[16])<<16 | uint32(h[17])<<24 {
	case 12, 40, 52, 56, 64, 108, 124:
		return "BMP"
	}
	return ""
}

// isoMediaBrands names the image types of ISO base media files' brands.
var isoMediaBrands = map[string]string{
	"avif": "AVIF", "avis": "AVIF",
	"heic": "HEIC", "heix": "HEIC", "hevc": "HEIC", "hevx": "HEIC", "heim": "HEIC",
	"heis": "HEIC", "hevm": "HEIC", "hevs": "HEIC", "mif1": "HEIC", "msf1": "HEIC",
}

// isoMediaKind returns "AVIF" or "HEIC" for an ISO base media file with
// one of their brands (the major brand, then the compatible brands); an
// AVIF brand anywhere wins. It returns "" otherwise.
func isoMediaKind(h []byte) string {
	if len(h) < 12 || string(h[4:8]) != "ftyp" {
		return ""
	}
	brands := h[8:]
	if n := int(h[0])<<24 | int(h[1])<<16 | int(h[2])<<8 | int(h[3]); n >= 16 && n < len(h) {
		brands = h[8:n]
	}
	kind := ""
	for i := 0; i+4 <= len(brands); i += 4 {
		switch isoMediaBrands[string(brands[i:i+4])] {
		case "AVIF":
			return "AVIF"
		case "HEIC":
			kind = "HEIC"
		}
	}
	return kind
}

// classify turns the first bytes of a file into an accepted format or a
// permanent error.
func classify(head []byte) (Format, error) {
	f, ok := Sniff(head)
	if !ok {
		if kind := otherImageKind(head); kind != "" {
			return "", errUnsupportedKind(kind)
		}
		return "", errNotImage()
	}
	// An animated WebP has a VP8X chunk first, with the animation flag.
	if f == WebP && len(head) >= 21 && string(head[12:16]) == "VP8X" && head[20]&0x02 != 0 {
		return "", errUnsupportedKind("WebP animado")
	}
	return f, nil
}

// Info describes an image from its headers.
type Info struct {
	Format Format
	// Width and Height are the stored dimensions, before any EXIF
	// orientation is applied (a portrait phone photo is usually stored
	// landscape with orientation 6).
	Width, Height int
}

// limits are MaxBytes and MaxPixels, as values so that tests and fuzzing can
// use smaller ones.
type limits struct {
	maxBytes, maxPixels int64
}

var defaultLimits = limits{maxBytes: MaxBytes, maxPixels: MaxPixels}

// Inspect reads only the headers of an image, as much of r as it needs, and
// returns its format and stored size. It rejects with an *Error what is not
// a JPEG, PNG or WebP (not_image, unsupported), headers that cannot be
// parsed (corrupt) and images of more than MaxPixels (too_many_pixels),
// without decoding any pixel: it is cheap enough to run on every upload.
//
// Inspect cannot see damage after the headers (a file cut in half usually
// passes); Process finds it. It does not check the total size either, except
// that it reads at most MaxBytes looking for the headers (too_large past
// that): callers check the upload's size against MaxBytes themselves.
//
// r is consumed: a caller that keeps the upload should seek back to the
// start (or tee what Inspect reads). An error reading r is returned
// wrapped, not as an *Error. Inspect is safe for concurrent use.
func Inspect(r io.Reader) (Info, error) {
	return inspect(r, defaultLimits)
}

func inspect(r io.Reader, lim limits) (Info, error) {
	src := &sourceReader{r: r, left: lim.maxBytes + 1}
	head, err := readHead(src)
	if err != nil {
		return Info{}, err
	}
	f, err := classify(head)
	if err != nil {
		return Info{}, err
	}
	cfg, err := decodeConfig(f, io.MultiReader(bytes.NewReader(head), src))
	if src.err != nil {
		return Info{}, readError(src.err)
	}
	if err != nil {
		if src.left <= 0 {
			return Info{}, errTooLarge()
		}
		return Info{}, decodeError(err)
	}
	return checkConfig(f, cfg, lim)
}

// checkConfig validates decoded headers against the limits.
func checkConfig(f Format, cfg image.Config, lim limits) (Info, error) {
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return Info{}, errCorrupt(fmt.Errorf("invalid dimensions %dx%d", cfg.Width, cfg.Height))
	}
	if int64(cfg.Width)*int64(cfg.Height) > lim.maxPixels {
		return Info{}, errTooManyPixels(cfg.Width, cfg.Height)
	}
	return Info{Format: f, Width: cfg.Width, Height: cfg.Height}, nil
}

// sourceReader reads from the caller's reader, stops (with io.EOF) after
// left bytes, and remembers the first real read error, so that a failure
// can be told apart from bad data even when a decoder reports it.
type sourceReader struct {
	r    io.Reader
	left int64
	err  error
}

func (s *sourceReader) Read(p []byte) (int, error) {
	if s.err != nil {
		return 0, s.err
	}
	if s.left <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > s.left {
		p = p[:s.left]
	}
	n, err := s.r.Read(p)
	s.left -= int64(n)
	if err != nil && err != io.EOF {
		s.err = err
	}
	return n, err
}

// readHead reads the first SniffLen bytes (fewer if the input is shorter).
func readHead(src *sourceReader) ([]byte, error) {
	head := make([]byte, SniffLen)
	n, _ := io.ReadFull(src, head)
	if src.err != nil {
		return nil, readError(src.err)
	}
	return head[:n], nil
}

func readError(err error) error {
	return fmt.Errorf("photo: reading the photo: %w", err)
}

func decodeConfig(f Format, r io.Reader) (image.Config, error) {
	switch f {
	case JPEG:
		return jpeg.DecodeConfig(r)
	case PNG:
		return png.DecodeConfig(r)
	case WebP:
		return webp.DecodeConfig(r)
	}
	return image.Config{}, errors.New("unknown format")
}

// decodeImage decodes data, which is all in memory: any error, including
// io.ErrUnexpectedEOF, is about the data. A panic in a decoder (they parse
// hostile input) becomes an error too.
func decodeImage(f Format, data []byte) (img image.Image, err error) {
	defer func() {
		if p := recover(); p != nil {
			img, err = nil, fmt.Errorf("%s decoder panic: %v", f, p)
		}
	}()
	r := bytes.NewReader(data)
	switch f {
	case JPEG:
		return jpeg.Decode(r)
	case PNG:
		return png.Decode(r)
	case WebP:
		return webp.Decode(r)
	}
	return nil, errors.New("unknown format")
}

// Variant is one published version of a photo.
type Variant struct {
	// Name is VariantLarge ("large") or VariantThumb ("thumb").
	Name string
	// Data is a baseline JPEG with no metadata at all.
	Data []byte
	// Width and Height are the pixel size of Data.
	Width, Height int
}

// Process turns an uploaded photo into its published variants: large first,
// then thumb.
//
// It reads at most MaxBytes from r (too_large if there is more), sniffs the
// type (not_image, unsupported), checks MaxPixels from the headers before
// decoding (too_many_pixels), decodes the JPEG, PNG or WebP (corrupt if that
// fails), applies the EXIF orientation (JPEG APP1, WebP EXIF chunk, PNG eXIf
// chunk) so that the result is upright, and flattens any transparency on
// white. It then encodes two JPEGs (quality JPEGQuality) that carry no
// metadata at all: no EXIF (so no GPS position), ICC profile, XMP nor
// comment:
//   - "large" fits within LargeSize × LargeSize,
//   - "thumb" is ThumbWidth pixels wide, height by aspect ratio (narrower
//     only when large itself is narrower),
//
// and neither is ever scaled up. Downscaling is a box pre-shrink followed by
// a Catmull-Rom filter.
//
// Problems with the photo itself are returned as *Error. An error reading r
// is returned wrapped, not as an *Error, so that the caller can retry.
// Process is safe for concurrent use; see MaxPixels for the memory it may
// need.
func Process(r io.Reader) ([]Variant, error) {
	return process(r, defaultLimits)
}

func process(r io.Reader, lim limits) ([]Variant, error) {
	data, f, err := readAll(r, lim)
	if err != nil {
		return nil, err
	}
	cfg, err := decodeConfig(f, bytes.NewReader(data))
	if err != nil {
		return nil, decodeError(err)
	}
	if _, err := checkConfig(f, cfg, lim); err != nil {
		return nil, err
	}
	o := orientationOf(f, data)
	img, err := decodeImage(f, data)
	if err != nil {
		return nil, decodeError(err)
	}
	if b := img.Bounds(); b.Dx() != cfg.Width || b.Dy() != cfg.Height {
		return nil, errCorrupt(fmt.Errorf("decoded %dx%d, header says %dx%d", b.Dx(), b.Dy(), cfg.Width, cfg.Height))
	}
	return render(img, o)
}

// readAll reads the whole input (at most lim.maxBytes), after checking from
// its first bytes that it is an accepted image.
func readAll(r io.Reader, lim limits) ([]byte, Format, error) {
	src := &sourceReader{r: r, left: lim.maxBytes + 1}
	head, err := readHead(src)
	if err != nil {
		return nil, "", err
	}
	f, err := classify(head)
	if err != nil {
		return nil, "", err
	}
	// Start with room for the whole file when its size is known, plus one
	// byte so that reading io.EOF does not grow the buffer.
	size := int64(512 << 10)
	switch s := r.(type) {
	case interface{ Len() int }:
		size = int64(len(head) + s.Len())
	case interface{ Stat() (fs.FileInfo, error) }:
		if fi, err := s.Stat(); err == nil && fi.Mode().IsRegular() {
			size = fi.Size()
		}
	}
	size = max(int64(len(head)), min(size, lim.maxBytes)) + 1
	buf := make([]byte, len(head), size)
	copy(buf, head)
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := src.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, "", readError(err)
		}
	}
	if int64(len(buf)) > lim.maxBytes {
		return nil, "", errTooLarge()
	}
	return buf, f, nil
}

// fit returns the size of a w×h image scaled down to fit within maxW×maxH,
// keeping the aspect ratio; an image that fits already is left as is.
func fit(w, h, maxW, maxH int) (int, int) {
	if w <= maxW && h <= maxH {
		return w, h
	}
	W, H := int64(w), int64(h)
	if W*int64(maxH) >= H*int64(maxW) { // width is the constraint
		return maxW, int(max(1, (H*int64(maxW)+W/2)/W))
	}
	return int(max(1, (W*int64(maxH)+H/2)/H)), maxH
}

// render makes and encodes the variants of a decoded image.
func render(img image.Image, o int) ([]Variant, error) {
	b := img.Bounds()
	// The bounding box is square, so it can be applied before orienting,
	// when the image is smaller and cheaper to turn.
	lw, lh := fit(b.Dx(), b.Dy(), LargeSize, LargeSize)
	large := orient(resize(img, lw, lh), o)
	lw, lh = large.Rect.Dx(), large.Rect.Dy()
	tw, th := fit(lw, lh, ThumbWidth, lh)
	thumb := large
	if tw != lw || th != lh {
		thumb = resize(large, tw, th)
	}
	largeJPEG, err := encodeJPEG(large)
	if err != nil {
		return nil, err
	}
	thumbJPEG := bytes.Clone(largeJPEG)
	if thumb != large {
		if thumbJPEG, err = encodeJPEG(thumb); err != nil {
			return nil, err
		}
	}
	return []Variant{
		{Name: VariantLarge, Data: largeJPEG, Width: lw, Height: lh},
		{Name: VariantThumb, Data: thumbJPEG, Width: tw, Height: th},
	}, nil
}

// encodeJPEG encodes m as a baseline JPEG. Go's encoder writes only the
// segments needed to decode (SOI, DQT, SOF0, DHT, SOS, EOI): no APPn, no
// comment.
func encodeJPEG(m *image.RGBA) ([]byte, error) {
	var buf bytes.Buffer
	buf.Grow(m.Rect.Dx()*m.Rect.Dy()/4 + 1024)
	if err := jpeg.Encode(&buf, m, &jpeg.Options{Quality: JPEGQuality}); err != nil {
		return nil, fmt.Errorf("photo: encoding JPEG: %w", err)
	}
	return buf.Bytes(), nil
}
