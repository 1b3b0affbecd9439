package handlers

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"path"
	"strings"
	"sync"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"motando/static"
)

// assets maps each static file to a fingerprinted name ("css/app.css" →
// "css/app.1a2b3c4d5e.css") so that it can be cached for a year: a changed
// file gets a new name.
type assets struct {
	byName        map[string]string // logical name → fingerprinted name
	byFingerprint map[string]asset  // fingerprinted name → file
}

type asset struct {
	body        []byte
	br, gz      []byte // the body compressed, when that makes it smaller
	contentType string
}

// loadAssets reads the static files once per process: they are embedded,
// so every application serves the same ones.
var loadAssets = sync.OnceValues(readAssets)

func readAssets() (*assets, error) {
	a := &assets{byName: map[string]string{}, byFingerprint: map[string]asset{}}
	err := fs.WalkDir(static.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(p, ".go") {
			return err
		}
		body, err := static.FS.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		ext := path.Ext(p)
		fp := strings.TrimSuffix(p, ext) + "." + hex.EncodeToString(sum[:5]) + ext
		ct := mime.TypeByExtension(ext)
		if ct == "" {
			ct = "application/octet-stream"
		}
		a.byName[p] = fp
		f := asset{body: body, contentType: ct}
		if compressible(ct) {
			f.br = smaller(fasthttp.AppendBrotliBytesLevel(nil, body, fasthttp.CompressBrotliBestCompression), body)
			f.gz = smaller(fasthttp.AppendGzipBytesLevel(nil, body, fasthttp.CompressBestCompression), body)
		}
		a.byFingerprint[fp] = f
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("static files: %w", err)
	}
	return a, nil
}

// compressible tells whether files of a content type shrink when
// compressed: text, scripts, JSON, XML and SVG (not photos or fonts, which
// are compressed already).
func compressible(contentType string) bool {
	return strings.HasPrefix(contentType, "text/") ||
		strings.Contains(contentType, "javascript") || strings.Contains(contentType, "json") ||
		strings.Contains(contentType, "xml")
}

// smaller returns packed when it is smaller than plain, else nil.
func smaller(packed, plain []byte) []byte {
	if len(packed) >= len(plain) {
		return nil
	}
	return packed
}

// url returns the fingerprinted URL of a static file; a missing file is a
// programming error caught when the template renders.
func (a *assets) url(name string) (string, error) {
	fp, ok := a.byName[name]
	if !ok {
		return "", fmt.Errorf("static file %q does not exist", name)
	}
	return "/static/" + fp, nil
}

// assetShow serves a fingerprinted static file with a one-year cache,
// compressed when the browser accepts it.
func (s *Server) assetShow(c *fiber.Ctx) error {
	f, ok := s.assets.byFingerprint[c.Params("*")]
	if !ok {
		return fiber.ErrNotFound
	}
	c.Set(fiber.HeaderContentType, f.contentType)
	c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	if f.br == nil && f.gz == nil {
		return c.Send(f.body)
	}
	c.Vary(fiber.HeaderAcceptEncoding)
	accept := &c.Request().Header
	switch {
	case f.br != nil && accept.HasAcceptEncoding("br"):
		c.Set(fiber.HeaderContentEncoding, "br")
		return c.Send(f.br)
	case f.gz != nil && accept.HasAcceptEncoding("gzip"):
		c.Set(fiber.HeaderContentEncoding, "gzip")
		return c.Send(f.gz)
	}
	return c.Send(f.body)
}
