package handlers

import (
	"errors"
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"

	"motando/models"
	"motando/worker"
)

const (
	resetTTL            = time.Hour
	maxResetsPerEmail   = 5
	maxResetsPerAddress = 20
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
	n, err := s.limits.Add(ctx, "reset:email:"+email)
	if err != nil {
		return err
	}
	m, err := s.limits.Add(ctx, "reset:addr:"+c.IP())
	if err != nil {
		return err
	}
	if n <= maxResetsPerEmail && m <= maxResetsPerAddress {
		if err := s.sendResetLink(c, email); err != nil {
			return err
		}
	}
	return s.render(c, fiber.StatusOK, "pages/password_forgot", fiber.Map{"Title": "Recuperar senha — Motando", "Form": f, "Sent": true})
}

func (s *Server) sendResetLink(c *fiber.Ctx, email string) error {
	ctx := c.UserContext()
	u, err := s.db.UserByEmail(ctx, email)
	if errors.Is(err, models.ErrNotFound) || (err == nil && u.BlockedAt != nil) {
		return nil
	}
	if err != nil {
		return err
	}
	mail, err := s.db.RequestPasswordReset(ctx, u, resetTTL, func(token string) (string, string) {
		return "Motando: redefinição de senha",
			"Olá, " + u.FirstName() + ".\n\nRecebemos um pedido para redefinir a senha da sua conta no Motando.\n" +
				"Para escolher uma nova senha, abra o link abaixo (ele vale por 1 hora e só pode ser usado uma vez):\n\n" +
				s.baseURL + "/senha/redefinir/" + token + "\n\nSe não foi você, ignore este e-mail: a sua senha continua a mesma.\n"
	})
	if err != nil {
		return err
	}
	s.enqueue(c, worker.Job{Kind: worker.KindEmail, ID: mail.ID})
	return nil
}

// enqueue hands a job to the worker; if the queue is down, the reconciler
// enqueues it later from the database.
func (s *Server) enqueue(c *fiber.Ctx, j worker.Job) {
	if err := s.queue.Enqueue(c.UserContext(), j); err != nil {
		slog.Warn("enqueue failed; the reconciler will retry", "kind", j.Kind, "id", j.ID, "err", err)
	}
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
