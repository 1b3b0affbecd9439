package handlers

import (
	"log/slog"
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"motando/models"
)

// What the admin area's handlers share: the catalog levels as the URLs name
// them, ids, pages, and the words of the audit log.

// adminPageSize is how many rows an admin list shows per page.
const adminPageSize = 50

// renderAdmin renders an admin page; section marks the current entry of the
// admin menu.
func (s *Server) renderAdmin(c *fiber.Ctx, status int, name, section string, data fiber.Map) error {
	data["Section"] = section
	if _, ok := data["Title"]; !ok {
		data["Title"] = "Administração — Motando"
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return s.render(c, status, name, data)
}

// actorID is the admin doing the request.
func actorID(c *fiber.Ctx) uint64 { return currentUser(c).ID }

// paramID reads a numeric route parameter; anything else is not found.
func paramID(c *fiber.Ctx, name string) (uint64, error) {
	id, err := strconv.ParseUint(c.Params(name), 10, 64)
	if err != nil || id == 0 {
		return 0, fiber.ErrNotFound
	}
	return id, nil
}

// pageOf reads the "pagina" parameter: 1 and up.
func pageOf(c *fiber.Ctx) int {
	n, err := strconv.Atoi(c.Query("pagina"))
	if err != nil || n < 1 {
		return 1
	}
	return min(n, 10000)
}

// pager is the "previous / next" of an admin list.
type pager struct {
	Page       int
	Prev, Next string // addresses; empty at the ends
}

// pagerOf builds the links of the list at base with its query values.
func pagerOf(base string, q url.Values, page int, hasNext bool) pager {
	p := pager{Page: page}
	link := func(n int) string {
		v := url.Values{}
		for k, vs := range q {
			v[k] = vs
		}
		v.Set("pagina", strconv.Itoa(n))
		return base + "?" + v.Encode()
	}
	if page > 1 {
		p.Prev = link(page - 1)
	}
	if hasNext {
		p.Next = link(page + 1)
	}
	return p
}

// joinAnd joins phrases the Portuguese way: "a, b e c".
func joinAnd(parts []string) string {
	if len(parts) < 2 {
		return strings.Join(parts, "")
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " e " + parts[len(parts)-1]
}

// catalogLevel is a level of the catalog as the admin area names it.
type catalogLevel struct {
	Level   models.CatalogLevel
	Segment string // in URLs: marcas, modelos, versoes
	Noun    string // "Marca", to start a sentence
	The     string // "a marca"
	An      string // "uma marca"
	Ending  string // of its participles: "a" (criada) or "o" (criado)
}

var catalogLevels = map[string]catalogLevel{
	"marcas":  {models.LevelBrand, "marcas", "Marca", "a marca", "uma marca", "a"},
	"modelos": {models.LevelModel, "modelos", "Modelo", "o modelo", "um modelo", "o"},
	"versoes": {models.LevelVersion, "versoes", "Versão", "a versão", "uma versão", "a"},
}

// parentLevel is the level above l (brands for models, models for
// versions).
func (l catalogLevel) parentLevel() catalogLevel {
	if l.Level == models.LevelVersion {
		return catalogLevels["modelos"]
	}
	return catalogLevels["marcas"]
}

// levelOf reads the :nivel parameter.
func levelOf(c *fiber.Ctx) (catalogLevel, error) {
	l, ok := catalogLevels[c.Params("nivel")]
	if !ok {
		return l, fiber.ErrNotFound
	}
	return l, nil
}

// catalogItem is a brand, model or version with its line and the admin
// page that shows it.
type catalogItem struct {
	catalogLevel
	ID     uint32
	Name   string
	Parent uint32 // the brand of a model, the model of a version
	Line   string // "Honda CB 300 ABS"
	Page   string // the brand's or model's page; a version's model's
}

// catalogItem finds an item in the in-memory catalog. An item made by
// another process in the last seconds is found after a reload.
func (s *Server) catalogItem(c *fiber.Ctx, l catalogLevel, id uint64) (catalogItem, error) {
	it, ok := findItem(s.catalog.Load(), l, id)
	if !ok {
		if err := s.refreshCatalog(c.UserContext(), false); err != nil {
			return it, err
		}
		if it, ok = findItem(s.catalog.Load(), l, id); !ok {
			return it, fiber.ErrNotFound
		}
	}
	return it, nil
}

func findItem(cat *models.Catalog, l catalogLevel, id64 uint64) (catalogItem, bool) {
	id := uint32(id64)
	it := catalogItem{catalogLevel: l, ID: id}
	if uint64(id) != id64 {
		return it, false
	}
	switch l.Level {
	case models.LevelBrand:
		b, ok := cat.Brand(id)
		it.Name, it.Line, it.Page = b.Name, b.Name, "/admin/catalogo/marcas/"+id32(id)
		return it, ok
	case models.LevelModel:
		m, ok := cat.Model(id)
		b, _ := cat.Brand(m.BrandID)
		it.Name, it.Parent, it.Line, it.Page = m.Name, m.BrandID, b.Name+" "+m.Name, "/admin/catalogo/modelos/"+id32(id)
		return it, ok
	default:
		v, ok := cat.Version(id)
		m, _ := cat.Model(v.ModelID)
		b, _ := cat.Brand(m.BrandID)
		it.Name, it.Parent, it.Line, it.Page = v.Name, v.ModelID, b.Name+" "+m.Name+" "+v.Name, "/admin/catalogo/modelos/"+id32(v.ModelID)
		return it, ok
	}
}

// parentPage is where an item's list is: the catalog's for a brand, the
// brand's for a model, the model's for a version.
func (it catalogItem) parentPage() string {
	switch it.Level {
	case models.LevelBrand:
		return "/admin/catalogo"
	case models.LevelModel:
		return "/admin/catalogo/marcas/" + id32(it.Parent)
	default:
		return it.Page
	}
}

// catalogChanged reloads this process's catalog after a change, so that the
// cascading selects show it on the next request. Other processes follow
// within their refresh interval.
func (s *Server) catalogChanged(c *fiber.Ctx) {
	if err := s.refreshCatalog(c.UserContext(), true); err != nil {
		slog.Warn("catalog not reloaded after a change; the next check will", "err", err)
	}
}

// catalogName reads and checks the "nome" field of a catalog form.
func catalogName(f *form, c *fiber.Ctx, l catalogLevel) string {
	name := strings.Join(strings.Fields(f.text(c, "nome", l.Level.MaxName())), " ")
	f.Values["nome"] = name
	f.required("nome", "Informe o nome d"+l.The+".")
	return name
}

// nameTaken is the message of a name a sibling has already.
func nameTaken(l catalogLevel) string {
	return "Já existe " + l.An + " com este nome (sem contar maiúsculas, acentos e espaços)."
}

// renderCatalogForm shows a catalog form again with its problems: the
// forms live on the catalog's pages, each on its own here.
func (s *Server) renderCatalogForm(c *fiber.Ctx, heading, action, back string, f *form) error {
	return s.renderAdmin(c, fiber.StatusUnprocessableEntity, "pages/admin_catalog_form", "catalogo", fiber.Map{
		"Title": heading + " — Catálogo", "Heading": heading, "Action": action, "Back": back, "Form": f,
	})
}

// usageText says what uses a catalog item: "3 anúncios e 12 modelos".
func usageText(u models.CatalogUsage) string {
	var parts []string
	if u.Ads > 0 {
		parts = append(parts, plural(u.Ads, "anúncio", "anúncios"))
	}
	if u.Models > 0 {
		parts = append(parts, plural(u.Models, "modelo", "modelos"))
	}
	if u.Versions > 0 {
		parts = append(parts, plural(u.Versions, "versão", "versões"))
	}
	return joinAnd(parts)
}

// auditLabels are the admin's words for each audit action.
var auditLabels = map[string]string{
	models.AuditCatalogCreate: "Catálogo: criação",
	models.AuditCatalogRename: "Catálogo: novo nome",
	models.AuditCatalogDelete: "Catálogo: exclusão",
	models.AuditCatalogMerge:  "Catálogo: mesclagem",
	models.AuditBrandPopular:  "Catálogo: marca popular",
	models.AuditAdHide:        "Anúncio ocultado",
	models.AuditAdUnhide:      "Anúncio reexibido",
	models.AuditAdTopOffer:    "Oferta em destaque",
	models.AuditReportsClose:  "Denúncias fechadas",
	models.AuditUserBlock:     "Conta bloqueada",
	models.AuditUserUnblock:   "Conta desbloqueada",
	models.AuditJobRetry:      "Trabalho reenviado",
}

// targetPages are the admin pages of audit targets, by kind.
var targetPages = map[string]string{
	models.TargetBrand: "/admin/catalogo/marcas/",
	models.TargetModel: "/admin/catalogo/modelos/",
	models.TargetAd:    "/admin/anuncios/",
	models.TargetUser:  "/admin/usuarios/",
}

// targetPage is the admin page of an audit target, if it has one.
func targetPage(target string) string {
	kind, id, ok := strings.Cut(target, ":")
	if page, known := targetPages[kind]; ok && known {
		return page + id
	}
	return ""
}

// adminBack is where an action returns to: the admin page named by the
// form's "volta" field, or def.
func adminBack(c *fiber.Ctx, def string) string {
	if back := localTarget(c.FormValue("volta")); strings.HasPrefix(back, "/admin") {
		return back
	}
	return def
}

// adminAdPage is an ad's admin page.
func adminAdPage(id uint64) string { return "/admin/anuncios/" + strconv.FormatUint(id, 10) }

// adminUserPage is an account's admin page.
func adminUserPage(id uint64) string { return "/admin/usuarios/" + strconv.FormatUint(id, 10) }
