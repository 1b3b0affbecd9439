// Command motando is the Motando classified-ads site: one binary that serves
// the web application, runs the publication worker, or both, and carries the
// operator commands (migrate, seed, wipe, createadmin).
package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"motando/fixtures"
	"motando/fixtures/demo"
	"motando/handlers"
	"motando/logs"
	"motando/metrics"
	"motando/models"
	"motando/ociauth"
	"motando/ratelimit"
	"motando/search"
	"motando/session"
	"motando/storage"
	"motando/worker"
)

const usage = `Usage: motando [-role=all|web|worker] [command]

Commands:
  serve      run the site and/or the worker (the default)
  migrate    apply the database migrations and reference data, then exit
  createadmin EMAIL
             give the account with this e-mail access to /admin
  healthcheck [PATH]
             GET PATH (default /healthz) on MOTANDO_ADDR; exit 0 on 200
             (the container image's HEALTHCHECK)
  seed [--ads N] [--seed S] [--bulk N]
             create the demo accounts and their ads (photos through the worker);
             --bulk inserts N published ads straight into the database
  wipe [--yes]
             remove the demo accounts and everything they own
  import-django --from DSN [--workers N] [--private-photo-hosts]
             bring a running original (Django) Motando over: accounts,
             ads with their photos (through the worker), chats; run again
             to import only what is new

Configuration comes from the environment; see README.md.
`

func main() {
	os.Exit(run(os.Args[1:], os.Stderr))
}

func run(args []string, stderr io.Writer) int {
	flags := flag.NewFlagSet("motando", flag.ContinueOnError)
	flags.SetOutput(stderr)
	flags.Usage = func() { fmt.Fprint(stderr, usage) }
	role := flags.String("role", roleAll, "which part to run: all, web or worker")
	if err := flags.Parse(args); err != nil {
		return 2
	}
	cmd, rest := "serve", flags.Args()
	if len(rest) > 0 {
		cmd, rest = rest[0], rest[1:]
	}
	if cmd == "healthcheck" {
		// Before the configuration: the container's HEALTHCHECK runs this
		// every few seconds and must not open databases or log in to OCI.
		return healthcheck(rest, stderr)
	}

	cfg, err := loadConfig(*role, osEnv)
	if err != nil {
		fmt.Fprintf(stderr, "motando: %v\n", err)
		return 2
	}
	level := cfg.LogLevel
	if cmd == "seed" || cmd == "wipe" || cmd == "import-django" {
		level = slog.LevelWarn // their own progress is the output
	}
	shipper, err := setupLogging(cfg, level)
	if err != nil {
		fmt.Fprintf(stderr, "motando: %v\n", err)
		return 2
	}
	if shipper != nil {
		defer func() {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			shipper.Close(ctx) //nolint:errcheck // lines still queued are lost at exit, as counted
		}()
	}
	logShipper = shipper

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	command, ok := commands[cmd]
	if !ok {
		fmt.Fprintf(stderr, "motando: unknown command %q\n\n%s", cmd, usage)
		return 2
	}
	err = command(ctx, cfg, rest, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "motando: %v\n", err)
		return 1
	}
	return 0
}

// commands are the commands that take the configuration, by name.
var commands = map[string]func(ctx context.Context, cfg *config, args []string, out io.Writer) error{
	"serve":   func(ctx context.Context, cfg *config, _ []string, _ io.Writer) error { return serve(ctx, cfg) },
	"migrate": func(ctx context.Context, cfg *config, _ []string, _ io.Writer) error { return migrate(ctx, cfg) },
	"createadmin": func(ctx context.Context, cfg *config, args []string, _ io.Writer) error {
		return createAdmin(ctx, cfg, args)
	},
	"seed":          seed,
	"import-django": importDjango,
	"wipe": func(ctx context.Context, cfg *config, args []string, out io.Writer) error {
		return wipe(ctx, cfg, args, os.Stdin, out)
	},
}

// logShipper is the OCI Logging handler, when one is configured (for the
// metrics of its drops).
var logShipper *logs.OCIHandler

