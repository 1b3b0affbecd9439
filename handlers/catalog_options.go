package handlers

import (
	"strconv"

	"github.com/gofiber/fiber/v2"
)

// option is one <option> of a cascading select.
type option struct {
	Value string
	Label string
}

// renderOptions answers the <option> list of a cascading select. The list is
// served from memory; browsers keep it a few seconds only, so that a change
// of the catalog in the admin area shows at once.
func (s *Server) renderOptions(c *fiber.Ctx, placeholder string, opts []option) error {
	c.Set(fiber.HeaderCacheControl, "public, max-age=5")
	return s.render(c, fiber.StatusOK, "partials/options", fiber.Map{"Placeholder": placeholder, "Options": opts})
}

// catalogModels lists a brand's models: GET /catalogo/modelos?marca=ID (the
// profile's "marca_desejada" select sends its own name).
func (s *Server) catalogModels(c *fiber.Ctx) error {
	cat := s.catalog.Load()
	var opts []option
	brand := c.Query("marca", c.Query("marca_desejada"))
	if id, err := strconv.ParseUint(brand, 10, 32); err == nil {
		for _, m := range cat.Models(uint32(id)) {
			opts = append(opts, option{strconv.FormatUint(uint64(m.ID), 10), m.Name})
		}
	}
	return s.renderOptions(c, "Modelo", opts)
}

// catalogVersions lists a model's versions: GET /catalogo/versoes?modelo=ID.
func (s *Server) catalogVersions(c *fiber.Ctx) error {
	cat := s.catalog.Load()
	var opts []option
	if id, err := strconv.ParseUint(c.Query("modelo"), 10, 32); err == nil {
		for _, v := range cat.Versions(uint32(id)) {
			opts = append(opts, option{strconv.FormatUint(uint64(v.ID), 10), v.Name})
		}
	}
	return s.renderOptions(c, "Versão", opts)
}
