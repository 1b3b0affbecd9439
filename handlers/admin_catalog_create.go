package handlers

import (
	"errors"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"motando/models"
)

// adminCatalogCreate adds a brand, a model to the brand "pai" or a version
// to the model "pai": POST /admin/catalogo/{marcas|modelos|versoes}.
func (s *Server) adminCatalogCreate(c *fiber.Ctx) error {
	l, err := levelOf(c)
	if err != nil {
		return err
	}
	f := newForm()
	name := catalogName(f, c, l)
	heading, back := "Nova marca", "/admin/catalogo"
	var parent catalogItem
	if l.Level != models.LevelBrand {
		pid, err := strconv.ParseUint(f.text(c, "pai", 10), 10, 32)
		if err != nil {
			return fiber.ErrNotFound
		}
		if parent, err = s.catalogItem(c, l.parentLevel(), pid); err != nil {
			return err
		}
		heading, back = "Nov"+l.Ending+" "+strings.ToLower(l.Noun)+" de "+parent.Line, parent.Page
	}
	if !f.valid() {
		return s.renderCatalogForm(c, heading, c.Path(), back, f)
	}
	id, err := s.db.CreateCatalogItem(c.UserContext(), actorID(c), l.Level, parent.ID, name)
	if errors.Is(err, models.ErrNameTaken) {
		f.fail("nome", nameTaken(l))
		return s.renderCatalogForm(c, heading, c.Path(), back, f)
	}
	if err != nil {
		return err
	}
	s.catalogChanged(c)
	s.setFlash(c, l.Noun+" “"+name+"” criad"+l.Ending+".")
	if l.Level == models.LevelBrand {
		return redirect(c, "/admin/catalogo/marcas/"+id32(id))
	}
	return redirect(c, parent.Page)
}
