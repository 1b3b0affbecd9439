package handlers

import (
	"errors"
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"motando/models"
)

// favoriteToggle saves an ad for the signed-in person, or with salvar=0
// takes it out of their favourites: POST /anuncio/{id}/favorito. An
// anonymous visitor is sent to sign in first; requireUser keeps the request
// and favoriteResume saves the ad on the way back. htmx gets the button in
// its new state; a plain form goes back to the page it was sent from.
func (s *Server) favoriteToggle(c *fiber.Ctx) error {
	id, err := strconv.ParseUint(c.Params("id"), 10, 64)
	if err != nil {
		return fiber.ErrNotFound
	}
	saved, err := s.setFavorite(c, id, c.FormValue("salvar") != "0")
	if err != nil {
		return err
	}
	if isPartial(c) {
		c.Vary("HX-Request")
		c.Type("html", "utf-8")
		return c.SendString(string(favoriteButtonHTML(id, shorten(c.FormValue("titulo"), 120), saved, c.Locals(localCSRF))))
	}
	if saved {
		s.setFlash(c, "Anúncio salvo nos seus favoritos.")
	} else {
		s.setFlash(c, "Anúncio tirado dos seus favoritos.")
	}
	return redirect(c, backTo(c.FormValue("volta"), refererPath(c), "/anuncio/"+strconv.FormatUint(id, 10)))
}

// backTo is the first of the places that is a path on this site.
func backTo(places ...string) string {
	for _, p := range places {
		if p = localTarget(p); p != "" {
			return p
		}
	}
	return "/"
}

// refererPath is the page the request came from, when it is one of this
// site's.
func refererPath(c *fiber.Ctx) string {
	u, err := url.Parse(c.Get(fiber.HeaderReferer))
	if err != nil || u.Host != c.Hostname() {
		return ""
	}
	return u.RequestURI()
}

// favoriteResume finishes a save started before signing in: GET
// /anuncio/{id}/favorito?rascunho=KEY, where the sign-in page sends the
// person back, then goes back to the page the save was asked from. Without
// the kept request it only leads to the ad.
func (s *Server) favoriteResume(c *fiber.Ctx) error {
	id, err := strconv.ParseUint(c.Params("id"), 10, 64)
	if err != nil {
		return fiber.ErrNotFound
	}
	d, err := s.loadDraft(c, "/anuncio/"+strconv.FormatUint(id, 10)+"/favorito")
	if err != nil {
		return err
	}
	if d == nil {
		return redirect(c, "/anuncio/"+strconv.FormatUint(id, 10))
	}
	saved, err := s.setFavorite(c, id, d.first("salvar") != "0")
	if err != nil {
		return err
	}
	if saved {
		s.setFlash(c, "Anúncio salvo nos seus favoritos.")
	}
	return redirect(c, backTo(d.first("volta"), "/anuncio/"+strconv.FormatUint(id, 10)))
}

// setFavorite saves or unsaves the ad for the signed-in person and returns
// whether it is saved now. An ad no longer listed is 404; a save past the
// limit is 422 with the reason.
func (s *Server) setFavorite(c *fiber.Ctx, adID uint64, save bool) (bool, error) {
	u := currentUser(c)
	if !save {
		return false, s.db.RemoveFavorite(c.UserContext(), u.ID, adID)
	}
	err := s.db.SaveFavorite(c.UserContext(), u.ID, adID)
	switch {
	case errors.Is(err, models.ErrNotFound):
		return false, fiber.ErrNotFound
	case errors.Is(err, models.ErrTooManyFavorites):
		return false, fiber.NewError(fiber.StatusUnprocessableEntity,
			"Você já tem "+strconv.Itoa(models.MaxFavorites)+" anúncios salvos. Tire alguns dos favoritos para salvar outros.")
	}
	return err == nil, err
}
