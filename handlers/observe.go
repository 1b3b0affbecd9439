package handlers

import (
	"log/slog"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"motando/logs"
)

// observe gives every request an id (kept from a sane X-Request-Id, made
// otherwise) that every log line of the request carries and the answer
// echoes, counts the request by route, method and status with its latency,
// and logs it by route (at info level: MOTANDO_LOG_LEVEL=warn silences it).
func (s *Server) observe(c *fiber.Ctx) error {
	start := time.Now()
	id := c.Get("X-Request-Id")
	if !validRequestID(id) {
		id = logs.NewRequestID()
	}
	c.Set("X-Request-Id", id)
	c.SetUserContext(logs.WithRequestID(c.UserContext(), id))
	if err := c.Next(); err != nil {
		// Answer the error here, so that the status counted is the one sent.
		if herr := s.handleError(c, err); herr != nil {
			return herr
		}
	}
	took := time.Since(start)
	status := c.Response().StatusCode()
	if s.httpMetrics != nil {
		// Fiber's method string aliases a buffer reused by the next
		// request: the counter's key must own its copy.
		s.httpMetrics.Observe(c.Route().Path, strings.Clone(c.Method()), status, took)
	}
	// The route's pattern, never the path: paths carry tokens (a password
	// reset, an anonymous buyer's conversation).
	slog.InfoContext(c.UserContext(), "request", "method", c.Method(), "route", c.Route().Path,
		"status", status, "ms", float64(took.Microseconds())/1000)
	return nil
}

func validRequestID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}
