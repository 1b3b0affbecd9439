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
	a := adForm{form: newForm(), c: c, ad: ad}
	names := a.readBike(s.catalog.Load())
	a.readChoices()
	a.readYears()
	a.readMileage()
	a.readPlate()
	a.readPrice()
	ad.SalesPhrase = a.text(c, "frase", 120)
	ad.Description = strings.ReplaceAll(a.text(c, "descricao", 4000), "\r\n", "\n")
	st, city := a.place(c, s.places)
	ad.StateID, ad.CityID = st.ID, city.ID
	a.readExtras()
	ad.SearchText = models.SearchText(names.brand, names.model, names.version, city.Name, ad.SalesPhrase)
	return a.form, photoRefs(formValues(c, "fotos"), formValues(c, "remover"))
}

// adForm is the ad form being read into an ad.
type adForm struct {
	*form
	c  *fiber.Ctx
	ad *models.Ad
}

// bikeNames are the names of the ad's brand, model and version, for its
// search text.
type bikeNames struct{ brand, model, version string }

// readBike reads the brand, the model of that brand and the optional
// version of that model.
func (a adForm) readBike(cat *models.Catalog) bikeNames {
	b, ok := cat.Brand(catalogID(a.text(a.c, "marca", 10)))
	if !ok {
		a.fail("marca", "Escolha a marca.")
	}
	m, ok := cat.Model(catalogID(a.text(a.c, "modelo", 10)))
	if !ok || m.BrandID != b.ID {
		a.fail("modelo", "Escolha um modelo da marca escolhida.")
	}
	a.ad.BrandID, a.ad.ModelID, a.ad.VersionID = b.ID, m.ID, nil
	names := bikeNames{brand: b.Name, model: m.Name}
	if raw := a.text(a.c, "versao", 10); raw != "" {
		v, ok := cat.Version(catalogID(raw))
		if !ok || v.ModelID != m.ID {
			a.fail("versao", "Escolha uma versão do modelo escolhido.")
		} else {
			a.ad.VersionID, names.version = &v.ID, v.Name
		}
	}
	return names
}

// readChoices reads the fields chosen from lists (style, origin, color,
// brakes, ignition, cooling), each optional.
func (a adForm) readChoices() {
	for _, ch := range []struct {
		name    string
		choices []models.Choice
		dst     *string
	}{
		{"tipo", models.AdTypes, &a.ad.Type}, {"origem", models.AdOrigins, &a.ad.Origin}, {"cor", models.AdColors, &a.ad.Color},
		{"freio", models.AdBrakes, &a.ad.BrakeSystem}, {"partida", models.AdIgnitions, &a.ad.IgnitionSystem},
		{"refrigeracao", models.AdRefrigeration, &a.ad.Refrigeration},
	} {
		v := a.text(a.c, ch.name, 20)
		if v != "" && models.ChoiceLabel(ch.choices, v) == "" {
			a.fail(ch.name, "Escolha uma das opções.")
			v = ""
		}
		*ch.dst = v
	}
}

// readYears reads the fabrication year and the model year, which is the
// same or the next.
func (a adForm) readYears() {
	fab, problem := parseYear(a.text(a.c, "ano_fabricacao", 4))
	a.check("ano_fabricacao", problem)
	my, problem := parseYear(a.text(a.c, "ano_modelo", 4))
	a.check("ano_modelo", problem)
	if problem == "" && a.Errors["ano_fabricacao"] == "" && my != fab && my != fab+1 {
		a.fail("ano_modelo", "O ano do modelo deve ser o de fabricação ou o seguinte.")
	}
	a.ad.FabricationYear, a.ad.ModelYear = fab, my
}

// readMileage reads whether the bike is new and its mileage, which a new
// bike has none of.
func (a adForm) readMileage() {
	a.ad.IsNew = a.checked(a.c, "zero_km")
	km, ok := parseKm(a.text(a.c, "km", 12))
	switch {
	case a.ad.IsNew && a.Values["km"] != "" && (!ok || km > 0):
		a.fail("km", "Uma moto 0 km não pode ter quilometragem.")
	case a.ad.IsNew:
		km = 0
	case !ok || km > 2_000_000:
		a.fail("km", "Informe a quilometragem em números, como 12.500.")
	}
	a.ad.Mileage = km
}

// readPlate reads the license plate, required unless the bike is new.
func (a adForm) readPlate() {
	plate := a.text(a.c, "placa", 10)
	if plate == "" {
		if !a.ad.IsNew {
			a.fail("placa", "Informe a placa no formato antigo (ABC-1234) ou Mercosul (ABC1D23). Ela não aparece no anúncio.")
		}
		return
	}
	p, ok := normalizePlate(plate)
	if !ok {
		a.fail("placa", "Informe a placa no formato antigo (ABC-1234) ou Mercosul (ABC1D23).")
	}
	a.ad.LicensePlate = p
}

// readPrice reads the asking price, above zero and at most maxPrice.
func (a adForm) readPrice() {
	price, ok := parsePrice(a.text(a.c, "preco", 20))
	switch {
	case !ok:
		a.fail("preco", "Informe o preço em reais, como 12.345,00.")
	case price <= 0:
		a.fail("preco", "O preço deve ser maior que zero.")
	case price > maxPrice:
		a.fail("preco", "O preço máximo é R$ 9.999.999,99.")
	}
	a.ad.Price = models.Money(price)
}

// readExtras reads the checkboxes: exchange, offers, papers and the
// optional equipment.
func (a adForm) readExtras() {
	a.ad.AcceptExchange = a.checked(a.c, "aceita_troca")
	a.ad.AcceptNewOffer = a.checked(a.c, "aceita_proposta")
	docOK := a.checked(a.c, "documentacao_ok")
	a.ad.DocOK = &docOK
	optionals := map[string]bool{}
	for _, v := range formValues(a.c, "opcionais") {
		if models.ChoiceLabel(models.AdOptionals, v) != "" {
			optionals[v] = true
			a.Values["opcional_"+v] = "on"
		}
	}
	a.ad.OptionalAlarm, a.ad.OptionalChest = optionals["alarme"], optionals["bau"]
	a.ad.OptionalComputer, a.ad.OptionalGPS = optionals["computador"], optionals["gps"]
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
