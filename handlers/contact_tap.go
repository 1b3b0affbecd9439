package handlers

import (
	"github.com/gofiber/fiber/v2"

	"motando/stats"
)

// contactTap counts a tap on the ad's WhatsApp or phone button and sends
// the browser on: GET /anuncio/{id}/whatsapp to the seller's WhatsApp with
// a first message, GET /anuncio/{id}/ligar to the seller's phone (tel:).
// An ad whose seller does not show a phone is a 404.
func (s *Server) contactTap(e stats.Event) fiber.Handler {
	return func(c *fiber.Ctx) error {
		page, err := s.publicAd(c)
		if err != nil {
			return err
		}
		card := s.cardOf(page.Ad)
		seller := s.sellerOf(page, card, s.baseURL+card.URL)
		var target string
		switch {
		case e == stats.WhatsApp:
			target = seller.WhatsApp
		case seller.PhoneDigits != "":
			target = "tel:+55" + seller.PhoneDigits
		}
		if target == "" {
			return fiber.ErrNotFound
		}
		s.countAd(c, page.Ad.ID, page.Ad.UserID, e)
		c.Set(fiber.HeaderCacheControl, "private, no-store")
		c.Set("X-Robots-Tag", "noindex")
		return c.Redirect(target, fiber.StatusFound)
	}
}
