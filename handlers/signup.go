package handlers

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"motando/models"
)

// signupShow renders the sign-up form: GET /cadastro.
func (s *Server) signupShow(c *fiber.Ctx) error {
	if currentUser(c) != nil {
		return redirect(c, "/")
	}
	f := newForm()
	f.Values["next"] = localTarget(c.Query("next"))
	return s.renderSignup(c, fiber.StatusOK, f)
}

func (s *Server) renderSignup(c *fiber.Ctx, status int, f *form) error {
	var cities []models.City
	if st, ok := s.places.StateByUF(f.Values["estado"]); ok {
		cities = s.places.Cities(st.ID)
	}
	return s.render(c, status, "pages/signup", fiber.Map{
		"Title": "Criar conta — Motando", "Form": f, "States": s.places.States, "Cities": cities,
	})
}

// signupCreate registers an account and signs it in: POST /cadastro.
func (s *Server) signupCreate(c *fiber.Ctx) error {
	f := newForm()
	name := f.name(c, "nome")
	email := models.NormalizeEmail(f.text(c, "email", 254))
	f.Values["email"] = email
	password := f.secret(c, "senha")
	confirm := f.secret(c, "senha_confirmacao")
	phoneRaw := f.text(c, "telefone", 30)
	uf := f.text(c, "estado", 2)
	cityID := f.text(c, "cidade", 10)
	next := localTarget(f.text(c, "next", 500))

	if !validEmail(email) {
		f.fail("email", "Informe um e-mail válido, como nome@exemplo.com.br.")
	}
	if p := passwordProblem(password, email); p != "" {
		f.fail("senha", p)
	} else if confirm != password {
		f.fail("senha_confirmacao", "As senhas não são iguais.")
	}
	phone, ok := parsePhone(phoneRaw)
	if !ok {
		f.fail("telefone", "Informe o telefone com DDD, como (11) 98765-4321.")
	}
	st, city, stErr, cityErr := placeIn(s.places, uf, cityID)
	if stErr != "" {
		f.fail("estado", stErr)
	}
	if cityErr != "" {
		f.fail("cidade", cityErr)
	}
	if !f.valid() {
		return s.renderSignup(c, fiber.StatusUnprocessableEntity, f)
	}

	hash, err := models.HashPassword(c.UserContext(), password)
	if err != nil {
		return err
	}
	u := &models.User{Email: email, Fullname: name, Password: hash}
	p := &models.Profile{StateID: &st.ID, CityID: &city.ID, Telephone: phone}
	if err := s.db.CreateUser(c.UserContext(), u, p); errors.Is(err, models.ErrEmailTaken) {
		f.fail("email", "Já existe uma conta com este e-mail. Entre com a sua senha ou recupere-a.")
		return s.renderSignup(c, fiber.StatusUnprocessableEntity, f)
	} else if err != nil {
		return err
	}
	if err := s.signIn(c, u); err != nil {
		return err
	}
	s.setFlash(c, "Conta criada. Bem-vindo ao Motando, "+shorten(u.FirstName(), maxNameWord)+"!")
	if next == "" {
		next = "/"
	}
	return redirect(c, next)
}
