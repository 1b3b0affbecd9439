package handlers

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"path"
	"strings"

	"github.com/gofiber/fiber/v2"

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
	contentType string
}

func loadAssets() (*assets, error) {
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
		a.byFingerprint[fp] = asset{body: body, contentType: ct}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("static files: %w", err)
	}
	return a, nil
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

// assetShow serves a fingerprinted static file with a one-year cache.
func (s *Server) assetShow(c *fiber.Ctx) error {
	f, ok := s.assets.byFingerprint[c.Params("*")]
	if !ok {
		return fiber.ErrNotFound
	}
	c.Set(fiber.HeaderContentType, f.contentType)
	c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	return c.Send(f.body)
}
