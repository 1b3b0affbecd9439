package handlers

import (
	"log/slog"

	"github.com/gofiber/fiber/v2"
)

// adminUserBlock blocks an account: it cannot sign in, its sessions end and
// its ads leave the public pages: POST /admin/usuarios/{id}/bloquear.
func (s *Server) adminUserBlock(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	f := newForm()
	reason := f.text(c, "motivo", 500)
	f.required("motivo", "Informe o motivo do bloqueio.")
	if id == actorID(c) {
		f.fail("motivo", "Você não pode bloquear a sua própria conta.")
	}
	if !f.valid() {
		return s.renderAdminUser(c, fiber.StatusUnprocessableEntity, id, f)
	}
	ctx := c.UserContext()
	if err := s.db.BlockUser(ctx, actorID(c), id, reason); err != nil {
		return err
	}
	// Sessions may live in Redis, out of the transaction; a session left
	// behind is refused anyway, since the account is blocked.
	if err := s.sessions.DeleteOthers(ctx, id, ""); err != nil {
		slog.Warn("admin: sessions of a blocked account not deleted", "user", id, "err", err)
	}
	s.setFlash(c, "Conta bloqueada: as sessões foram encerradas e os anúncios saíram do site.")
	return redirect(c, adminUserPage(id))
}
