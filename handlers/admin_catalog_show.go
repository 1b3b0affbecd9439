package handlers

import (
	"github.com/gofiber/fiber/v2"

	"motando/models"
)

// catalogEntry is a line of an admin catalog list.
type catalogEntry struct {
	ID       uint32
	Name     string
	Popular  bool
	Children int   // a brand's models, a model's versions
	Ads      int64 // ads that name it, in any status
	Page     string
}

// adminCatalogShow lists the brands with their numbers of models and ads,
// and adds brands: GET /admin/catalogo.
func (s *Server) adminCatalogShow(c *fiber.Ctx) error {
	cat := s.catalog.Load()
	ads, err := s.db.CatalogAdCounts(c.UserContext(), models.LevelBrand, 0)
	if err != nil {
		return err
	}
	entries := make([]catalogEntry, len(cat.Brands))
	for i, b := range cat.Brands {
		entries[i] = catalogEntry{ID: b.ID, Name: b.Name, Popular: b.Popular, Children: len(cat.Models(b.ID)),
			Ads: ads[b.ID], Page: "/admin/catalogo/marcas/" + id32(b.ID)}
	}
	return s.renderAdmin(c, fiber.StatusOK, "pages/admin_catalog", "catalogo", fiber.Map{
		"Title": "Catálogo — Administração", "Entries": entries, "Form": newForm(),
	})
}
