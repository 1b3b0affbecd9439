package handlers

import "github.com/gofiber/fiber/v2"

// homeShow renders the home page.
func (s *Server) homeShow(c *fiber.Ctx) error {
	return s.render(c, fiber.StatusOK, "pages/home", fiber.Map{
		"Title":   "Motando — motos novas e usadas à venda",
		"Catalog": s.catalog.Load(),
		"Places":  s.places,
	})
}
