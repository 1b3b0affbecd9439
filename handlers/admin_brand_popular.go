package handlers

import (
	"github.com/gofiber/fiber/v2"
)

// adminBrandPopular marks a brand popular ("popular" = "sim") or not:
// POST /admin/catalogo/marcas/{id}/popular.
func (s *Server) adminBrandPopular(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	brand, err := s.catalogItem(c, catalogLevels["marcas"], id)
	if err != nil {
		return err
	}
	popular := newForm().checked(c, "popular")
	if err := s.db.SetBrandPopular(c.UserContext(), actorID(c), brand.ID, popular); err != nil {
		return err
	}
	s.catalogChanged(c)
	msg := "Marca “" + brand.Name + "” marcada como popular."
	if !popular {
		msg = "Marca “" + brand.Name + "” deixou de ser popular."
	}
	s.setFlash(c, msg)
	return redirect(c, adminBack(c, brand.Page))
}
