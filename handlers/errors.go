package handlers

import (
	"errors"
	"log/slog"

	"github.com/gofiber/fiber/v2"

	"motando/models"
)

// errorMessages are the pt-BR texts of the error page, by status.
var errorMessages = map[int]string{
	fiber.StatusBadRequest:            "Não entendemos o pedido. Confira os dados e tente de novo.",
	fiber.StatusForbidden:             "Este pedido não pôde ser aceito. Recarregue a página e tente de novo.",
	fiber.StatusNotFound:              "Página não encontrada.",
	fiber.StatusMethodNotAllowed:      "Página não encontrada.",
	fiber.StatusRequestEntityTooLarge: "O envio é grande demais.",
	fiber.StatusLengthRequired:        "O envio não disse o seu tamanho. Tente de novo pelo formulário do site.",
	fiber.StatusTooManyRequests:       "Muitas tentativas. Aguarde alguns minutos e tente de novo.",
	fiber.StatusServiceUnavailable:    "O serviço está indisponível no momento. Tente de novo em instantes.",
	fiber.StatusInternalServerError:   "Algo deu errado do nosso lado. Tente de novo em instantes.",
}

// statusOf maps an error to the HTTP status it answers with: the one place
// where application errors meet HTTP.
func statusOf(err error) int {
	var fe *fiber.Error
	switch {
	case errors.As(err, &fe):
		return fe.Code
	case errors.Is(err, models.ErrNotFound):
		return fiber.StatusNotFound
	case errors.Is(err, models.ErrBusy):
		return fiber.StatusServiceUnavailable
	default:
		return fiber.StatusInternalServerError
	}
}

// handleError renders the error page in pt-BR; unexpected errors are logged
// and never shown to the visitor.
func (s *Server) handleError(c *fiber.Ctx, err error) error {
	status := statusOf(err)
	msg, ok := errorMessages[status]
	if !ok {
		msg = errorMessages[fiber.StatusInternalServerError]
	}
	var fe *fiber.Error
	if status == fiber.StatusUnprocessableEntity && errors.As(err, &fe) {
		msg = fe.Message // the handler's own pt-BR reason
	}
	if status == fiber.StatusServiceUnavailable && len(c.Response().Header.Peek(fiber.HeaderRetryAfter)) == 0 {
		c.Set(fiber.HeaderRetryAfter, "5")
	}
	switch {
	case status == fiber.StatusServiceUnavailable:
		// Expected while starting (the search index loading) or shedding
		// load: the answer says when to try again.
		slog.DebugContext(c.UserContext(), "request refused", "route", c.Route().Path, "err", err)
	case status >= 500:
		slog.ErrorContext(c.UserContext(), "request failed", "method", c.Method(), "route", c.Route().Path, "err", err)
	}
	if isPartial(c) {
		c.Set(fiber.HeaderContentType, fiber.MIMETextPlainCharsetUTF8)
		return c.Status(status).SendString(msg)
	}
	if rerr := s.render(c, status, "pages/error", fiber.Map{"Title": msg, "Status": status, "Message": msg}); rerr != nil {
		slog.Error("render error page", "err", rerr)
		c.Set(fiber.HeaderContentType, fiber.MIMETextPlainCharsetUTF8)
		return c.Status(status).SendString(msg)
	}
	return nil
}
