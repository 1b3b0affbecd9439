// Package handlers is the web application: the Fiber app, its routes (one
// file per resource action, named noun_verb.go), middleware and the
// rendering helpers for full pages and htmx partials.
package handlers

import (
	"cmp"
	"context"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/compress"
	"github.com/gofiber/fiber/v2/middleware/recover"
	"github.com/gofiber/template/html/v2"
	"github.com/prometheus/client_golang/prometheus"

	"motando/flows"
	"motando/metrics"
	"motando/models"
	"motando/ratelimit"
	"motando/search"
	"motando/session"
	"motando/stats"
	"motando/storage"
	"motando/templates"
	"motando/worker"
)

// Check is one readiness probe: a dependency that must answer.
type Check struct {
	Name  string
	Check func(ctx context.Context) error
}

// Config is what the web application needs from main.
type Config struct {
	DB      *models.DB
	Places  *models.Places
	Catalog *models.Catalog
	// Search is the index of the listed ads every search, the home page
	// and the sitemap read.
	Search     *search.Index
	Store      storage.Storage
	Queue      worker.Queue
	Production bool
	BaseURL    string
	// Ready are the dependencies /readyz checks.
	Ready []Check
	// Readiness runs the Ready checks, shared by the public and the
	// operations listeners; nil: each application makes its own.
	Readiness *Readiness
	// ServeMedia serves the public bucket under /media/ (local backend).
	ServeMedia bool
	// Metrics gathers what the operations listener serves at /metrics.
	Metrics prometheus.Gatherer
	// Sessions keeps signed-in browsers.
	Sessions session.Store
	// Secret keys the CSRF tokens; at least 32 bytes.
	Secret []byte
	// Limits counts failed sign-ins and other attempts, per key.
	Limits ratelimit.Counter
	// AdTTL is how long a renewed ad stays up.
	AdTTL time.Duration
	// HTTPMetrics counts the requests; nil counts nothing.
	HTTPMetrics *metrics.HTTP
	// ReconcileAfter is how long an ad may wait for the worker before the
	// reconciler enqueues it again; the admin area lists the ads waiting
	// longer. 2 minutes when zero.
	ReconcileAfter time.Duration
	// CatalogRefresh is how often a web process looks for catalog changes
	// made by other processes. 5 seconds when zero.
	CatalogRefresh time.Duration
	// TrustedProxies are the load balancers whose X-Forwarded-For names the
	// client.
	TrustedProxies []string
	// Stats counts ad views, contact taps and searches; nil counts nothing.
	Stats *stats.Counter
}

// Server holds the application's state shared by the handlers.
type Server struct {
	db          *models.DB
	places      *models.Places
	catalog     atomic.Pointer[models.Catalog]
	index       *search.Index
	views       *html.Engine
	store       storage.Storage
	queue       worker.Queue
	flows       *flows.Flows
	media       storage.Storage // nil unless /media/ is served
	production  bool
	baseURL     string
	ready       *Readiness
	sessions    session.Store
	secret      []byte
	limits      ratelimit.Counter
	adTTL       time.Duration
	httpMetrics *metrics.HTTP
	assets      *assets
	uploads     chan struct{} // one token per large body being read
	stats       *stats.Counter

	reconcileAfter time.Duration
	catalogSync    catalogSync
}

// New builds the Fiber application with every route.
func New(cfg Config) (*fiber.App, error) {
	return newApp(cfg, true)
}

// NewProbes builds the small application a worker-only process serves on
// its public address: /healthz and /readyz.
func NewProbes(cfg Config) (*fiber.App, error) {
	return newApp(cfg, false)
}

// NewOps builds the application of the operations listener
// (MOTANDO_OPS_ADDR), never the public one: /healthz, /readyz naming each
// dependency and its error, and /metrics. Its requests are neither counted
// nor logged.
func NewOps(cfg Config) (*fiber.App, error) {
	s := &Server{ready: readinessOf(cfg)}
	app := fiber.New(fiber.Config{
		DisableStartupMessage: true,
		ReadTimeout:           10 * time.Second,
		WriteTimeout:          30 * time.Second,
		IdleTimeout:           120 * time.Second,
	})
	app.Use(recover.New())
	app.Get("/healthz", s.healthCheck)
	app.Get("/readyz", s.readyDetail)
	app.Get("/metrics", metricsShow(cfg.Metrics))
	return app, nil
}

