package handlers

import (
	"errors"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"motando/flows"
	"motando/models"
)

// maxMessageLen is the longest message, in characters.
const maxMessageLen = 2000

// messageBody reads and checks a message field.
func messageBody(f *form, c *fiber.Ctx) string {
	body := f.text(c, "mensagem", maxMessageLen)
	if n := utf8.RuneCountInString(body); n < 2 {
		f.fail("mensagem", "Escreva a sua mensagem.")
	}
	return body
}

// contactShow data: the contact form of an ad, prefilled for a signed-in
// buyer.
func contactForm(u *models.User, phone string) *form {
	f := newForm()
	if u != nil {
		f.Values["nome"], f.Values["email"], f.Values["telefone"] = u.Fullname, u.Email, formatPhone(phone)
	}
	return f
}

// messageCreate sends a buyer's message to the seller of an ad:
// POST /anuncio/{id}/mensagens. Anonymous visitors may write, with any
// e-mail: the answer never tells whether it has an account. A filled
// honeypot field is accepted and dropped.
func (s *Server) messageCreate(c *fiber.Ctx) error {
	ctx := c.UserContext()
	page, err := s.publicAd(c)
	if err != nil {
		return err
	}
	ad := page.Ad
	u := currentUser(c)
	f := newForm()
	name := f.text(c, "nome", 120)
	email := models.NormalizeEmail(f.text(c, "email", 254))
	phoneRaw := f.text(c, "telefone", 30)
	body := messageBody(f, c)
	if c.FormValue("site") != "" {
		return s.contactSent(c, ad, false)
	}
	// Every attempt counts, before anything is looked up.
	if err := s.flows.CountContact(ctx, c.IP()); err != nil {
		return s.contactRefused(c, page, f, err)
	}
	b := models.Buyer{Name: name, Email: email}
	if u != nil {
		b = models.Buyer{UserID: &u.ID, Name: u.Fullname, Email: u.Email}
		if u.ID == ad.UserID {
			f.fail("mensagem", "Este anúncio é seu.")
		}
	} else {
		if utf8.RuneCountInString(name) < 2 {
			f.fail("nome", "Informe o seu nome.")
		}
		if !validEmail(email) {
			f.fail("email", "Informe um e-mail válido para receber a resposta.")
		}
	}
	if phoneRaw != "" {
		if p, ok := parsePhone(phoneRaw); ok {
			b.Phone = p
		} else {
			f.fail("telefone", "Informe o telefone com DDD, como (11) 98765-4321, ou deixe em branco.")
		}
	}
	if !f.valid() {
		return s.renderContact(c, fiber.StatusUnprocessableEntity, page, f)
	}
	card := s.cardOf(ad)
	err = s.flows.SendContact(ctx, flows.Contact{
		Ad: ad, Seller: page.Seller, Line: flows.AdLine{Title: card.Title, Years: card.Years, Price: card.Price},
		Buyer: b, Body: body, Anonymous: u == nil,
	})
	if err != nil {
		return s.contactRefused(c, page, f, err)
	}
	return s.contactSent(c, ad, u == nil)
}

// renderContact answers the contact form again: the partial to htmx, the
// ad's page otherwise.
func (s *Server) renderContact(c *fiber.Ctx, status int, page *models.AdPage, f *form) error {
	if isPartial(c) {
		return s.render(c, status, "partials/contact_form", fiber.Map{"Form": f, "AdID": page.Ad.ID})
	}
	return s.renderAdPage(c, status, page, f)
}

// contactSent confirms a message.
func (s *Server) contactSent(c *fiber.Ctx, ad *models.Ad, anonymous bool) error {
	msg := "Mensagem enviada! O vendedor responde por aqui, em Mensagens."
	if anonymous {
		msg = "Mensagem enviada! A resposta do vendedor chega ao seu e-mail, com um link para continuar a conversa."
	}
	if isPartial(c) {
		return s.render(c, fiber.StatusOK, "partials/contact_sent", fiber.Map{"Message": msg})
	}
	s.setFlash(c, msg)
	return redirect(c, s.cardOf(ad).URL)
}

// contactRefused answers a contact past its limits with 429 and the
// reason beside the message; any other error is the site's.
func (s *Server) contactRefused(c *fiber.Ctx, page *models.AdPage, f *form, err error) error {
	if !errors.Is(err, flows.ErrTooMany) {
		return err
	}
	f.fail("mensagem", "Você enviou muitas mensagens em pouco tempo. Aguarde alguns minutos e tente de novo.")
	return s.renderContact(c, fiber.StatusTooManyRequests, page, f)
}
