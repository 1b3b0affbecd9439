package handlers

import (
	"errors"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"motando/models"
)

// adNewShow renders the empty ad form, the place taken from the seller's
// profile, or the form kept when the session ended: GET /anuncios/novo.
func (s *Server) adNewShow(c *fiber.Ctx) error {
	u := currentUser(c)
	d, err := s.loadDraft(c, "/anuncios/novo")
	if err != nil {
		return err
	}
	if d != nil {
		f, refs := draftAdForm(d)
		tokens, err := s.ownUploads(c, u, f, refs)
		if err != nil {
			return err
		}
		return s.renderAdForm(c, fiber.StatusOK, f, uploadItems(tokens), 0, draftRestored)
	}
	p, err := s.db.ProfileOf(c.UserContext(), u.ID)
	if err != nil {
		return err
	}
	f := newForm()
	if p.StateID != nil {
		if st, ok := s.places.State(*p.StateID); ok {
			f.Values["estado"] = st.Acronym
		}
	}
	if p.CityID != nil {
		f.Values["cidade"] = strconv.FormatUint(uint64(*p.CityID), 10)
	}
	return s.renderAdForm(c, fiber.StatusOK, f, nil, 0, "")
}

// renderAdForm renders the form for a new ad (adID 0) or an edit, with a
// notice above it when one is given.
func (s *Server) renderAdForm(c *fiber.Ctx, status int, f *form, photos []photoItem, adID uint64, notice string) error {
	data := s.adFormData(f, photos)
	data["Notice"] = notice
	data["Title"] = "Anunciar moto — Motando"
	data["Action"] = "/anuncios/novo"
	if adID != 0 {
		data["Title"] = "Editar anúncio — Motando"
		data["Action"] = "/anuncios/" + strconv.FormatUint(adID, 10) + "/editar"
		data["Editing"] = true
	}
	return s.render(c, status, "pages/ad_form", data)
}

// adCreate stores a new ad and queues its publication: POST /anuncios/novo.
// Photos come as tokens of earlier uploads, in order, or — without
// JavaScript — as files in the same submit.
func (s *Server) adCreate(c *fiber.Ctx) error {
	u := currentUser(c)
	ad := &models.Ad{UserID: u.ID}
	f, refs := s.parseAdForm(c, ad)
	tokens, photos, err := s.collectNewPhotos(c, u, f, refs)
	if err != nil {
		return err
	}
	checkPhotoCount(f, len(tokens))
	if !f.valid() {
		return s.renderAdForm(c, fiber.StatusUnprocessableEntity, f, photos, 0, "")
	}
	if err := s.flows.CreateAd(c.UserContext(), ad, tokens); errors.Is(err, models.ErrPhotoUnavailable) {
		f.fail("fotos", photoUnavailable)
		return s.renderAdForm(c, fiber.StatusUnprocessableEntity, f, nil, 0, "")
	} else if err != nil {
		return err
	}
	s.setFlash(c, "Anúncio enviado! As fotos estão sendo preparadas e ele aparece no site em instantes.")
	return redirect(c, "/meus-anuncios")
}

const photoUnavailable = "Uma das fotos não está mais disponível. Envie-a de novo."

// collectNewPhotos resolves the form's upload tokens (only the user's
// unused uploads count) and stores the files sent without JavaScript. It
// returns the tokens in order and the list to show again if the form is
// refused.
func (s *Server) collectNewPhotos(c *fiber.Ctx, u *models.User, f *form, refs []string) ([]string, []photoItem, error) {
	tokens, err := s.ownUploads(c, u, f, refs)
	if err != nil {
		return nil, nil, err
	}
	if err := s.storeFormFiles(c, u, f, &tokens); err != nil {
		return nil, nil, err
	}
	return tokens, uploadItems(tokens), nil
}

// ownUploads keeps, in order, the tokens of the user's unused uploads and
// fails the photos field for every other one.
func (s *Server) ownUploads(c *fiber.Ctx, u *models.User, f *form, refs []string) ([]string, error) {
	ups, err := s.db.UploadsOf(c.UserContext(), u.ID, refs)
	if err != nil {
		return nil, err
	}
	var tokens []string
	for _, r := range refs {
		if _, ok := ups[r]; ok {
			tokens = append(tokens, r)
		} else {
			f.fail("fotos", photoUnavailable)
		}
	}
	return tokens, nil
}

// uploadItems lists uploads for the form, previewed from the temporary
// bucket.
func uploadItems(tokens []string) []photoItem {
	photos := make([]photoItem, len(tokens))
	for i, t := range tokens {
		photos[i] = photoItem{Ref: t, Preview: "/anuncios/fotos/" + t}
	}
	return photos
}

// storeFormFiles stores the photos of a submit made without JavaScript
// (field "arquivos") and appends their tokens.
func (s *Server) storeFormFiles(c *fiber.Ctx, u *models.User, f *form, tokens *[]string) error {
	mf, err := c.MultipartForm()
	if err != nil {
		return nil
	}
	for _, fh := range mf.File["arquivos"] {
		if len(*tokens) >= models.MaxPhotos {
			f.fail("fotos", "Envie no máximo 20 fotos.")
			return nil
		}
		up, problem, err := s.storeUpload(c, u, fh)
		if err != nil {
			return err
		}
		if problem != "" {
			f.fail("fotos", fh.Filename+": "+problem)
			continue
		}
		*tokens = append(*tokens, up.Token)
	}
	return nil
}
