package handlers

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"time"

	"github.com/gofiber/fiber/v2"
)

const csrfCookie = "motando_csrf"

// csrf protects every state-changing request. Each browser gets a random
// seed in an HttpOnly cookie; its token is an HMAC of the seed under the
// site's secret, sent back in the form field csrf_token or, from htmx, the
// X-CSRF-Token header. A forged request lacks the token and gets 403.
func (s *Server) csrf(c *fiber.Ctx) error {
	seed := c.Cookies(csrfCookie)
	if raw, err := base64.RawURLEncoding.DecodeString(seed); err != nil || len(raw) != 32 {
		b := make([]byte, 32)
		rand.Read(b)
		seed = base64.RawURLEncoding.EncodeToString(b)
		c.Cookie(&fiber.Cookie{Name: csrfCookie, Value: seed, Path: "/", HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode,
			Secure: s.production, Expires: time.Now().Add(365 * 24 * time.Hour)})
	}
	token := s.csrfToken(seed)
	c.Locals(localCSRF, token)
	switch c.Method() {
	case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions:
		return c.Next()
	}
	given := c.Get("X-CSRF-Token")
	if given == "" {
		given = c.FormValue("csrf_token")
	}
	if !hmac.Equal([]byte(given), []byte(token)) {
		return fiber.NewError(fiber.StatusForbidden, "missing or wrong CSRF token")
	}
	return c.Next()
}

func (s *Server) csrfToken(seed string) string {
	m := hmac.New(sha256.New, s.secret)
	m.Write([]byte("csrf:" + seed))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}
