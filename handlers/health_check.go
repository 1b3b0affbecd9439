package handlers

import (
	"context"
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"
)

// healthCheck answers 200 while the process serves requests.
func (s *Server) healthCheck(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.SendString("ok")
}

// readyCheck answers 200 when every dependency answers within a second, 503
// naming the ones that did not.
func (s *Server) readyCheck(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	ctx, cancel := context.WithTimeout(c.UserContext(), time.Second)
	defer cancel()
	type result struct {
		name string
		err  error
	}
	results := make(chan result, len(s.ready))
	for _, chk := range s.ready {
		go func() { results <- result{chk.Name, chk.Check(ctx)} }()
	}
	status, body := fiber.StatusOK, ""
	for range s.ready {
		r := <-results
		if r.err != nil {
			slog.Warn("not ready", "dependency", r.name, "err", r.err)
			status = fiber.StatusServiceUnavailable
			body += r.name + ": unavailable\n"
		}
	}
	if status == fiber.StatusOK {
		body = "ok"
	}
	return c.Status(status).SendString(body)
}
