package handlers

import "github.com/gofiber/fiber/v2"

// adminDashboard is the admin area's home: GET /admin.
func (s *Server) adminDashboard(c *fiber.Ctx) error {
	return s.render(c, fiber.StatusOK, "pages/admin_dashboard", fiber.Map{"Title": "Administração — Motando"})
}