// setupLogging sends the logs to stdout — JSON in production, text in
// development — each line with the request id of its request, and, when a
// log OCID is set, to OCI Logging as well.
func setupLogging(cfg *config, level slog.Level) (*logs.OCIHandler, error) {
	opts := &slog.HandlerOptions{Level: level}
	var h slog.Handler = slog.NewTextHandler(os.Stdout, opts)
	if cfg.Production {
		h = slog.NewJSONHandler(os.Stdout, opts)
	}
	var shipper *logs.OCIHandler
	if l := cfg.OCILog; l != nil {
		provider, err := ociauth.Provider(l.Auth, l.ConfigFile, l.Profile)
		if err != nil {
			return nil, fmt.Errorf("OCI Logging (%s): %w", l.LogID, err)
		}
		host, _ := os.Hostname()
		shipper, err = logs.NewOCIHandler(logs.OCIConfig{LogID: l.LogID, Source: host, Type: "motando." + cfg.Role,
			Region: l.Region, Endpoint: l.Endpoint, Provider: provider, Level: level, Buffer: l.Buffer})
		if err != nil {
			return nil, err
		}
		h = logs.Fanout{h, shipper}
	}
	slog.SetDefault(slog.New(logs.ContextHandler{Handler: h}).With("role", cfg.Role))
	return shipper, nil
}

// openDB opens the configured database and brings its schema and reference
// data up to date.
func openDB(ctx context.Context, cfg *config) (*models.DB, error) {
	var db *models.DB
	var err error
	if cfg.MySQL != nil {
		db, err = models.OpenMySQL(cfg.MySQL)
	} else {
		db, err = models.OpenSQLite(cfg.sqlitePath())
	}
	if err != nil {
		return nil, err
	}
	applied, err := db.Migrate(ctx, fixtures.ReferenceData()...)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("database migrations: %w", err)
	}
	for _, v := range applied {
		slog.Info("migration applied", "version", v)
	}
	return db, nil
}

func migrate(ctx context.Context, cfg *config) error {
	db, err := openDB(ctx, cfg)
	if err != nil {
		return err
	}
	return db.Close()
}

// services are the parts both roles share.
type services struct {
	db       *models.DB
	rdb      *redis.Client // nil without REDIS_HOST
	store    storage.Storage
	queue    worker.Queue
	metrics  *worker.Metrics
	http     *metrics.HTTP
	sessions session.Store
	limits   ratelimit.Counter
	feed     search.Feed // changes of ads between processes; nil without Redis
}

func openServices(ctx context.Context, cfg *config) (*services, error) {
	db, err := openDB(ctx, cfg)
	if err != nil {
		return nil, err
	}
	s := &services{db: db, metrics: worker.NewMetrics(), http: metrics.NewHTTP()}
	if s.store, err = openStorage(ctx, cfg); err != nil {
		db.Close()
		return nil, err
	}
	if cfg.RedisAddr != "" {
		opts := &redis.Options{Addr: cfg.RedisAddr, Password: cfg.RedisPassword}
		if cfg.RedisTLS {
			host, _, _ := net.SplitHostPort(cfg.RedisAddr)
			opts.TLSConfig = &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
		}
		s.rdb = redis.NewClient(opts)
		s.queue = worker.NewRedisQueue(s.rdb, worker.RedisOptions{Prefix: cfg.RedisPrefix + ":jobs", Visibility: cfg.JobVisibility})
		s.sessions = session.NewRedisStore(s.rdb, cfg.RedisPrefix, session.DefaultLifetimes)
		s.limits = ratelimit.NewRedis(s.rdb, cfg.RedisPrefix+":limit:", cfg.LoginWindow)
		s.feed = search.NewRedisFeed(s.rdb, cfg.RedisPrefix)
	} else {
		s.queue = worker.NewMemoryQueue()
		s.sessions = session.NewDBStore(db, session.DefaultLifetimes)
		s.limits = ratelimit.NewMemory(cfg.LoginWindow)
	}
	return s, nil
}

func (s *services) close() {
	if s.rdb != nil {
		s.rdb.Close()
	}
	s.db.Close()
}

func openStorage(ctx context.Context, cfg *config) (storage.Storage, error) {
	if cfg.OCI == nil {
		return storage.NewLocal(filepath.Join(cfg.DataDir, "buckets"), "/media/")
	}
	o := cfg.OCI
	return storage.NewOCI(ctx, storage.OCIConfig{
		Region:        o.Region,
		Namespace:     o.Namespace,
		TempBucket:    o.TempBucket,
		PublicBucket:  o.PublicBucket,
		Auth:          o.Auth,
		ConfigFile:    o.ConfigFile,
		ConfigProfile: o.Profile,
		Endpoint:      o.Endpoint,
		CopyMode:      o.CopyMode,
		PublicBaseURL: o.PublicURL,
	})
}

