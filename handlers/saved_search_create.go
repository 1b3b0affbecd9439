package handlers

import (
	"errors"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"motando/models"
)

// savedSearchCreate saves the search given by the posted /motos parameters
// with its alert (alerta: imediato, diario, nenhum): POST /buscas-salvas.
// Saving a search again changes its alert. An anonymous visitor is sent to
// sign in first; requireUser keeps the request and savedSearchList saves
// it on the way back. htmx gets a confirmation in place of the form; a
// plain form goes to the list.
func (s *Server) savedSearchCreate(c *fiber.Ctx) error {
	values := url.Values{}
	for k, vs := range postedValues(c) {
		values[k] = vs
	}
	saved, err := s.saveSearch(c, values)
	if err != nil {
		return err
	}
	if isPartial(c) {
		return s.render(c, fiber.StatusOK, "partials/search_saved", fiber.Map{"Message": savedMessage(saved)})
	}
	s.setFlash(c, savedMessage(saved))
	return redirect(c, "/buscas-salvas")
}

// savedMessage confirms a save: a new search, or a new alert for one the
// person had saved already.
func savedMessage(saved *models.SavedSearch) string {
	if saved.Created.IsZero() {
		return "Alerta de “" + saved.Name + "”: " + strings.ToLower(models.ChoiceLabel(models.AlertModes, saved.Alert)) + "."
	}
	return "Busca salva: “" + saved.Name + "”."
}

// saveSearch saves the search of the values for the signed-in person.
func (s *Server) saveSearch(c *fiber.Ctx, values url.Values) (*models.SavedSearch, error) {
	q := s.parseSearch(values)
	alert := values.Get("alerta")
	if !slices.ContainsFunc(models.AlertModes, func(m models.Choice) bool { return m.Value == alert }) {
		alert = models.AlertNow
	}
	saved := &models.SavedSearch{
		UserID: currentUser(c).ID,
		Name:   s.savedSearchName(q),
		Query:  savedSearchQuery(q),
		Alert:  alert,
	}
	if len(saved.Query) > models.MaxSavedQuery {
		return nil, fiber.NewError(fiber.StatusUnprocessableEntity, "Esta busca é longa demais para salvar. Encurte o texto buscado e tente de novo.")
	}
	f := q.Filter
	f.GoodPrice = false
	saved.SetFilter(f)
	err := s.db.SaveSearch(c.UserContext(), saved)
	if errors.Is(err, models.ErrTooManySearches) {
		return nil, fiber.NewError(fiber.StatusUnprocessableEntity,
			"Você já tem "+strconv.Itoa(models.MaxSavedSearches)+" buscas salvas. Exclua alguma em Buscas salvas para salvar outra.")
	}
	return saved, err
}
