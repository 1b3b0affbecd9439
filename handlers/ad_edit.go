package handlers

import (
	"errors"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"motando/models"
)

// ownAd reads the signed-in user's ad named by the :id parameter; anyone
// else's ad is 404.
func (s *Server) ownAd(c *fiber.Ctx) (*models.Ad, error) {
	id, err := strconv.ParseUint(c.Params("id"), 10, 64)
	if err != nil {
		return nil, fiber.ErrNotFound
	}
	return s.db.OwnedAd(c.UserContext(), currentUser(c).ID, id)
}

// adEditShow renders the form filled with the ad, or with the changes kept
// when the session ended: GET /anuncios/{id}/editar.
func (s *Server) adEditShow(c *fiber.Ctx) error {
	ad, err := s.ownAd(c)
	if err != nil {
		return err
	}
	d, err := s.loadDraft(c, "/anuncios/"+strconv.FormatUint(ad.ID, 10)+"/editar")
	if err != nil {
		return err
	}
	if d != nil {
		f, refs := draftAdForm(d)
		_, items, err := s.editPhotos(c, ad, f, refs)
		if err != nil {
			return err
		}
		return s.renderAdForm(c, fiber.StatusOK, f, items, ad.ID, draftRestored)
	}
	return s.renderAdForm(c, fiber.StatusOK, s.adFormValues(ad), s.imageItems(ad), ad.ID, "")
}

// imageItems lists the ad's photos for the form.
func (s *Server) imageItems(ad *models.Ad) []photoItem {
	items := make([]photoItem, 0, len(ad.Images))
	for _, img := range ad.Images {
		it := photoItem{Ref: "i" + strconv.FormatUint(img.ID, 10)}
		if img.Status == models.ImageReady {
			it.Preview = s.store.PublicURL(img.ThumbKey)
		}
		items = append(items, it)
	}
	return items
}

// adFormValues fills the form from a stored ad.
func (s *Server) adFormValues(ad *models.Ad) *form {
	f := newForm()
	v := f.Values
	id := func(n uint32) string { return strconv.FormatUint(uint64(n), 10) }
	v["marca"], v["modelo"] = id(ad.BrandID), id(ad.ModelID)
	if ad.VersionID != nil {
		v["versao"] = id(*ad.VersionID)
	}
	v["tipo"], v["origem"], v["cor"] = ad.Type, ad.Origin, ad.Color
	v["freio"], v["partida"], v["refrigeracao"] = ad.BrakeSystem, ad.IgnitionSystem, ad.Refrigeration
	v["ano_fabricacao"], v["ano_modelo"] = strconv.Itoa(ad.FabricationYear), strconv.Itoa(ad.ModelYear)
	v["placa"] = ad.LicensePlate
	v["km"] = thousands(int64(ad.Mileage))
	v["preco"] = strings.TrimPrefix(money(int64(ad.Price)), "R$ ")
	v["frase"], v["descricao"] = ad.SalesPhrase, ad.Description
	v["cidade"] = strconv.FormatUint(uint64(ad.CityID), 10)
	if st, ok := s.places.State(ad.StateID); ok {
		v["estado"] = st.Acronym
	}
	for name, on := range map[string]bool{
		"zero_km": ad.IsNew, "aceita_troca": ad.AcceptExchange, "aceita_proposta": ad.AcceptNewOffer,
		"documentacao_ok": ad.DocOK != nil && *ad.DocOK, "opcional_alarme": ad.OptionalAlarm, "opcional_bau": ad.OptionalChest,
		"opcional_computador": ad.OptionalComputer, "opcional_gps": ad.OptionalGPS,
	} {
		if on {
			v[name] = "on"
		}
	}
	return f
}

// adUpdate stores the owner's changes: POST /anuncios/{id}/editar. Field
// changes are public at once; new photos appear once the worker has
// processed them; the ad stays up the whole time.
func (s *Server) adUpdate(c *fiber.Ctx) error {
	cur, err := s.ownAd(c)
	if err != nil {
		return err
	}
	u := currentUser(c)
	ad := &models.Ad{ID: cur.ID, UserID: u.ID}
	f, refs := s.parseAdForm(c, ad)
	photos, items, err := s.editPhotos(c, cur, f, refs)
	if err != nil {
		return err
	}
	var more []string
	if err := s.storeFormFiles(c, u, f, &more); err != nil {
		return err
	}
	for _, t := range more {
		photos = append(photos, models.PhotoRef{Token: t})
		items = append(items, photoItem{Ref: t, Preview: "/anuncios/fotos/" + t})
	}
	checkPhotoCount(f, len(photos))
	if !f.valid() {
		return s.renderAdForm(c, fiber.StatusUnprocessableEntity, f, items, cur.ID, "")
	}
	err = s.flows.UpdateAd(c.UserContext(), ad, photos)
	if errors.Is(err, models.ErrPhotoUnavailable) {
		f.fail("fotos", photoUnavailable)
		return s.renderAdForm(c, fiber.StatusUnprocessableEntity, f, s.imageItems(cur), cur.ID, "")
	}
	if err != nil {
		return err
	}
	s.setFlash(c, "Anúncio atualizado.")
	return redirect(c, "/meus-anuncios")
}

// editPhotos resolves the edit form's photo references in order: the ad's
// own images ("i<ID>") and the signed-in user's unused uploads; any other
// reference fails the photos field.
func (s *Server) editPhotos(c *fiber.Ctx, cur *models.Ad, f *form, refs []string) ([]models.PhotoRef, []photoItem, error) {
	existing := map[string]models.Image{}
	for _, it := range cur.Images {
		existing["i"+strconv.FormatUint(it.ID, 10)] = it
	}
	var tokens []string
	for _, r := range refs {
		if !strings.HasPrefix(r, "i") {
			tokens = append(tokens, r)
		}
	}
	ups, err := s.db.UploadsOf(c.UserContext(), currentUser(c).ID, tokens)
	if err != nil {
		return nil, nil, err
	}
	var photos []models.PhotoRef
	var items []photoItem
	for _, r := range refs {
		if img, ok := existing[r]; ok {
			photos = append(photos, models.PhotoRef{ImageID: img.ID})
			it := photoItem{Ref: r}
			if img.Status == models.ImageReady {
				it.Preview = s.store.PublicURL(img.ThumbKey)
			}
			items = append(items, it)
		} else if _, ok := ups[r]; ok {
			photos = append(photos, models.PhotoRef{Token: r})
			items = append(items, uploadItems([]string{r})...)
		} else {
			f.fail("fotos", photoUnavailable)
		}
	}
	return photos, items, nil
}
