package handlers

import (
	"log/slog"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metricsShow serves the Prometheus metrics of g: GET /metrics, on the
// operations listener only. A collector that fails leaves its series out
// and the others are served.
func metricsShow(g prometheus.Gatherer) fiber.Handler {
	if g == nil {
		g = prometheus.NewRegistry()
	}
	h := adaptor.HTTPHandler(promhttp.HandlerFor(g, promhttp.HandlerOpts{
		ErrorLog:      promLogger{},
		ErrorHandling: promhttp.ContinueOnError,
	}))
	return func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderCacheControl, "no-store")
		return h(c)
	}
}

// promLogger logs promhttp's errors through slog.
type promLogger struct{}

// Println logs a gathering error.
func (promLogger) Println(v ...any) { slog.Warn("metrics", "err", v) }
