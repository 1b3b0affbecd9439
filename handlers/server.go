// Package handlers is the web application: the Fiber app, its routes (one
// file per resource action, named noun_verb.go), middleware and the
// rendering helpers for full pages and htmx partials.
package handlers

import (
	"context"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/recover"
	"github.com/gofiber/template/html/v2"

	"motando/models"
	"motando/templates"
)

// Check is one readiness probe: a dependency that must answer.
type Check struct {
	Name  string
	Check func(ctx context.Context) error
}

// Config is what the web application needs from main.
type Config struct {
	DB         *models.DB
	Places     *models.Places
	Catalog    *models.Catalog
	Production bool
	BaseURL    string
	Ready      []Check
}

// Server holds the application's state shared by the handlers.
type Server struct {
	db         *models.DB
	places     *models.Places
	catalog    atomic.Pointer[models.Catalog]
	production bool
	baseURL    string
	ready      []Check
	assets     *assets
}

// New builds the Fiber application with every route.
func New(cfg Config) (*fiber.App, error) {
	s := &Server{
		db:         cfg.DB,
		places:     cfg.Places,
		production: cfg.Production,
		baseURL:    cfg.BaseURL,
		ready:      cfg.Ready,
	}
	s.catalog.Store(cfg.Catalog)
	var err error
	if s.assets, err = loadAssets(); err != nil {
		return nil, err
	}

	engine := html.NewFileSystem(http.FS(templates.FS), ".html")
	engine.AddFuncMap(s.templateFuncs())
	if err := engine.Load(); err != nil {
		return nil, err
	}

	app := fiber.New(fiber.Config{
		Views:                 engine,
		ErrorHandler:          s.handleError,
		DisableStartupMessage: true,
		ReadTimeout:           30 * time.Second,
		WriteTimeout:          60 * time.Second,
		IdleTimeout:           120 * time.Second,
		BodyLimit:             16 << 20,
		ReadBufferSize:        16 << 10,
	})
	app.Use(recover.New())
	app.Use(securityHeaders(cfg.Production))
	s.routes(app)
	return app, nil
}

func (s *Server) routes(app *fiber.App) {
	app.Get("/healthz", s.healthCheck)
	app.Get("/readyz", s.readyCheck)
	app.Get("/static/*", s.assetShow)

	app.Get("/", s.homeShow)
	app.Get("/catalogo/modelos", s.catalogModels)
	app.Get("/catalogo/versoes", s.catalogVersions)
	app.Get("/localidades/cidades", s.placesCities)

	app.Use(func(c *fiber.Ctx) error { return fiber.ErrNotFound })
}

// securityHeaders sets the headers every answer carries. The policy allows
// only the site's own scripts and styles; photos may come from the public
// bucket over https.
func securityHeaders(production bool) fiber.Handler {
	csp := "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; " +
		"font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'"
	return func(c *fiber.Ctx) error {
		h := &c.Response().Header
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Frame-Options", "DENY")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
		if production {
			h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
		}
		return c.Next()
	}
}
