package handlers

import (
	"github.com/gofiber/fiber/v2"
)

// adminAdUnhide lifts the moderation of an ad: it is public again if it is
// published and its owner not blocked: POST /admin/anuncios/{id}/reexibir.
func (s *Server) adminAdUnhide(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	if err := s.db.UnhideAd(c.UserContext(), actorID(c), id); err != nil {
		return err
	}
	s.setFlash(c, "Anúncio liberado pela moderação.")
	return redirect(c, adminBack(c, adminAdPage(id)))
}
