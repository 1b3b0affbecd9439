package handlers

import (
	"errors"
	"strings"

	"github.com/gofiber/fiber/v2"

	"motando/models"
)

// adminCatalogDeleteShow asks for confirmation, or says what uses the item:
// GET /admin/catalogo/{marcas|modelos|versoes}/{id}/excluir.
func (s *Server) adminCatalogDeleteShow(c *fiber.Ctx) error {
	it, err := s.catalogParamItem(c)
	if err != nil {
		return err
	}
	usage, err := s.db.CatalogUsageOf(c.UserContext(), it.Level, it.ID)
	if err != nil {
		return err
	}
	return s.renderCatalogDelete(c, fiber.StatusOK, it, usage)
}

// adminCatalogDelete deletes an item nothing uses:
// POST /admin/catalogo/{marcas|modelos|versoes}/{id}/excluir.
func (s *Server) adminCatalogDelete(c *fiber.Ctx) error {
	it, err := s.catalogParamItem(c)
	if err != nil {
		return err
	}
	err = s.db.DeleteCatalogItem(c.UserContext(), actorID(c), it.Level, it.ID)
	if inUse := (*models.InUseError)(nil); errors.As(err, &inUse) {
		return s.renderCatalogDelete(c, fiber.StatusUnprocessableEntity, it, inUse.Usage)
	}
	if err != nil {
		return err
	}
	s.catalogChanged(c)
	s.setFlash(c, it.Noun+" “"+it.Line+"” excluíd"+it.Ending+".")
	return redirect(c, it.parentPage())
}

// catalogParamItem is the item named by the :nivel and :id parameters.
func (s *Server) catalogParamItem(c *fiber.Ctx) (catalogItem, error) {
	l, err := levelOf(c)
	if err != nil {
		return catalogItem{}, err
	}
	id, err := paramID(c, "id")
	if err != nil {
		return catalogItem{}, err
	}
	return s.catalogItem(c, l, id)
}

func (s *Server) renderCatalogDelete(c *fiber.Ctx, status int, it catalogItem, usage models.CatalogUsage) error {
	data := fiber.Map{"Title": "Excluir " + it.The + " " + it.Line + " — Catálogo", "Item": it, "InUse": usage.InUse()}
	if usage.InUse() {
		data["Refusal"] = "Não é possível excluir " + it.The + " “" + it.Line + "”, que é usad" + it.Ending + " por " +
			usageText(usage) + ". Mescle-" + it.Ending + " em outr" + it.Ending + " " + strings.ToLower(it.Noun) +
			" para levar tudo junto."
	}
	if usage.Profiles > 0 {
		data["Profiles"] = plural(usage.Profiles, "perfil indica", "perfis indicam")
	}
	return s.renderAdmin(c, status, "pages/admin_catalog_delete", "catalogo", data)
}
