package handlers

import (
	"errors"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"motando/models"
)

// optGroup is an <optgroup> of a select; an empty label means none.
type optGroup struct {
	Label   string
	Options []option
}

// adminCatalogMergeShow asks which item a duplicate merges into:
// GET /admin/catalogo/{marcas|modelos|versoes}/{id}/mesclar.
func (s *Server) adminCatalogMergeShow(c *fiber.Ctx) error {
	it, err := s.catalogParamItem(c)
	if err != nil {
		return err
	}
	return s.renderCatalogMerge(c, fiber.StatusOK, it, newForm())
}

// adminCatalogMerge merges a duplicate into the item "destino" and deletes
// it; its ads, profiles and own models or versions move over:
// POST /admin/catalogo/{marcas|modelos|versoes}/{id}/mesclar.
func (s *Server) adminCatalogMerge(c *fiber.Ctx) error {
	it, err := s.catalogParamItem(c)
	if err != nil {
		return err
	}
	f := newForm()
	var into catalogItem
	id, err := strconv.ParseUint(f.text(c, "destino", 10), 10, 32)
	switch {
	case err != nil:
		f.fail("destino", "Escolha em qu"+it.Ending+" mesclar.")
	case id == uint64(it.ID):
		f.fail("destino", "Escolha outr"+it.Ending+" "+strings.ToLower(it.Noun)+".")
	default:
		var ok bool
		if into, ok = findItem(s.catalog.Load(), it.catalogLevel, id); !ok {
			f.fail("destino", "Est"+it.Ending+" "+strings.ToLower(it.Noun)+" não existe mais. Escolha outr"+it.Ending+".")
		}
	}
	if !f.valid() {
		return s.renderCatalogMerge(c, fiber.StatusUnprocessableEntity, it, f)
	}
	res, err := s.db.MergeCatalogItem(c.UserContext(), actorID(c), it.Level, it.ID, into.ID)
	if errors.Is(err, models.ErrNameTaken) {
		f.fail("destino", "Os nomes não puderam ser combinados: "+nameTaken(it.catalogLevel))
		return s.renderCatalogMerge(c, fiber.StatusUnprocessableEntity, it, f)
	}
	if err != nil {
		return err
	}
	s.catalogChanged(c)
	moved := []string{plural(res.Ads, "anúncio", "anúncios")}
	if res.Models > 0 {
		moved = append(moved, plural(res.Models, "modelo", "modelos"))
	}
	if res.Versions > 0 {
		moved = append(moved, plural(res.Versions, "versão", "versões"))
	}
	s.setFlash(c, it.Noun+" “"+it.Line+"” mesclad"+it.Ending+" em “"+into.Line+"”. Transferidos: "+joinAnd(moved)+".")
	return redirect(c, into.Page)
}

func (s *Server) renderCatalogMerge(c *fiber.Ctx, status int, it catalogItem, f *form) error {
	usage, err := s.db.CatalogUsageOf(c.UserContext(), it.Level, it.ID)
	if err != nil {
		return err
	}
	return s.renderAdmin(c, status, "pages/admin_catalog_merge", "catalogo", fiber.Map{
		"Title": "Mesclar " + it.The + " " + it.Line + " — Catálogo", "Item": it, "Form": f,
		"Usage": usageText(usage), "Groups": mergeTargets(s.catalog.Load(), it),
	})
}

// mergeTargets are the items a duplicate may merge into: every other
// brand; every other model, by brand; the other versions of the brand's
// models, by model.
func mergeTargets(cat *models.Catalog, it catalogItem) []optGroup {
	var groups []optGroup
	add := func(label string, opts []option) {
		if len(opts) > 0 {
			groups = append(groups, optGroup{label, opts})
		}
	}
	switch it.Level {
	case models.LevelBrand:
		var opts []option
		for _, b := range cat.Brands {
			if b.ID != it.ID {
				opts = append(opts, option{id32(b.ID), b.Name})
			}
		}
		add("", opts)
	case models.LevelModel:
		for _, b := range cat.Brands {
			var opts []option
			for _, m := range cat.Models(b.ID) {
				if m.ID != it.ID {
					opts = append(opts, option{id32(m.ID), m.Name})
				}
			}
			add(b.Name, opts)
		}
	default:
		model, _ := cat.Model(it.Parent)
		brand, _ := cat.Brand(model.BrandID)
		for _, m := range cat.Models(brand.ID) {
			var opts []option
			for _, v := range cat.Versions(m.ID) {
				if v.ID != it.ID {
					opts = append(opts, option{id32(v.ID), v.Name})
				}
			}
			add(brand.Name+" "+m.Name, opts)
		}
	}
	return groups
}
