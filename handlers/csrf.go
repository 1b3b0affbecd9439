package handlers

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
)

const csrfCookie = "motando_csrf"

// csrf protects every state-changing request, three ways:
//   - a request another site makes the browser send is refused by its
//     Origin or Sec-Fetch-Site header;
//   - the token: an HMAC under the site's secret of the browser's session
//     (or, before signing in, of a random seed kept in an HttpOnly cookie),
//     sent back in the body's csrf_token field or, from htmx, the
//     X-CSRF-Token header — never from the address, which leaks to logs
//     and referrers;
//   - SameSite=Lax cookies.
//
// A request that fails is answered 403, but for a form kept as a draft
// whose session has just ended (see staleSessionToken).
func (s *Server) csrf(c *fiber.Ctx) error {
	seed := c.Cookies(s.cookieName(csrfCookie))
	if raw, err := base64.RawURLEncoding.DecodeString(seed); err != nil || len(raw) != 32 {
		b := make([]byte, 32)
		rand.Read(b)
		seed = base64.RawURLEncoding.EncodeToString(b)
		c.Cookie(&fiber.Cookie{Name: s.cookieName(csrfCookie), Value: seed, Path: "/", HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode,
			Secure: s.production, Expires: time.Now().Add(365 * 24 * time.Hour)})
	}
	binding := "seed:" + seed
	if session, ok := c.Locals(localSession).(string); ok {
		binding = "session:" + session
	}
	token := s.csrfToken(binding)
	c.Locals(localCSRF, token)
	switch c.Method() {
	case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions:
		return c.Next()
	}
	if !s.sameOrigin(c) {
		return fiber.NewError(fiber.StatusForbidden, "cross-site request")
	}
	given := c.Get("X-CSRF-Token")
	if given == "" {
		given = bodyValue(c, "csrf_token")
	}
	if !hmac.Equal([]byte(given), []byte(token)) && !s.staleSessionToken(c, given) {
		return fiber.NewError(fiber.StatusForbidden, "missing or wrong CSRF token")
	}
	return c.Next()
}

// sameOrigin reports whether the browser says the request comes from this
// site: Sec-Fetch-Site same-origin (or none: typed, a bookmark), and an
// Origin, when given, of this site. Clients that send neither (old
// browsers, tests) rely on the token alone.
func (s *Server) sameOrigin(c *fiber.Ctx) bool {
	switch c.Get("Sec-Fetch-Site") {
	case "", "same-origin", "none":
	default:
		return false
	}
	origin := c.Get(fiber.HeaderOrigin)
	if origin == "" {
		return true
	}
	return origin == s.baseURL || origin == c.Protocol()+"://"+c.Hostname()
}

// bodyValue reads a field of the request's body (url-encoded or
// multipart), never of its address.
func bodyValue(c *fiber.Ctx, name string) string {
	if strings.HasPrefix(c.Get(fiber.HeaderContentType), fiber.MIMEMultipartForm) {
		if form, err := c.MultipartForm(); err == nil && len(form.Value[name]) > 0 {
			return form.Value[name][0]
		}
		return ""
	}
	return string(c.Request().PostArgs().Peek(name))
}

func (s *Server) csrfToken(binding string) string {
	m := hmac.New(sha256.New, s.secret)
	m.Write([]byte("csrf:" + binding))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// cookieName is a cookie's name: with the __Host- prefix in production,
// which binds it to this host, over HTTPS, for the whole site.
func (s *Server) cookieName(name string) string {
	if s.production {
		return "__Host-" + name
	}
	return name
}
