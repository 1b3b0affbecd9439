package handlers

import (
	"github.com/gofiber/fiber/v2"

	"motando/models"
)

// adminModelShow shows a model with its versions, and the forms to rename
// them and add versions: GET /admin/catalogo/modelos/{id}.
func (s *Server) adminModelShow(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	model, err := s.catalogItem(c, catalogLevels["modelos"], id)
	if err != nil {
		return err
	}
	cat := s.catalog.Load()
	ads, err := s.db.CatalogAdCounts(c.UserContext(), models.LevelVersion, model.ID)
	if err != nil {
		return err
	}
	vs := cat.Versions(model.ID)
	entries := make([]catalogEntry, len(vs))
	for i, v := range vs {
		entries[i] = catalogEntry{ID: v.ID, Name: v.Name, Ads: ads[v.ID]}
	}
	brand, _ := cat.Brand(model.Parent)
	return s.renderAdmin(c, fiber.StatusOK, "pages/admin_model", "catalogo", fiber.Map{
		"Title": model.Line + " — Catálogo", "Item": model, "Brand": brand, "Entries": entries,
		"Form": newForm(),
	})
}