// readiness lists what /readyz checks: the database, Redis when configured,
// and the storage backend.
func (s *services) readiness() []handlers.Check {
	checks := []handlers.Check{{Name: "database", Check: s.db.Ping}, {Name: "storage", Check: s.store.Check}}
	if s.rdb != nil {
		checks = append(checks, handlers.Check{Name: "redis", Check: func(ctx context.Context) error { return s.rdb.Ping(ctx).Err() }})
	}
	return checks
}

// metricsRegistry gathers every series of /metrics: the Go runtime and the
// process, requests, jobs, queue depth, publish latency, the database pool
// and, when logs are shipped to OCI Logging, the lines dropped and sent.
func (s *services) metricsRegistry() *prometheus.Registry {
	cs := []prometheus.Collector{s.http, s.metrics, worker.NewQueueCollector(s.queue),
		metrics.NewCounterFunc("motando_password_hashes_total", "Password hashes computed (sign-ins, sign-ups, password changes).", models.PasswordHashes)}
	if sqlDB, err := s.db.DB.DB(); err == nil {
		cs = append(cs, metrics.NewDB(sqlDB))
	}
	if logShipper != nil {
		cs = append(cs,
			metrics.NewCounterFunc("motando_log_lines_dropped_total", "Log lines not shipped to OCI Logging (buffer full or batch refused).", logShipper.Dropped),
			metrics.NewCounterFunc("motando_log_lines_sent_total", "Log lines OCI Logging accepted.", logShipper.Sent))
	}
	return metrics.NewRegistry(cs...)
}

// listenOps opens the operations listener (MOTANDO_OPS_ADDR). It returns
// nil when it is off, or when its default address is taken (by another
// process on this machine: a warning, and this one serves no /metrics); an
// address that was set must be had.
func listenOps(cfg *config) (net.Listener, error) {
	if cfg.OpsAddr == "" {
		slog.Info("no operations listener: /metrics is not served (MOTANDO_OPS_ADDR)")
		return nil, nil
	}
	ln, err := net.Listen("tcp", cfg.OpsAddr)
	switch {
	case err == nil:
		return ln, nil
	case cfg.OpsAddrSet:
		return nil, fmt.Errorf("MOTANDO_OPS_ADDR=%q: %w", cfg.OpsAddr, err)
	}
	slog.Warn("no operations listener: its default address is taken; set MOTANDO_OPS_ADDR", "addr", cfg.OpsAddr, "err", err)
	return nil, nil
}

// listenError names the listener that stopped serving.
func listenError(what, addr string, err error) error {
	if err == nil {
		err = errors.New("stopped")
	}
	return fmt.Errorf("%s on %s: %w", what, addr, err)
}

// createAdmin flags an existing account as admin, or creates one with a
// random password it prints once.
func createAdmin(ctx context.Context, cfg *config, args []string) error {
	if len(args) != 1 || !strings.Contains(args[0], "@") {
		return errors.New("usage: motando createadmin EMAIL")
	}
	db, err := openDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	email := models.NormalizeEmail(args[0])
	err = db.MakeAdmin(ctx, email)
	if errors.Is(err, models.ErrNotFound) {
		b := make([]byte, 12)
		rand.Read(b)
		password := base64.RawURLEncoding.EncodeToString(b)
		hash, herr := models.HashPassword(ctx, password)
		if herr != nil {
			return herr
		}
		u := &models.User{Email: email, Fullname: "Administrador", Password: hash, IsAdmin: true}
		if err := db.CreateUser(ctx, u, &models.Profile{}); err != nil {
			return err
		}
		fmt.Printf("Created admin %s with password %s (change it at /conta/senha).\n", email, password)
		return nil
	}
	if err != nil {
		return err
	}
	fmt.Printf("%s is now an admin.\n", email)
	return nil
}

