// Command motando is the Motando classified-ads site: one binary that serves
// the web application, runs the publication worker, or both, and carries the
// operator commands (migrate, seed, wipe, createadmin).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/redis/go-redis/v9"

	"motando/fixtures"
	"motando/handlers"
	"motando/models"
)

const usage = `Usage: motando [-role=all|web|worker] [command]

Commands:
  serve      run the site and/or the worker (the default)
  migrate    apply the database migrations and reference data, then exit

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

	cfg, err := loadConfig(*role, osEnv)
	if err != nil {
		fmt.Fprintf(stderr, "motando: %v\n", err)
		return 2
	}
	setupLogging(cfg)

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	switch cmd {
	case "serve":
		err = serve(ctx, cfg)
	case "migrate":
		err = migrate(ctx, cfg)
	default:
		fmt.Fprintf(stderr, "motando: unknown command %q\n\n%s", cmd, usage)
		return 2
	}
	_ = rest
	if err != nil {
		fmt.Fprintf(stderr, "motando: %v\n", err)
		return 1
	}
	return 0
}

func setupLogging(cfg *config) {
	var h slog.Handler
	if cfg.Production {
		h = slog.NewJSONHandler(os.Stderr, nil)
	} else {
		h = slog.NewTextHandler(os.Stderr, nil)
	}
	slog.SetDefault(slog.New(h).With("role", cfg.Role))
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

func serve(ctx context.Context, cfg *config) error {
	db, err := openDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()

	ready := []handlers.Check{{Name: "database", Check: db.Ping}}
	if cfg.RedisAddr != "" {
		rdb := redis.NewClient(&redis.Options{Addr: cfg.RedisAddr, Password: cfg.RedisPassword})
		defer rdb.Close()
		ready = append(ready, handlers.Check{Name: "redis", Check: func(ctx context.Context) error { return rdb.Ping(ctx).Err() }})
	}

	places, err := models.LoadPlaces(ctx, db)
	if err != nil {
		return err
	}
	catalog, err := models.LoadCatalog(ctx, db)
	if err != nil {
		return err
	}
	app, err := handlers.New(handlers.Config{
		DB:         db,
		Places:     places,
		Catalog:    catalog,
		Production: cfg.Production,
		BaseURL:    cfg.BaseURL,
		Ready:      ready,
	})
	if err != nil {
		return err
	}

	errc := make(chan error, 1)
	go func() {
		slog.Info("listening", "addr", cfg.Addr, "url", cfg.BaseURL)
		errc <- app.Listen(cfg.Addr)
	}()
	select {
	case err := <-errc:
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	case <-ctx.Done():
	}
	slog.Info("shutting down", "timeout", cfg.ShutdownTimeout)
	if err := app.ShutdownWithTimeout(cfg.ShutdownTimeout); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}
