package handlers

import (
	"strconv"

	"github.com/gofiber/fiber/v2"
)

// savedSearchDelete deletes one of the person's saved searches: POST
// /buscas-salvas/{id}/excluir.
func (s *Server) savedSearchDelete(c *fiber.Ctx) error {
	id, err := strconv.ParseUint(c.Params("id"), 10, 64)
	if err != nil {
		return fiber.ErrNotFound
	}
	if err := s.db.DeleteSavedSearch(c.UserContext(), currentUser(c).ID, id); err != nil {
		return err
	}
	s.setFlash(c, "Busca excluída.")
	return redirect(c, "/buscas-salvas")
}
