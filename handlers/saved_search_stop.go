package handlers

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"motando/models"
)

// savedSearchStop stops a saved search's e-mails from the link every alert
// carries, without a sign-in: GET /buscas-salvas/{id}/parar?t=TOKEN, the
// token signed for that search. A wrong token is 404, as an unknown search.
func (s *Server) savedSearchStop(c *fiber.Ctx) error {
	id, err := strconv.ParseUint(c.Params("id"), 10, 64)
	if err != nil || !models.ValidAlertStopToken(s.secret, id, c.Query("t")) {
		return fiber.ErrNotFound
	}
	saved, err := s.db.StopAlert(c.UserContext(), id)
	if err != nil {
		return err
	}
	c.Set("Referrer-Policy", "no-referrer")
	return s.render(c, fiber.StatusOK, "pages/alert_stopped", fiber.Map{"Title": "Alertas parados — Motando", "Saved": saved})
}
