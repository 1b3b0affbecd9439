package handlers

import (
	"github.com/gofiber/fiber/v2"
	"strconv"

	"motando/models"
)

// passwordShow renders the password change form: GET /conta/senha.
func (s *Server) passwordShow(c *fiber.Ctx) error {
	return s.renderPassword(c, fiber.StatusOK, newForm())
}

func (s *Server) renderPassword(c *fiber.Ctx, status int, f *form) error {
	return s.render(c, status, "pages/password", fiber.Map{"Title": "Alterar senha — Motando", "Form": f})
}

// passwordUpdate changes the password: POST /conta/senha. The current
// password is required; this browser stays signed in and every other
// session of the account ends.
func (s *Server) passwordUpdate(c *fiber.Ctx) error {
	ctx := c.UserContext()
	u := currentUser(c)
	f := newForm()
	current := f.secret(c, "senha_atual")
	password := f.secret(c, "senha")
	confirm := f.secret(c, "senha_confirmacao")
	// Guessing the current password is limited like signing in.
	limitKey := "password:user:" + strconv.FormatUint(u.ID, 10)
	allowed, _, err := s.limits.Reserve(ctx, limitKey, MaxFailedSigninsPerEmail)
	if err != nil {
		return err
	}
	if !allowed {
		f.fail("senha_atual", "Muitas tentativas. Aguarde 15 minutos e tente de novo.")
		return s.renderPassword(c, fiber.StatusTooManyRequests, f)
	}
	ok, err := models.CheckPassword(ctx, u.Password, current)
	if err != nil {
		return err
	}
	if !ok {
		f.fail("senha_atual", "A senha atual está incorreta.")
	} else if err := s.limits.Release(ctx, limitKey); err != nil {
		return err
	}
	if p := passwordProblem(password, u.Email); p != "" {
		f.fail("senha", p)
	} else if password == current {
		f.fail("senha", "A nova senha precisa ser diferente da atual.")
	} else if confirm != password {
		f.fail("senha_confirmacao", "As senhas não são iguais.")
	}
	if !f.valid() {
		return s.renderPassword(c, fiber.StatusUnprocessableEntity, f)
	}
	hash, err := models.HashPassword(c.UserContext(), password)
	if err != nil {
		return err
	}
	if err := s.db.SetPassword(ctx, u.ID, hash); err != nil {
		return err
	}
	keep, _ := c.Locals(localSession).(string)
	if err := s.sessions.DeleteOthers(ctx, u.ID, keep); err != nil {
		return err
	}
	s.setFlash(c, "Senha alterada. As outras sessões da sua conta foram encerradas.")
	return redirect(c, "/conta")
}
