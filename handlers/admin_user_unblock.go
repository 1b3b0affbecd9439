package handlers

import (
	"github.com/gofiber/fiber/v2"
)

// adminUserUnblock lifts an account's block: it can sign in again and its
// ads come back: POST /admin/usuarios/{id}/desbloquear.
func (s *Server) adminUserUnblock(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	if err := s.db.UnblockUser(c.UserContext(), actorID(c), id); err != nil {
		return err
	}
	s.setFlash(c, "Conta desbloqueada: os anúncios publicados voltaram ao site.")
	return redirect(c, adminUserPage(id))
}
