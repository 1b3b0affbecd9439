package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"motando/handlers"
	"motando/models"
	"motando/search"
	"motando/stats"
)

// handlersConfig assembles what the handlers need for cfg's role. A
// worker is ready when it can read its queue; the web loads the places and
// the catalog and makes the search index, still empty, and is ready once
// the index is loaded.
func handlersConfig(ctx context.Context, cfg *config, svc *services, secret []byte) (handlers.Config, error) {
	hcfg := handlers.Config{
		Sessions:       svc.sessions,
		Limits:         svc.limits,
		Secret:         secret,
		DB:             svc.db,
		Store:          svc.store,
		Queue:          svc.queue,
		Production:     cfg.Production,
		BaseURL:        cfg.BaseURL,
		Ready:          svc.readiness(),
		ServeMedia:     cfg.OCI == nil,
		AdTTL:          cfg.AdTTL,
		HTTPMetrics:    svc.http,
		TrustedProxies: cfg.TrustedProxies,
		ReconcileAfter: cfg.ReconcileAfter,
		Metrics:        svc.metricsRegistry(),
	}
	if cfg.Role == roleWorker {
		// The consumer group answers.
		hcfg.Ready = append(hcfg.Ready, handlers.Check{Name: "queue", Check: func(ctx context.Context) error {
			_, err := svc.queue.Stats(ctx)
			return err
		}})
	} else if err := addWebParts(ctx, svc, &hcfg); err != nil {
		return hcfg, err
	} else if cfg.Stats {
		hcfg.Stats = stats.New(svc.db)
	}
	// Both listeners share the probes' results, reused for a second.
	hcfg.Readiness = handlers.NewReadiness(hcfg.Ready, time.Second)
	return hcfg, nil
}

// addWebParts loads what the site's pages need — the places, the catalog —
// and adds the search index with its readiness check.
func addWebParts(ctx context.Context, svc *services, hcfg *handlers.Config) error {
	var err error
	if hcfg.Places, err = models.LoadPlaces(ctx, svc.db); err != nil {
		return fmt.Errorf("load the places: %w", err)
	}
	if hcfg.Catalog, err = models.LoadCatalog(ctx, svc.db); err != nil {
		return fmt.Errorf("load the catalog: %w", err)
	}
	index := search.New()
	hcfg.Search = index
	hcfg.Ready = append(hcfg.Ready, handlers.Check{Name: "search", Check: func(context.Context) error {
		if !index.Ready() {
			return errors.New("the search index is loading")
		}
		return nil
	}})
	return nil
}

// listeners are the public application and the operations one, when
// there is one.
type listeners struct {
	app   *fiber.App
	ops   *fiber.App   // nil: no operations listener
	opsLn net.Listener // nil with ops
}

// openListeners makes the public application — the site, or /healthz and
// /readyz only for a worker — and opens the operations listener.
func openListeners(cfg *config, hcfg handlers.Config) (*listeners, error) {
	newPublic := handlers.New
	if cfg.Role == roleWorker {
		newPublic = handlers.NewProbes
	}
	app, err := newPublic(hcfg)
	if err != nil {
		return nil, err
	}
	l := &listeners{app: app}
	if l.opsLn, err = listenOps(cfg); err != nil {
		return nil, err
	}
	if l.opsLn == nil {
		return l, nil
	}
	if l.ops, err = handlers.NewOps(hcfg); err != nil {
		l.opsLn.Close()
		return nil, err
	}
	return l, nil
}

// startBackground starts keeping the search index current, when the
// process has one, and the job runner and the janitor, unless it is web
// only; wg waits for them.
func startBackground(ctx context.Context, cfg *config, svc *services, hcfg handlers.Config, secret []byte, wg *sync.WaitGroup) {
	index := hcfg.Search
	if counter := hcfg.Stats; counter != nil {
		wg.Go(func() {
			counter.Run(ctx, statsFlushEvery, func(err error) { slog.Warn("statistics kept for the next flush", "err", err) })
		})
	}
	var syncer *search.Syncer
	if index != nil {
		syncer = &search.Syncer{Index: index, Source: svc.db, Feed: svc.feed}
		wg.Go(func() { keepIndex(ctx, syncer) })
	}
	svc.announceChanges(syncer)
	if cfg.Role != roleWeb {
		runner, janitor := newWorker(cfg, svc, secret)
		wg.Go(func() { runner.Run(ctx) })
		wg.Go(func() { janitor.Run(ctx) })
		slog.Info("worker started", "workers", cfg.Workers)
	}
}

// statsFlushEvery is how often a web process adds its counts to the
// database.
const statsFlushEvery = 10 * time.Second

// serve answers on the listeners until one of them fails, which is
// returned, or ctx ends.
func (l *listeners) serve(ctx context.Context, cfg *config) error {
	errc := make(chan error, 2)
	go func() {
		slog.Info("listening", "addr", cfg.Addr, "url", cfg.BaseURL)
		errc <- listenError("listen", cfg.Addr, l.app.Listen(cfg.Addr))
	}()
	if l.ops != nil {
		go func() {
			slog.Info("operations listener: /metrics, /readyz, /healthz", "addr", l.opsLn.Addr().String())
			errc <- listenError("operations listener", l.opsLn.Addr().String(), l.ops.Listener(l.opsLn))
		}()
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		return nil
	}
}

// shutdown stops the public listener, waits for the background work (wg)
// to drain, then stops the operations listener, which goes last so that
// /metrics and /readyz answer meanwhile. err, the error serving ended
// with, wins over the shutdown's.
func (l *listeners) shutdown(cfg *config, wg *sync.WaitGroup, err error) error {
	slog.Info("shutting down", "timeout", cfg.ShutdownTimeout)
	err = stopApp(l.app, cfg.ShutdownTimeout, err)
	wg.Wait()
	if l.ops != nil {
		err = stopApp(l.ops, 2*time.Second, err)
	}
	return err
}

// stopApp shuts app down within timeout; err, when not nil, wins over a
// failed shutdown, and running out of time is no failure.
func stopApp(app *fiber.App, timeout time.Duration, err error) error {
	if serr := app.ShutdownWithTimeout(timeout); serr != nil && !errors.Is(serr, context.DeadlineExceeded) && err == nil {
		return fmt.Errorf("shutdown: %w", serr)
	}
	return err
}
