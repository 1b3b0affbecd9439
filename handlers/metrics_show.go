package handlers

import (
	"bytes"

	"github.com/gofiber/fiber/v2"
)

// metricsShow writes the Prometheus metrics: GET /metrics.
func (s *Server) metricsShow(c *fiber.Ctx) error {
	var buf bytes.Buffer
	if s.metrics != nil {
		s.metrics(c.UserContext(), &buf)
	}
	c.Set(fiber.HeaderContentType, "text/plain; version=0.0.4; charset=utf-8")
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(buf.Bytes())
}