// healthcheck asks the local server for PATH and exits 0 on 200.
func healthcheck(args []string, stderr io.Writer) int {
	path := "/healthz"
	if len(args) > 0 && strings.HasPrefix(args[0], "/") {
		path = args[0]
	}
	addr := os.Getenv("MOTANDO_ADDR")
	if addr == "" {
		addr = ":8000"
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		fmt.Fprintf(stderr, "healthcheck: MOTANDO_ADDR=%q: %v\n", addr, err)
		return 1
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	client := &http.Client{Timeout: 2 * time.Second}
	resp, err := client.Get("http://" + net.JoinHostPort(host, port) + path)
	if err != nil {
		fmt.Fprintf(stderr, "healthcheck: %v\n", err)
		return 1
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintf(stderr, "healthcheck: %s answered %d\n", path, resp.StatusCode)
		return 1
	}
	return 0
}

// seed creates the demo data, running a worker of its own on the queue so
// that the ads are published even when no other worker runs.
func seed(ctx context.Context, cfg *config, args []string, out io.Writer) error {
	flags := flag.NewFlagSet("seed", flag.ContinueOnError)
	flags.SetOutput(out)
	ads := flags.Int("ads", 0, "ads to add (default: 3 per demo account created now)")
	seedValue := flags.Uint64("seed", 1, "random seed: the same seed gives the same data")
	bulk := flags.Int("bulk", 0, "insert this many published ads straight into the database, for benchmarks")
	if err := flags.Parse(args); err != nil {
		return err
	}
	svc, err := openServices(ctx, cfg)
	if err != nil {
		return err
	}
	defer svc.close()
	svc.announceChanges(nil) // running web processes hear of the new ads
	seeder := &demo.Seeder{DB: svc.db, Store: svc.store, Queue: svc.queue, TTL: cfg.AdTTL, Out: out}
	if *bulk > 0 {
		if err := seeder.Bulk(ctx, *bulk, *seedValue); err != nil {
			return err
		}
		svc.db.AdsChanged(ctx)
		return nil
	}
	return withWorker(ctx, cfg, svc, func() error {
		return seeder.Seed(ctx, demo.SeedOptions{Ads: *ads, Seed: *seedValue})
	})
}

// withWorker runs fn with a worker of this process's own on the queue, so
// that the ads fn submits are published even when no other worker runs.
func withWorker(ctx context.Context, cfg *config, svc *services, fn func() error) error {
	secret, err := cfg.secret()
	if err != nil {
		return err
	}
	workCtx, stopWork := context.WithCancel(ctx)
	runner, _ := newWorker(cfg, svc, secret)
	done := make(chan struct{})
	go func() { runner.Run(workCtx); close(done) }()
	err = fn()
	stopWork()
	<-done
	return err
}

// wipe removes the demo data after a confirmation (or --yes).
func wipe(ctx context.Context, cfg *config, args []string, in io.Reader, out io.Writer) error {
	flags := flag.NewFlagSet("wipe", flag.ContinueOnError)
	flags.SetOutput(out)
	yes := flags.Bool("yes", false, "do not ask for confirmation")
	if err := flags.Parse(args); err != nil {
		return err
	}
	svc, err := openServices(ctx, cfg)
	if err != nil {
		return err
	}
	defer svc.close()
	if !*yes {
		users, err := svc.db.DemoUsers(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "Isto remove as %d contas de demonstração e tudo o que é delas (anúncios, fotos, mensagens). Continuar? [s/N] ", len(users))
		answer, _ := bufio.NewReader(in).ReadString('\n')
		if a := strings.ToLower(strings.TrimSpace(answer)); a != "s" && a != "sim" && a != "y" && a != "yes" {
			fmt.Fprintln(out, "Nada foi removido.")
			return nil
		}
	}
	svc.announceChanges(nil)
	seeder := &demo.Seeder{DB: svc.db, Store: svc.store, Queue: svc.queue, Out: out}
	sum, err := seeder.Wipe(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Removidas %d contas de demonstração e %d anúncios.\n", sum.Accounts, sum.Ads)
	return nil
}

func serve(ctx context.Context, cfg *config) error {
	svc, err := openServices(ctx, cfg)
	if err != nil {
		return err
	}
	defer svc.close()

	secret, err := cfg.secret()
	if err != nil {
		return err
	}
	hcfg, err := handlersConfig(ctx, cfg, svc, secret)
	if err != nil {
		return err
	}
	l, err := openListeners(cfg, hcfg)
	if err != nil {
		return err
	}
	var wg sync.WaitGroup
	startBackground(ctx, cfg, svc, hcfg, secret, &wg)
	return l.shutdown(cfg, &wg, l.serve(ctx, cfg))
}

// keepIndex loads the search index, trying again until the database
// answers, then keeps it current until ctx ends.
func keepIndex(ctx context.Context, syncer *search.Syncer) {
	for {
		err := syncer.Load(ctx)
		if err == nil {
			break
		}
		slog.Error("search index not loaded; trying again", "err", err)
		select {
		case <-ctx.Done():
			return
		case <-time.After(2 * time.Second):
		}
	}
	syncer.Run(ctx)
}

// announceChanges sends every change of ads the models make to this
// process's search index, when it has one (synchronously: the visitor who
// made it sees it at once), and to the other processes through the feed.
func (s *services) announceChanges(syncer *search.Syncer) {
	s.db.OnAdsChanged(func(ctx context.Context, ids []uint64) {
		switch {
		case syncer == nil:
		case len(ids) == 0:
			// Many ads at once (an account blocked, a brand merged): read
			// in the background, within a second or so.
			go func() {
				if err := syncer.Refresh(context.WithoutCancel(ctx), nil); err != nil {
					slog.Warn("search index not refreshed", "err", err)
				}
			}()
		default:
			if err := syncer.Refresh(ctx, ids); err != nil {
				slog.WarnContext(ctx, "search index not refreshed", "err", err)
			}
		}
		if s.feed != nil {
			if err := s.feed.Publish(context.WithoutCancel(ctx), ids); err != nil {
				slog.WarnContext(ctx, "change of ads not announced; other processes catch up within seconds", "err", err)
			}
		}
	})
}

// newWorker assembles the job runner and the janitor; secret signs the
// alerts' stop links.
func newWorker(cfg *config, svc *services, secret []byte) (*worker.Runner, *worker.Janitor) {
	ads := worker.NewAdJob(svc.db, svc.store, cfg.AdTTL, svc.metrics)
	var mailer worker.Mailer = worker.LogMailer{}
	if m := cfg.SMTP; m != nil {
		mailer = worker.SMTPMailer{Host: m.Host, Port: m.Port, User: m.User, Password: m.Password, From: m.From}
	}
	emails := &worker.EmailJob{DB: svc.db, Mailer: mailer}
	alerts := &worker.AlertJob{DB: svc.db, Queue: svc.queue, Searches: &worker.SavedSearches{DB: svc.db},
		BaseURL: cfg.BaseURL, Secret: secret}
	ads.Published = func(ctx context.Context, adID uint64) {
		if err := svc.queue.Enqueue(ctx, worker.Job{Kind: worker.KindAlerts, ID: adID}); err != nil {
			slog.WarnContext(ctx, "alerts of a new ad left to the reconciler", "ad", adID, "err", err)
		}
	}
	runner := &worker.Runner{
		Queue: svc.queue,
		Handlers: map[string]worker.Handler{
			worker.KindAd: ads.Run, worker.KindEmail: emails.Run, worker.KindAlerts: alerts.Run,
		},
		Workers:         cfg.Workers,
		MaxDeliveries:   5,
		Backoff:         worker.ExponentialBackoff(cfg.RetryBase, 5*time.Minute),
		OnDead:          func(ctx context.Context, j worker.Job, reason string) { markDead(ctx, svc.db, j, reason) },
		ShutdownTimeout: cfg.ShutdownTimeout,
		Metrics:         svc.metrics,
	}
	janitor := &worker.Janitor{
		DB:            svc.db,
		Queue:         svc.queue,
		Store:         svc.store,
		Every:         cfg.ReconcileEvery,
		StaleAfter:    cfg.ReconcileAfter,
		SweepTemp:     cfg.OCI == nil,
		TempRetention: cfg.TempRetention,
		Digests:       alerts.SendDigests,
	}
	return runner, janitor
}

// markDead records a buried job: the owner sees that the publication failed
// for good; an e-mail is marked failed.
func markDead(ctx context.Context, db *models.DB, j worker.Job, reason string) {
	var err error
	switch j.Kind {
	case worker.KindAd:
		err = db.MarkAdFailed(ctx, j.ID, "Não conseguimos processar este anúncio depois de várias tentativas. Tente de novo mais tarde.")
	case worker.KindEmail:
		err = db.MarkEmailAttempt(ctx, j.ID, reason, true)
	case worker.KindAlerts:
		err = db.DropPendingAlerts(ctx, j.ID)
	}
	if err != nil {
		slog.Error("record a buried job", "kind", j.Kind, "id", j.ID, "err", err)
	}
}
