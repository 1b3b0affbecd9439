package handlers

import (
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"motando/models"
)

// photoItem is one photo of the ad form's list: an image the ad has
// ("i<ID>") or a new upload (its token).
type photoItem struct {
	Ref     string
	Preview string // image URL; empty while the worker has not made it
}

// formValues returns every value of a repeated field, from an urlencoded or
// a multipart body, copied.
func formValues(c *fiber.Ctx, name string) []string {
	var out []string
	if mf, err := c.MultipartForm(); err == nil {
		for _, v := range mf.Value[name] {
			out = append(out, strings.Clone(v))
		}
		return out
	}
	for _, v := range c.Request().PostArgs().PeekMulti(name) {
		out = append(out, string(v))
	}
	return out
}

// parseAdForm validates the ad form into ad (its editable fields) and
// returns the form, with the pt-BR message of every invalid field, and the
// photo references in order (not yet checked against the owner's photos).
func (s *Server) parseAdForm(c *fiber.Ctx, ad *models.Ad) (*form, []string) {
	f := newForm()
	cat := s.catalog.Load()
	nextYear := time.Now().Year() + 1

	brand, _ := strconv.ParseUint(f.text(c, "marca", 10), 10, 32)
	b, ok := cat.Brand(uint32(brand))
	if !ok {
		f.fail("marca", "Escolha a marca.")
	}
	model, _ := strconv.ParseUint(f.text(c, "modelo", 10), 10, 32)
	m, ok := cat.Model(uint32(model))
	if !ok || m.BrandID != b.ID {
		f.fail("modelo", "Escolha um modelo da marca escolhida.")
	}
	ad.BrandID, ad.ModelID, ad.VersionID = b.ID, m.ID, nil
	var versionName string
	if raw := f.text(c, "versao", 10); raw != "" {
		id, _ := strconv.ParseUint(raw, 10, 32)
		v, ok := cat.Version(uint32(id))
		if !ok || v.ModelID != m.ID {
			f.fail("versao", "Escolha uma versão do modelo escolhido.")
		} else {
			ad.VersionID, versionName = &v.ID, v.Name
		}
	}

	choices := []struct {
		name    string
		choices []models.Choice
		dst     *string
	}{
		{"tipo", models.AdTypes, &ad.Type}, {"origem", models.AdOrigins, &ad.Origin}, {"cor", models.AdColors, &ad.Color},
		{"freio", models.AdBrakes, &ad.BrakeSystem}, {"partida", models.AdIgnitions, &ad.IgnitionSystem},
		{"refrigeracao", models.AdRefrigeration, &ad.Refrigeration},
	}
	for _, ch := range choices {
		v := f.text(c, ch.name, 20)
		if v != "" && models.ChoiceLabel(ch.choices, v) == "" {
			f.fail(ch.name, "Escolha uma das opções.")
			v = ""
		}
		*ch.dst = v
	}

	yearMsg := "Informe um ano entre 1900 e " + strconv.Itoa(nextYear) + "."
	fab, err := strconv.Atoi(f.text(c, "ano_fabricacao", 4))
	if err != nil || fab < 1900 || fab > nextYear {
		f.fail("ano_fabricacao", yearMsg)
	}
	my, err := strconv.Atoi(f.text(c, "ano_modelo", 4))
	if err != nil || my < 1900 || my > nextYear {
		f.fail("ano_modelo", yearMsg)
	} else if f.Errors["ano_fabricacao"] == "" && my != fab && my != fab+1 {
		f.fail("ano_modelo", "O ano do modelo deve ser o de fabricação ou o seguinte.")
	}
	ad.FabricationYear, ad.ModelYear = fab, my

	ad.IsNew = f.checked(c, "zero_km")
	km, ok := parseKm(f.text(c, "km", 12))
	switch {
	case ad.IsNew && f.Values["km"] != "" && (!ok || km > 0):
		f.fail("km", "Uma moto 0 km não pode ter quilometragem.")
	case ad.IsNew:
		km = 0
	case !ok || km > 2_000_000:
		f.fail("km", "Informe a quilometragem em números, como 12.500.")
	}
	ad.Mileage = km

	plate := f.text(c, "placa", 10)
	if plate == "" && !ad.IsNew {
		f.fail("placa", "Informe a placa no formato antigo (ABC-1234) ou Mercosul (ABC1D23). Ela não aparece no anúncio.")
	} else if plate != "" {
		p, ok := normalizePlate(plate)
		if !ok {
			f.fail("placa", "Informe a placa no formato antigo (ABC-1234) ou Mercosul (ABC1D23).")
		}
		ad.LicensePlate = p
	}

	price, ok := parsePrice(f.text(c, "preco", 20))
	switch {
	case !ok:
		f.fail("preco", "Informe o preço em reais, como 12.345,00.")
	case price <= 0:
		f.fail("preco", "O preço deve ser maior que zero.")
	case price > maxPrice:
		f.fail("preco", "O preço máximo é R$ 9.999.999,99.")
	}
	ad.Price = models.Money(price)

	ad.SalesPhrase = f.text(c, "frase", 120)
	ad.Description = strings.ReplaceAll(f.text(c, "descricao", 4000), "\r\n", "\n")

	st, city, stErr, cityErr := placeIn(s.places, f.text(c, "estado", 2), f.text(c, "cidade", 10))
	if stErr != "" {
		f.fail("estado", stErr)
	} else if cityErr != "" {
		f.fail("cidade", cityErr)
	}
	ad.StateID, ad.CityID = st.ID, city.ID

	ad.AcceptExchange = f.checked(c, "aceita_troca")
	ad.AcceptNewOffer = f.checked(c, "aceita_proposta")
	docOK := f.checked(c, "documentacao_ok")
	ad.DocOK = &docOK
	optionals := map[string]bool{}
	for _, v := range formValues(c, "opcionais") {
		if models.ChoiceLabel(models.AdOptionals, v) != "" {
			optionals[v] = true
			f.Values["opcional_"+v] = "on"
		}
	}
	ad.OptionalAlarm, ad.OptionalChest = optionals["alarme"], optionals["bau"]
	ad.OptionalComputer, ad.OptionalGPS = optionals["computador"], optionals["gps"]

	ad.SearchText = models.SearchText(b.Name, m.Name, versionName, city.Name, ad.SalesPhrase)

	return f, photoRefs(formValues(c, "fotos"), formValues(c, "remover"))
}

