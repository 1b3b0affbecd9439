package handlers

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"motando/flows"
	"motando/models"
)

// MaxFailedSigninsPerEmail is how many sign-ins with a wrong password one
// e-mail may have within the limiter's window; past it every attempt is
// answered 429 without checking the password.
const MaxFailedSigninsPerEmail = flows.MaxFailedSigninsPerEmail

// signinShow renders the sign-in form: GET /entrar.
func (s *Server) signinShow(c *fiber.Ctx) error {
	next := localTarget(c.Query("next"))
	if currentUser(c) != nil {
		if next == "" {
			next = "/"
		}
		return redirect(c, next)
	}
	f := newForm()
	f.Values["next"] = next
	return s.renderSignin(c, fiber.StatusOK, f)
}

func (s *Server) renderSignin(c *fiber.Ctx, status int, f *form) error {
	return s.render(c, status, "pages/signin", fiber.Map{"Title": "Entrar — Motando", "Form": f, "Notice": draftNotice(f.Values["next"])})
}

// signinCreate checks the e-mail and password and starts a session:
// POST /entrar. Attempts are counted per e-mail and per address before the
// password is checked (flows.SignIn); past the limit every attempt answers
// 429 until the window passes.
func (s *Server) signinCreate(c *fiber.Ctx) error {
	ctx := c.UserContext()
	f := newForm()
	email := models.NormalizeEmail(f.text(c, "email", 254))
	f.Values["email"] = email
	password := f.secret(c, "senha")
	next := localTarget(f.text(c, "next", 500))
	f.Values["next"] = next

	if email == "" || password == "" {
		f.fail("email", "Informe o e-mail e a senha.")
		return s.renderSignin(c, fiber.StatusUnprocessableEntity, f)
	}
	u, err := s.flows.SignIn(ctx, email, password, c.IP())
	switch {
	case errors.Is(err, flows.ErrTooMany):
		return s.tooMany(c, f)
	case errors.Is(err, models.ErrBadCredentials):
		f.fail("email", "E-mail ou senha incorretos.")
		return s.renderSignin(c, fiber.StatusUnprocessableEntity, f)
	case errors.Is(err, models.ErrBlocked):
		f.fail("email", "Esta conta está bloqueada. Fale com o suporte do Motando.")
		return s.renderSignin(c, fiber.StatusForbidden, f)
	case err != nil:
		return err
	}
	if err := s.signIn(c, u); err != nil {
		return err
	}
	if next == "" {
		next = "/"
		if u.IsAdmin {
			next = "/admin"
		}
	}
	return redirect(c, next)
}

func (s *Server) tooMany(c *fiber.Ctx, f *form) error {
	f.fail("email", "Muitas tentativas sem sucesso. Aguarde 15 minutos e tente de novo, ou recupere a sua senha.")
	return s.renderSignin(c, fiber.StatusTooManyRequests, f)
}

// signout ends the session: POST /sair.
func (s *Server) signout(c *fiber.Ctx) error {
	if token, ok := c.Locals(localSession).(string); ok {
		if err := s.sessions.Delete(c.UserContext(), token); err != nil {
			return err
		}
	}
	s.clearSessionCookie(c)
	s.setFlash(c, "Você saiu da sua conta.")
	return redirect(c, "/")
}
