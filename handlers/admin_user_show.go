package handlers

import (
	"github.com/gofiber/fiber/v2"

	"motando/models"
)

// adminUserShow shows an account with its ads and the form to block or
// unblock it: GET /admin/usuarios/{id}.
func (s *Server) adminUserShow(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	return s.renderAdminUser(c, fiber.StatusOK, id, newForm())
}

// renderAdminUser renders an account's admin page with the blocking form f.
func (s *Server) renderAdminUser(c *fiber.Ctx, status int, id uint64, f *form) error {
	ctx := c.UserContext()
	u, err := s.db.UserByID(ctx, id)
	if err != nil {
		return err
	}
	ads, err := s.db.AdsOf(ctx, id)
	if err != nil {
		return err
	}
	cards := make([]adCard, len(ads))
	for i := range ads {
		cards[i] = s.cardOf(&ads[i])
	}
	return s.renderAdmin(c, status, "pages/admin_user", "usuarios", fiber.Map{
		"Title": u.Fullname + " — Administração", "Account": u, "Cards": cards, "Form": f,
		"Self": u.ID == actorID(c), "History": "/admin/auditoria?alvo=" + models.Target(models.TargetUser, id),
	})
}
