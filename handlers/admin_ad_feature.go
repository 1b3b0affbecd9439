package handlers

import (
	"github.com/gofiber/fiber/v2"
)

// adminAdFeature marks an ad a top offer ("destaque" = "sim") or not:
// POST /admin/anuncios/{id}/destaque.
func (s *Server) adminAdFeature(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	on := newForm().checked(c, "destaque")
	if err := s.db.SetTopOffer(c.UserContext(), actorID(c), id, on); err != nil {
		return err
	}
	msg := "Anúncio marcado como oferta em destaque."
	if !on {
		msg = "Anúncio tirado das ofertas em destaque."
	}
	s.setFlash(c, msg)
	return redirect(c, adminBack(c, adminAdPage(id)))
}
