package handlers

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"log/slog"
	"strconv"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"motando/models"
	"motando/worker"
)

// Contact limits, within the limiter's window.
const (
	maxContactsPerAddr  = 20
	maxContactsPerEmail = 10
	maxMessageLen       = 2000
)

// newPrivateLink makes an anonymous buyer's private link token: random,
// sent by e-mail only, kept in the database as its SHA-256 — revocable by
// replacing the hash, and untouched by a change of the site's secret.
func newPrivateLink() (token, hash string) {
	b := make([]byte, 32)
	rand.Read(b)
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, tokenHash(token)
}

func tokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

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
	n, err := s.limits.Add(ctx, "contact:addr:"+c.IP())
	if err != nil {
		return err
	}
	if n > maxContactsPerAddr {
		f.fail("mensagem", "Você enviou muitas mensagens em pouco tempo. Aguarde alguns minutos e tente de novo.")
		return s.renderContact(c, fiber.StatusTooManyRequests, page, f)
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
	m, err := s.limits.Add(ctx, "contact:email:"+b.Email)
	if err != nil {
		return err
	}
	if m > maxContactsPerEmail {
		f.fail("mensagem", "Você enviou muitas mensagens em pouco tempo. Aguarde alguns minutos e tente de novo.")
		return s.renderContact(c, fiber.StatusTooManyRequests, page, f)
	}
	// The private link is made when the seller answers; until then the
	// conversation has a hash nobody holds the link of.
	_, hash := newPrivateLink()
	conv, created, err := s.db.ContactSeller(ctx, ad, b, body, hash)
	if err != nil {
		return err
	}
	card := s.cardOf(ad)
	if created {
		s.sendEmail(c, page.Seller.Email, "Motando: nova mensagem sobre "+card.Title,
			"Olá, "+page.Seller.FirstName()+".\n\n"+b.Name+" escreveu sobre o seu anúncio "+card.Title+" "+card.Years+" ("+card.Price+"):\n\n"+
				body+"\n\nResponda em "+s.baseURL+"/mensagens/"+strconv.FormatUint(conv.ID, 10)+"\n")
	}
	if u == nil {
		// Someone wrote without signing in, giving the e-mail of an
		// account: the answer is the same as for any e-mail (it never
		// tells whether an account exists), and the account is told.
		if owner, err := s.db.UserByEmail(ctx, b.Email); err == nil {
			s.sendEmail(c, owner.Email, "Motando: uma mensagem foi enviada com o seu e-mail",
				"Olá, "+owner.FirstName()+".\n\nAlguém enviou uma mensagem sobre o anúncio "+card.Title+" "+card.Years+
					" informando o seu e-mail, sem entrar na conta. Se foi você, as respostas do vendedor chegarão por e-mail;"+
					" da próxima vez, entre na sua conta para vê-las em Mensagens.\nSe não foi você, ignore este aviso.\n")
		} else if !errors.Is(err, models.ErrNotFound) {
			return err
		}
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

// sendEmail stores a message in the outbox and hands it to the worker; a
// failure is logged, never shown: the message the person wrote is saved.
func (s *Server) sendEmail(c *fiber.Ctx, to, subject, body string) {
	mail, err := models.QueueEmail(c.UserContext(), s.db.DB, to, subject, body)
	if err != nil {
		slog.Error("queue e-mail", "to", to, "err", err)
		return
	}
	s.enqueue(c, worker.Job{Kind: worker.KindEmail, ID: mail.ID})
}
