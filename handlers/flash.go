package handlers

import (
	"net/url"
	"time"

	"github.com/gofiber/fiber/v2"
)

const flashCookie = "motando_aviso"

// setFlash keeps a one-line notice for the next page shown.
func (s *Server) setFlash(c *fiber.Ctx, msg string) {
	c.Cookie(&fiber.Cookie{Name: s.cookieName(flashCookie), Value: url.QueryEscape(msg), Path: "/", HTTPOnly: true,
		SameSite: fiber.CookieSameSiteLaxMode, Secure: s.production, Expires: time.Now().Add(5 * time.Minute)})
}

// takeFlash returns the pending notice and clears it.
func (s *Server) takeFlash(c *fiber.Ctx) string {
	raw := c.Cookies(s.cookieName(flashCookie))
	if raw == "" {
		return ""
	}
	c.Cookie(&fiber.Cookie{Name: s.cookieName(flashCookie), Value: "", Path: "/", HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode,
		Secure: s.production, Expires: time.Unix(0, 0), MaxAge: -1})
	msg, err := url.QueryUnescape(raw)
	if err != nil || len(msg) > 300 {
		return ""
	}
	return msg
}
