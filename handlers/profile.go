package handlers

import (
	"fmt"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"motando/models"
)

// profileShow renders "Minha conta": GET /conta.
func (s *Server) profileShow(c *fiber.Ctx) error {
	u := currentUser(c)
	p, err := s.db.ProfileOf(c.UserContext(), u.ID)
	if err != nil {
		return fmt.Errorf("read the profile: %w", err)
	}
	return s.renderProfile(c, fiber.StatusOK, profileForm(u, p, s.places))
}

// profileForm fills the form from the stored profile.
func profileForm(u *models.User, p *models.Profile, places *models.Places) *form {
	f := newForm()
	v := f.Values
	v["nome"] = u.Fullname
	v["telefone"] = formatPhone(p.Telephone)
	if p.StateID != nil {
		if st, ok := places.State(*p.StateID); ok {
			v["estado"] = st.Acronym
		}
	}
	if p.CityID != nil {
		v["cidade"] = strconv.FormatUint(uint64(*p.CityID), 10)
	}
	v["cep"] = p.ZipCode
	if len(p.ZipCode) == 8 {
		v["cep"] = p.ZipCode[:5] + "-" + p.ZipCode[5:]
	}
	v["endereco"], v["bairro"], v["complemento"], v["genero"] = p.Address, p.Neighborhood, p.AddressComplement, p.Gender
	if p.DateOfBirth != nil {
		v["nascimento"] = p.DateOfBirth.Format("2006-01-02")
	}
	if p.HasMotorcycle != nil {
		v["possui_moto"] = map[bool]string{true: "sim", false: "nao"}[*p.HasMotorcycle]
	}
	if p.MotorcycleBrandWantedID != nil {
		v["marca_desejada"] = strconv.FormatUint(uint64(*p.MotorcycleBrandWantedID), 10)
	}
	if p.MotorcycleBrandModelWantedID != nil {
		v["modelo_desejado"] = strconv.FormatUint(uint64(*p.MotorcycleBrandModelWantedID), 10)
	}
	if p.MotorcycleWantedYear != nil {
		v["ano_desejado"] = strconv.Itoa(*p.MotorcycleWantedYear)
	}
	for name, on := range map[string]bool{"receber_ofertas": p.SubscribeOffer, "autoriza_whatsapp": p.AuthzWhatsapp,
		"autoriza_sms": p.AuthzSMS, "mostrar_telefone": p.ShowTelephoneClassifiedad} {
		if on {
			v[name] = "on"
		}
	}
	return f
}

// renderProfile renders "Minha conta" with the form f and the lists its
// fields choose from.
func (s *Server) renderProfile(c *fiber.Ctx, status int, f *form) error {
	cat := s.catalog.Load()
	var cities []models.City
	if st, ok := s.places.StateByUF(f.Values["estado"]); ok {
		cities = s.places.Cities(st.ID)
	}
	var wantedModels []models.Model
	if id, err := strconv.ParseUint(f.Values["marca_desejada"], 10, 32); err == nil {
		wantedModels = cat.Models(uint32(id))
	}
	return s.render(c, status, "pages/profile", fiber.Map{
		"Title": "Minha conta — Motando", "Form": f, "States": s.places.States, "Cities": cities,
		"Brands": cat.Brands, "Models": wantedModels, "Email": currentUser(c).Email, "Member": currentUser(c).Created,
	})
}

// profileUpdate validates and stores the profile: POST /conta.
func (s *Server) profileUpdate(c *fiber.Ctx) error {
	u := currentUser(c)
	f := newForm()
	name := f.name(c, "nome")
	p := &models.Profile{
		Address:                   f.text(c, "endereco", 1000),
		Neighborhood:              f.text(c, "bairro", 100),
		AddressComplement:         f.text(c, "complemento", 500),
		SubscribeOffer:            f.checked(c, "receber_ofertas"),
		AuthzWhatsapp:             f.checked(c, "autoriza_whatsapp"),
		AuthzSMS:                  f.checked(c, "autoriza_sms"),
		ShowTelephoneClassifiedad: f.checked(c, "mostrar_telefone"),
	}
	pf := profileFields{form: f, c: c, p: p}
	pf.readContact(s.places)
	pf.readPerson()
	pf.readWanted(s.catalog.Load())
	if !f.valid() {
		return s.renderProfile(c, fiber.StatusUnprocessableEntity, f)
	}
	if err := s.db.SaveProfile(c.UserContext(), u.ID, name, p); err != nil {
		return fmt.Errorf("save the profile: %w", err)
	}
	s.setFlash(c, "Dados salvos.")
	return redirect(c, "/conta")
}

// profileFields is the profile form being read into a profile.
type profileFields struct {
	*form
	c *fiber.Ctx
	p *models.Profile
}

// readContact reads the phone, required, the state and city, and the
// optional CEP.
func (pf profileFields) readContact(places *models.Places) {
	if phone, ok := parsePhone(pf.text(pf.c, "telefone", 30)); ok {
		pf.p.Telephone = phone
	} else {
		pf.fail("telefone", "Informe o telefone com DDD, como (11) 98765-4321.")
	}
	st, city := pf.place(pf.c, places)
	pf.p.StateID, pf.p.CityID = &st.ID, &city.ID
	if cep := digitsOnly(pf.text(pf.c, "cep", 10)); pf.Values["cep"] != "" {
		if len(cep) != 8 {
			pf.fail("cep", "Informe o CEP com 8 dígitos, como 01310-100.")
		}
		pf.p.ZipCode = cep
	}
}

// readPerson reads the optional gender, date of birth (16 years ago or
// more) and whether the person has a bike.
func (pf profileFields) readPerson() {
	switch g := pf.text(pf.c, "genero", 1); g {
	case "", "M", "F":
		pf.p.Gender = g
	default:
		pf.fail("genero", "Escolha uma das opções.")
	}
	if raw := pf.text(pf.c, "nascimento", 10); raw != "" {
		d, ok := parseDate(raw)
		age := time.Since(d).Hours() / 24 / 365.25
		if !ok || age < 16 || age > 120 {
			pf.fail("nascimento", "Informe uma data de nascimento válida (é preciso ter 16 anos ou mais).")
		} else {
			pf.p.DateOfBirth = &d
		}
	}
	switch pf.text(pf.c, "possui_moto", 3) {
	case "sim":
		yes := true
		pf.p.HasMotorcycle = &yes
	case "nao":
		no := false
		pf.p.HasMotorcycle = &no
	}
}

// readWanted reads the bike the person wants, each part optional: a
// brand, a model of that brand, a year.
func (pf profileFields) readWanted(cat *models.Catalog) {
	if raw := pf.text(pf.c, "marca_desejada", 10); raw != "" {
		if b, ok := cat.Brand(catalogID(raw)); ok {
			pf.p.MotorcycleBrandWantedID = &b.ID
		} else {
			pf.fail("marca_desejada", "Escolha uma marca da lista.")
		}
	}
	if raw := pf.text(pf.c, "modelo_desejado", 10); raw != "" {
		m, ok := cat.Model(catalogID(raw))
		if !ok || pf.p.MotorcycleBrandWantedID == nil || m.BrandID != *pf.p.MotorcycleBrandWantedID {
			pf.fail("modelo_desejado", "Escolha um modelo da marca escolhida.")
		} else {
			pf.p.MotorcycleBrandModelWantedID = &m.ID
		}
	}
	if raw := pf.text(pf.c, "ano_desejado", 4); raw != "" {
		y, problem := parseYear(raw)
		pf.check("ano_desejado", problem)
		if problem == "" {
			pf.p.MotorcycleWantedYear = &y
		}
	}
}
