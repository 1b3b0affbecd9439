package handlers

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"motando/stats"
)

// countAd counts an event of the visitor on the ad, unless the request is
// not to be counted (see counted) or comes from the ad's own seller. Each
// visitor counts once a day per ad and kind of event.
func (s *Server) countAd(c *fiber.Ctx, adID, sellerID uint64, e stats.Event) {
	if !s.counted(c) {
		return
	}
	if u := currentUser(c); u != nil && u.ID == sellerID {
		return
	}
	s.stats.Ad(adID, e, visitorOf(c))
}

// counted tells whether a request is a buyer's visit to count: counting
// is on, the request is a GET (not a HEAD), not a browser's prefetch of a
// page that may never be seen, not from a crawler nor from an admin at
// work.
func (s *Server) counted(c *fiber.Ctx) bool {
	if s.stats == nil || c.Method() != fiber.MethodGet {
		return false
	}
	if u := currentUser(c); u != nil && u.IsAdmin {
		return false
	}
	if c.Get("Sec-Purpose") != "" || c.Get("Purpose") == "prefetch" || c.Get("X-Moz") == "prefetch" {
		return false
	}
	return !stats.IsCrawler(c.Get(fiber.HeaderUserAgent))
}

// visitorOf names who makes a request, for counting: their account when
// signed in, else their address and browser.
func visitorOf(c *fiber.Ctx) string {
	if u := currentUser(c); u != nil {
		return "u:" + strconv.FormatUint(u.ID, 10)
	}
	return c.IP() + "|" + c.Get(fiber.HeaderUserAgent)
}