func newApp(cfg Config, site bool) (*fiber.App, error) {
	s := &Server{
		db:          cfg.DB,
		places:      cfg.Places,
		index:       cfg.Search,
		production:  cfg.Production,
		baseURL:     cfg.BaseURL,
		ready:       readinessOf(cfg),
		store:       cfg.Store,
		queue:       cfg.Queue,
		sessions:    cfg.Sessions,
		secret:      cfg.Secret,
		limits:      cfg.Limits,
		adTTL:       cfg.AdTTL,
		httpMetrics: cfg.HTTPMetrics,
		stats:       cfg.Stats,

		reconcileAfter: cmp.Or(cfg.ReconcileAfter, 2*time.Minute),
		catalogSync:    catalogSync{every: cmp.Or(cfg.CatalogRefresh, 5*time.Second)},
	}
	s.flows = &flows.Flows{DB: cfg.DB, Queue: cfg.Queue, Limits: cfg.Limits, BaseURL: cfg.BaseURL}
	if cfg.ServeMedia {
		s.media = cfg.Store
	}
	s.setCatalog(cfg.Catalog)
	s.uploads = make(chan struct{}, uploadsAtOnce)
	var err error
	if s.assets, err = loadAssets(); err != nil {
		return nil, err
	}

	engine := html.NewFileSystem(http.FS(templates.FS), ".html")
	engine.AddFuncMap(s.templateFuncs())
	if err := engine.Load(); err != nil {
		return nil, err
	}
	s.views = engine

	app := fiber.New(fiber.Config{
		Views:                 engine,
		ErrorHandler:          s.handleError,
		DisableStartupMessage: true,
		ReadTimeout:           30 * time.Second,
		WriteTimeout:          60 * time.Second,
		IdleTimeout:           120 * time.Second,
		// Bodies are streamed, and bodyLimit holds each route to its own
		// limit before reading them; this is the largest (the ad form
		// with its photos, sent without JavaScript).
		BodyLimit:                    formBody,
		StreamRequestBody:            true,
		DisablePreParseMultipartForm: true,
		ReadBufferSize:               16 << 10,
		// Behind trusted load balancers the client is the one their
		// X-Forwarded-For names; anyone else's header is ignored.
		ProxyHeader:             proxyHeader(cfg.TrustedProxies),
		EnableTrustedProxyCheck: len(cfg.TrustedProxies) > 0,
		TrustedProxies:          cfg.TrustedProxies,
		EnableIPValidation:      true,
	})
	app.Server().ContinueHandler = continueWithin
	app.Use(s.observe, recover.New(), s.bodyLimit)
	app.Use(securityHeaders(cfg.Production))
	// Pages, partials, JSON, XML and SVG go out compressed (brotli or
	// gzip, as the browser accepts); photos are compressed already, and
	// the static files carry their compressed bodies ready (assetShow).
	app.Use(compress.New(compress.Config{Next: func(c *fiber.Ctx) bool {
		return strings.HasPrefix(c.Path(), "/media/")
	}}))
	app.Get("/healthz", s.healthCheck)
	app.Get("/readyz", s.readyCheck) // /metrics: on the operations listener only
	if site {
		s.routes(app)
	}
	app.Use(func(c *fiber.Ctx) error { return fiber.ErrNotFound })
	return app, nil
}

