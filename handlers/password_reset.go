package handlers

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"motando/models"
)

// passwordForgotShow asks for the e-mail: GET /senha/esqueci.
func (s *Server) passwordForgotShow(c *fiber.Ctx) error {
	return s.render(c, fiber.StatusOK, "pages/password_forgot", fiber.Map{"Title": "Recuperar senha — Motando", "Form": newForm()})
}

// passwordForgotCreate sends a reset link when the e-mail has an account:
// POST /senha/esqueci. The answer is the same either way.
func (s *Server) passwordForgotCreate(c *fiber.Ctx) error {
	ctx := c.UserContext()
	f := newForm()
	email := models.NormalizeEmail(f.text(c, "email", 254))
	if !validEmail(email) {
		f.fail("email", "Informe um e-mail válido, como nome@exemplo.com.br.")
		return s.render(c, fiber.StatusUnprocessableEntity, "pages/password_forgot", fiber.Map{"Title": "Recuperar senha — Motando", "Form": f})
	}
	if err := s.flows.RequestPasswordReset(ctx, email, c.IP()); err != nil {
		return err
	}
	return s.render(c, fiber.StatusOK, "pages/password_forgot", fiber.Map{"Title": "Recuperar senha — Motando", "Form": f, "Sent": true})
}

// passwordResetShow renders the new-password form of a valid link:
// GET /senha/redefinir/{token}.
func (s *Server) passwordResetShow(c *fiber.Ctx) error {
	if _, err := s.db.PasswordResetUser(c.UserContext(), c.Params("token")); err != nil {
		return s.resetLinkInvalid(c, err)
	}
	return s.render(c, fiber.StatusOK, "pages/password_reset", fiber.Map{"Title": "Nova senha — Motando", "Form": newForm()})
}

func (s *Server) resetLinkInvalid(c *fiber.Ctx, err error) error {
	if !errors.Is(err, models.ErrNotFound) {
		return err
	}
	return s.render(c, fiber.StatusNotFound, "pages/password_reset", fiber.Map{"Title": "Link inválido — Motando", "Invalid": true})
}

// passwordResetUpdate sets the new password, spends the link, ends every
// session of the account and signs this browser in:
// POST /senha/redefinir/{token}.
func (s *Server) passwordResetUpdate(c *fiber.Ctx) error {
	ctx := c.UserContext()
	token := c.Params("token")
	u, err := s.db.PasswordResetUser(ctx, token)
	if err != nil {
		return s.resetLinkInvalid(c, err)
	}
	f := newForm()
	password := f.secret(c, "senha")
	if p := passwordProblem(password, u.Email); p != "" {
		f.fail("senha", p)
	} else if f.secret(c, "senha_confirmacao") != password {
		f.fail("senha_confirmacao", "As senhas não são iguais.")
	}
	if !f.valid() {
		return s.render(c, fiber.StatusUnprocessableEntity, "pages/password_reset", fiber.Map{"Title": "Nova senha — Motando", "Form": f})
	}
	hash, err := models.HashPassword(c.UserContext(), password)
	if err != nil {
		return err
	}
	if u, err = s.db.UsePasswordReset(ctx, token, hash); err != nil {
		return s.resetLinkInvalid(c, err)
	}
	if err := s.sessions.DeleteOthers(ctx, u.ID, ""); err != nil {
		return err
	}
	if err := s.signIn(c, u); err != nil {
		return err
	}
	s.setFlash(c, "Senha redefinida. Você já está na sua conta.")
	return redirect(c, "/conta")
}
