package handlers

import (
	"errors"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"motando/models"
)

const sessionCookie = "motando_sessao"

// loadSession puts the signed-in user, if any, in the request's locals. A
// store that does not answer leaves the visitor anonymous for this request.
func (s *Server) loadSession(c *fiber.Ctx) error {
	token := c.Cookies(s.cookieName(sessionCookie))
	if token == "" {
		return c.Next()
	}
	ctx := c.UserContext()
	uid, ok, err := s.sessions.Lookup(ctx, token)
	switch {
	case err != nil:
		slog.Warn("session store unavailable", "err", err)
	case !ok:
		s.clearSessionCookie(c)
		c.Locals(localStaleSession, strings.Clone(token))
	default:
		u, err := s.db.UserByID(ctx, uid)
		if errors.Is(err, models.ErrNotFound) || (err == nil && u.BlockedAt != nil) {
			s.sessions.Delete(ctx, token)
			s.clearSessionCookie(c)
			break
		}
		if err != nil {
			return err
		}
		c.Locals(localUser, u)
		c.Locals(localSession, token)
	}
	return c.Next()
}

const (
	localUser    = "user"
	localSession = "session"
	localCSRF    = "csrf"
	// localStaleSession is the session cookie of a browser whose session
	// has ended.
	localStaleSession = "stale_session"
)

// currentUser is the signed-in user, or nil.
func currentUser(c *fiber.Ctx) *models.User {
	u, _ := c.Locals(localUser).(*models.User)
	return u
}

// signIn starts a new session for the user (a new id every time) and ends
// the browser's previous one.
func (s *Server) signIn(c *fiber.Ctx, u *models.User) error {
	ctx := c.UserContext()
	if old := c.Cookies(s.cookieName(sessionCookie)); old != "" {
		s.sessions.Delete(ctx, old)
	}
	token, err := s.sessions.Create(ctx, u.ID, c.Get(fiber.HeaderUserAgent))
	if err != nil {
		return err
	}
	c.Cookie(&fiber.Cookie{
		Name: s.cookieName(sessionCookie), Value: token, Path: "/", HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode,
		Secure: s.production, Expires: time.Now().Add(30 * 24 * time.Hour),
	})
	c.Locals(localUser, u)
	c.Locals(localSession, token)
	return nil
}

func (s *Server) clearSessionCookie(c *fiber.Ctx) {
	c.Cookie(&fiber.Cookie{Name: s.cookieName(sessionCookie), Value: "", Path: "/", HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode,
		Secure: s.production, Expires: time.Unix(0, 0), MaxAge: -1})
}

// requireUser sends anonymous visitors to the sign-in page, coming back
// here afterwards. A form sent without a session (it ended while the form
// was filled) is kept as a draft, and the sign-in leads back to the same
// form refilled.
func (s *Server) requireUser(c *fiber.Ctx) error {
	if currentUser(c) != nil {
		return c.Next()
	}
	next := c.OriginalURL()
	if c.Method() != fiber.MethodGet {
		next = ""
		if draftRoutes.MatchString(c.Path()) {
			next = c.Path()
			key, err := s.keepDraft(c)
			if err != nil {
				return err
			}
			if key != "" {
				next += "?" + draftParam + "=" + key
			}
		}
	}
	target := "/entrar"
	if next != "" {
		target += "?next=" + url.QueryEscape(next)
	}
	return redirect(c, target)
}

// requireAdmin answers 404 to anyone but an admin: the admin area does not
// exist for them.
func (s *Server) requireAdmin(c *fiber.Ctx) error {
	if u := currentUser(c); u != nil && u.IsAdmin {
		return c.Next()
	}
	return fiber.ErrNotFound
}

// redirect answers with a 303 to target, or HX-Redirect for htmx.
func redirect(c *fiber.Ctx, target string) error {
	if c.Get("HX-Request") == "true" {
		c.Set("HX-Redirect", target)
		return c.SendStatus(fiber.StatusNoContent)
	}
	return c.Redirect(target, fiber.StatusSeeOther)
}

// localTarget keeps next only if it is a path on this site.
func localTarget(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n\t") {
		return ""
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return ""
	}
	return next
}