// photoRefs is the form's photo references in order, without the removed
// ones, repeats and anything too long to be one.
func photoRefs(photos, removedRefs []string) []string {
	removed := map[string]bool{}
	for _, r := range removedRefs {
		removed[r] = true
	}
	var refs []string
	seen := map[string]bool{}
	for _, r := range photos {
		if r != "" && !removed[r] && !seen[r] && len(r) <= 40 {
			seen[r] = true
			refs = append(refs, r)
		}
	}
	return refs
}

// draftAdForm refills the ad form from a kept draft; the photo references
// come back in order, to be checked against the signed-in user's photos.
func draftAdForm(d *draft) (*form, []string) {
	f := newForm()
	for name := range d.Values {
		switch name {
		case "fotos", "remover", "opcionais":
		default:
			f.Values[name] = d.first(name)
		}
	}
	for _, v := range d.Values["opcionais"] {
		if models.ChoiceLabel(models.AdOptionals, v) != "" {
			f.Values["opcional_"+v] = "on"
		}
	}
	return f, photoRefs(d.Values["fotos"], d.Values["remover"])
}

// draftRestored is what the ad form says once a draft has refilled it.
const draftRestored = "Pronto: o que você tinha preenchido está de volta. Confira e envie."

// checkPhotoCount fails the photo list when it is empty or too long.
func checkPhotoCount(f *form, n int) {
	switch {
	case n == 0:
		f.fail("fotos", "Envie pelo menos uma foto.")
	case n > models.MaxPhotos:
		f.fail("fotos", "Envie no máximo "+strconv.Itoa(models.MaxPhotos)+" fotos.")
	}
}

// adFormData is what the ad form's template needs besides the form.
func (s *Server) adFormData(f *form, photos []photoItem) fiber.Map {
	cat := s.catalog.Load()
	data := fiber.Map{
		"Form": f, "Photos": photos, "Brands": cat.Brands, "States": s.places.States,
		"Types": models.AdTypes, "Origins": models.AdOrigins, "Colors": models.AdColors, "Brakes": models.AdBrakes,
		"Ignitions": models.AdIgnitions, "Refrigeration": models.AdRefrigeration, "Optionals": models.AdOptionals,
		"MaxPhotos": models.MaxPhotos, "NextYear": time.Now().Year() + 1,
		"Models": []models.Model(nil), "Versions": []models.Version(nil), "Cities": []models.City(nil),
	}
	if id, err := strconv.ParseUint(f.Values["marca"], 10, 32); err == nil {
		data["Models"] = cat.Models(uint32(id))
	}
	if id, err := strconv.ParseUint(f.Values["modelo"], 10, 32); err == nil {
		data["Versions"] = cat.Versions(uint32(id))
	}
	if st, ok := s.places.StateByUF(f.Values["estado"]); ok {
		data["Cities"] = s.places.Cities(st.ID)
	}
	return data
}
