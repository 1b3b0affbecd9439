package handlers

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"motando/stats"
)

// countAd counts an event of the visitor on the ad, unless counting is off,
// the visitor is a crawler or the ad's own seller. A visitor is their
// account when signed in, else their address and browser; each counts
// once a day per ad and kind of event.
func (s *Server) countAd(c *fiber.Ctx, adID, sellerID uint64, e stats.Event) {
	if s.stats == nil {
		return
	}
	ua := c.Get(fiber.HeaderUserAgent)
	if stats.IsCrawler(ua) {
		return
	}
	visitor := c.IP() + "|" + ua
	if u := currentUser(c); u != nil {
		if u.ID == sellerID {
			return
		}
		visitor = "u:" + strconv.FormatUint(u.ID, 10)
	}
	s.stats.Ad(adID, e, visitor)
}
