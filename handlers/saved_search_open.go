package handlers

import (
	"strconv"

	"github.com/gofiber/fiber/v2"
)

// savedSearchOpen opens a saved search: its new-ad count starts again and
// the person lands on its results: GET /buscas-salvas/{id}.
func (s *Server) savedSearchOpen(c *fiber.Ctx) error {
	id, err := strconv.ParseUint(c.Params("id"), 10, 64)
	if err != nil {
		return fiber.ErrNotFound
	}
	saved, err := s.db.OpenSavedSearch(c.UserContext(), currentUser(c).ID, id)
	if err != nil {
		return err
	}
	target := "/motos"
	if saved.Query != "" {
		target += "?" + saved.Query
	}
	return redirect(c, target)
}
