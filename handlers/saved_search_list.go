package handlers

import (
	"net/url"

	"github.com/gofiber/fiber/v2"

	"motando/models"
)

// savedSearchList shows the person's saved searches with their new ads:
// GET /buscas-salvas. Arriving from the sign-in page with a kept request
// (rascunho), it first saves that search.
func (s *Server) savedSearchList(c *fiber.Ctx) error {
	d, err := s.loadDraft(c, "/buscas-salvas")
	if err != nil {
		return err
	}
	var flash string
	if d != nil {
		saved, err := s.saveSearch(c, url.Values(d.Values))
		if err != nil {
			return err
		}
		flash = savedMessage(saved)
	}
	list, err := s.db.SavedSearchesOf(c.UserContext(), currentUser(c).ID)
	if err != nil {
		return err
	}
	data := fiber.Map{"Title": "Buscas salvas — Motando", "Searches": list, "Alerts": models.AlertModes}
	if flash != "" {
		data["Flash"] = flash
	}
	return s.render(c, fiber.StatusOK, "pages/saved_searches", data)
}
