package handlers

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"motando/models"
)

// adminCatalogRename renames a brand, model or version:
// POST /admin/catalogo/{marcas|modelos|versoes}/{id}/renomear.
func (s *Server) adminCatalogRename(c *fiber.Ctx) error {
	l, err := levelOf(c)
	if err != nil {
		return err
	}
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	it, err := s.catalogItem(c, l, id)
	if err != nil {
		return err
	}
	f := newForm()
	name := catalogName(f, c, l)
	heading := "Renomear " + l.The + " " + it.Line
	if !f.valid() {
		return s.renderCatalogForm(c, heading, c.Path(), it.Page, f)
	}
	err = s.db.RenameCatalogItem(c.UserContext(), actorID(c), l.Level, it.ID, name)
	if errors.Is(err, models.ErrNameTaken) {
		f.fail("nome", nameTaken(l))
		return s.renderCatalogForm(c, heading, c.Path(), it.Page, f)
	}
	if err != nil {
		return err
	}
	s.catalogChanged(c)
	s.setFlash(c, l.Noun+" “"+it.Name+"” renomead"+l.Ending+" para “"+name+"”.")
	return redirect(c, it.Page)
}