func (s *Server) routes(app *fiber.App) {
	app.Get("/static/*", s.assetShow)
	if s.media != nil {
		app.Get("/media/*", s.mediaShow)
	}
	app.Use(s.syncCatalog, s.loadSession, s.csrf)

	app.Get("/", s.homeShow)
	app.Get("/motos", s.searchShow)
	app.Get("/preco-justo", s.fairPriceShow)
	app.Get("/sugestoes", s.suggestionList)
	app.Get("/sitemap.xml", s.sitemap)
	app.Get("/robots.txt", s.robots)
	app.Get("/catalogo/modelos", s.catalogModels)
	app.Get("/catalogo/versoes", s.catalogVersions)
	app.Get("/localidades/cidades", s.placesCities)

	app.Get("/cadastro", s.signupShow)
	app.Post("/cadastro", s.signupCreate)
	app.Get("/entrar", s.signinShow)
	app.Post("/entrar", s.signinCreate)
	app.Post("/sair", s.signout)
	app.Get("/senha/esqueci", s.passwordForgotShow)
	app.Post("/senha/esqueci", s.passwordForgotCreate)
	app.Get("/senha/redefinir/:token", s.passwordResetShow)
	app.Post("/senha/redefinir/:token", s.passwordResetUpdate)

	account := app.Group("/conta", s.requireUser)
	account.Get("/", s.profileShow)
	account.Post("/", s.profileUpdate)
	account.Get("/senha", s.passwordShow)
	account.Post("/senha", s.passwordUpdate)

	app.Get("/anuncio/:id", s.adShow)
	app.Get("/anuncio/:id/favorito", s.requireUser, s.favoriteResume)
	app.Post("/anuncio/:id/favorito", s.requireUser, s.favoriteToggle)
	app.Get("/anuncio/:id/whatsapp", s.contactTap(stats.WhatsApp))
	app.Get("/anuncio/:id/ligar", s.contactTap(stats.Phone))
	app.Get("/anuncio/:id/:slug", s.adShow)
	app.Post("/anuncio/:id/mensagens", s.messageCreate)
	app.Post("/anuncio/:id/denuncia", s.reportCreate)
	app.Get("/mensagens", s.requireUser, s.inboxShow)
	app.Get("/mensagens/nao-lidas", s.requireUser, s.unreadBadge)
	app.Get("/mensagens/:id", s.requireUser, s.inboxShow)
	app.Post("/mensagens/:id", s.requireUser, s.replyCreate)
	app.Get("/conversa/:token", s.conversationShow)
	app.Post("/conversa/:token", s.conversationReply)
	app.Post("/conversa/:token/encerrar", s.conversationRevoke)

	app.Get("/favoritos", s.requireUser, s.favoriteList)
	app.Get("/buscas-salvas", s.requireUser, s.savedSearchList)
	app.Post("/buscas-salvas", s.requireUser, s.savedSearchCreate)
	app.Get("/buscas-salvas/:id", s.requireUser, s.savedSearchOpen)
	app.Post("/buscas-salvas/:id/excluir", s.requireUser, s.savedSearchDelete)
	app.Get("/buscas-salvas/:id/parar", s.savedSearchStop)

	app.Get("/meus-anuncios", s.requireUser, s.myAds)
	app.Get("/meus-anuncios/:id/estatisticas", s.requireUser, s.adStatsShow)
	app.Get("/anuncios/novo", s.requireUser, s.adNewShow)
	app.Post("/anuncios/novo", s.requireUser, s.adCreate)
	app.Post("/anuncios/fotos", s.requireUser, s.photoUpload)
	app.Get("/anuncios/fotos/:token", s.requireUser, s.photoPreview)
	app.Get("/anuncios/:id/editar", s.requireUser, s.adEditShow)
	app.Post("/anuncios/:id/editar", s.requireUser, s.adUpdate)
	app.Get("/anuncios/:id/excluir", s.requireUser, s.adDeleteShow)
	app.Post("/anuncios/:id/excluir", s.requireUser, s.adDelete)
	app.Get("/anuncios/:id/status", s.requireUser, s.adStatus)
	app.Post("/anuncios/:id/reenviar", s.requireUser, s.adRetry)
	app.Post("/anuncios/:id/renovar", s.requireUser, s.adRenew)

	admin := app.Group("/admin", s.requireAdmin)
	admin.Get("/", s.adminDashboard)
	admin.Get("/catalogo", s.adminCatalogShow)
	admin.Get("/catalogo/marcas/:id", s.adminBrandShow)
	admin.Get("/catalogo/modelos/:id", s.adminModelShow)
	admin.Post("/catalogo/marcas/:id/popular", s.adminBrandPopular)
	admin.Post("/catalogo/:nivel", s.adminCatalogCreate)
	admin.Post("/catalogo/:nivel/:id/renomear", s.adminCatalogRename)
	admin.Get("/catalogo/:nivel/:id/excluir", s.adminCatalogDeleteShow)
	admin.Post("/catalogo/:nivel/:id/excluir", s.adminCatalogDelete)
	admin.Get("/catalogo/:nivel/:id/mesclar", s.adminCatalogMergeShow)
	admin.Post("/catalogo/:nivel/:id/mesclar", s.adminCatalogMerge)
	admin.Get("/anuncios", s.adminAdList)
	admin.Get("/anuncios/:id", s.adminAdShow)
	admin.Post("/anuncios/:id/ocultar", s.adminAdHide)
	admin.Post("/anuncios/:id/reexibir", s.adminAdUnhide)
	admin.Post("/anuncios/:id/destaque", s.adminAdFeature)
	admin.Post("/anuncios/:id/denuncias", s.adminReportClose)
	admin.Get("/usuarios", s.adminUserList)
	admin.Get("/usuarios/:id", s.adminUserShow)
	admin.Post("/usuarios/:id/bloquear", s.adminUserBlock)
	admin.Post("/usuarios/:id/desbloquear", s.adminUserUnblock)
	admin.Get("/filas", s.adminJobList)
	admin.Post("/filas/reenviar", s.adminJobRetry)
	admin.Get("/auditoria", s.adminAuditList)
}

func proxyHeader(trusted []string) string {
	if len(trusted) == 0 {
		return ""
	}
	return fiber.HeaderXForwardedFor
}

// setCatalog replaces the in-memory catalog, and the names the search
// matches.
func (s *Server) setCatalog(cat *models.Catalog) {
	if cat == nil {
		return
	}
	s.catalog.Store(cat)
	if s.index != nil {
		s.index.SetNames(models.SearchNames(cat, s.places))
	}
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
