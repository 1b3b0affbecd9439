package handlers

import (
	"github.com/gofiber/fiber/v2"
)

// adminAdHide takes an ad off the public pages by moderation, with the
// reason its owner sees: POST /admin/anuncios/{id}/ocultar.
func (s *Server) adminAdHide(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	f := newForm()
	reason := f.text(c, "motivo", 500)
	f.required("motivo", "Informe o motivo: o dono do anúncio vai vê-lo.")
	if !f.valid() {
		return s.renderAdminAd(c, fiber.StatusUnprocessableEntity, id, f)
	}
	if err := s.db.HideAd(c.UserContext(), actorID(c), id, reason); err != nil {
		return err
	}
	s.setFlash(c, "Anúncio ocultado. O dono vê o motivo em “Meus anúncios”.")
	return redirect(c, adminBack(c, adminAdPage(id)))
}
