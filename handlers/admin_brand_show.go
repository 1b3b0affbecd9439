package handlers

import (
	"github.com/gofiber/fiber/v2"

	"motando/models"
)

// adminBrandShow shows a brand with its models, and the forms to rename
// it, mark it popular and add models: GET /admin/catalogo/marcas/{id}.
func (s *Server) adminBrandShow(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	brand, err := s.catalogItem(c, catalogLevels["marcas"], id)
	if err != nil {
		return err
	}
	cat := s.catalog.Load()
	ads, err := s.db.CatalogAdCounts(c.UserContext(), models.LevelModel, brand.ID)
	if err != nil {
		return err
	}
	ms := cat.Models(brand.ID)
	entries := make([]catalogEntry, len(ms))
	for i, m := range ms {
		entries[i] = catalogEntry{ID: m.ID, Name: m.Name, Children: len(cat.Versions(m.ID)), Ads: ads[m.ID],
			Page: "/admin/catalogo/modelos/" + id32(m.ID)}
	}
	b, _ := cat.Brand(brand.ID)
	return s.renderAdmin(c, fiber.StatusOK, "pages/admin_brand", "catalogo", fiber.Map{
		"Title": brand.Name + " — Catálogo", "Item": brand, "Popular": b.Popular, "Entries": entries,
		"Form": newForm(),
	})
}
