package handlers

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"motando/storage"
)

// mediaPolicy is the Content-Security-Policy of a photo: opened by itself,
// the browser shows it in a page of its own making, which needs the photo
// and that page's inline styles, and nothing else.
const mediaPolicy = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'none'; sandbox"

// mediaShow serves a public-bucket object when photos live in local
// folders: GET /media/{key}. Keys never change content, so they are cached
// for a year. There are no listings.
func (s *Server) mediaShow(c *fiber.Ctx) error {
	key := c.Params("*")
	rc, obj, err := s.media.Get(c.UserContext(), storage.Public, key)
	if errors.Is(err, storage.ErrNotExist) || errors.Is(err, storage.ErrInvalidKey) {
		return fiber.ErrNotFound
	}
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, obj.ContentType)
	c.Set(fiber.HeaderContentSecurityPolicy, mediaPolicy)
	c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	return c.SendStream(rc, int(obj.Size))
}
