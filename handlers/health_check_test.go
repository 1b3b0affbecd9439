package handlers

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"motando/models"
	"motando/models/modelstest"
)

func TestReadyFollowsTheDatabase(t *testing.T) {
	cfg := modelstest.FreshMySQL(t)
	proxy := modelstest.NewTCPProxy(t, cfg.Addr)
	cfg.Addr = proxy.Addr()
	db, err := models.OpenMySQL(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	ready := NewReadiness([]Check{{Name: "database", Check: db.Ping}}, 200*time.Millisecond)
	app := newTestApp(t, db, func(c *Config) { c.Readiness = ready })
	ops, err := NewOps(Config{Readiness: ready})
	if err != nil {
		t.Fatal(err)
	}

	if status, body := get(t, app, "/readyz"); status != 200 || body != "ok" {
		t.Fatalf("readyz with the database up: %d %q", status, body)
	}
	proxy.Cut()
	// The results of the last run are reused for the TTL, then the next
	// run sees the database down.
	var status int
	var body string
	pollUntil(t, "readyz to fail with the database down", 3*time.Second, func() bool {
		start := time.Now()
		status, body = get(t, app, "/readyz")
		if took := time.Since(start); took > 2*time.Second {
			t.Fatalf("readyz took %v with the database down; it must answer within 2s", took)
		}
		return status == 503
	})
	if body != "not ready" {
		t.Errorf("public readyz with the database down: %q, want a short body naming nothing", body)
	}
	status, detail := get(t, ops, "/readyz")
	if status != 503 || !strings.HasPrefix(detail, "database: ") || strings.Contains(detail, "database: ok") {
		t.Errorf("operations readyz with the database down: %d %q, want 503 naming the database and its error", status, detail)
	}
	if status, _ := get(t, app, "/healthz"); status != 200 {
		t.Errorf("healthz with the database down: %d, want 200", status)
	}
	proxy.Restore()
	pollUntil(t, "readyz to recover with the database back", 5*time.Second, func() bool {
		status, _ := get(t, app, "/readyz")
		return status == 200
	})
}

// pollUntil polls cond until it holds or the time is up.
func pollUntil(t *testing.T, what string, within time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %v", what, within)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// countingCheck counts its runs; each takes delay and returns *err.
func countingCheck(name string, runs *atomic.Int64, delay time.Duration, err *atomic.Pointer[error]) Check {
	return Check{Name: name, Check: func(ctx context.Context) error {
		runs.Add(1)
		select {
		case <-time.After(delay):
		case <-ctx.Done():
			return ctx.Err()
		}
		if e := err.Load(); e != nil {
			return *e
		}
		return nil
	}}
}

// Concurrent callers share one run; callers within the TTL reuse its
// results; a caller after the TTL gets a new run.
func TestReadyProbeSharesOneRunAndReusesIt(t *testing.T) {
	var runs atomic.Int64
	var fail atomic.Pointer[error]
	r := NewReadiness([]Check{countingCheck("database", &runs, 50*time.Millisecond, &fail)}, 300*time.Millisecond)

	var wg sync.WaitGroup
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if res := r.Probe(context.Background()); len(res) != 1 || res[0].Err != nil {
				t.Errorf("probe: %+v", res)
			}
		}()
	}
	wg.Wait()
	if n := runs.Load(); n != 1 {
		t.Fatalf("50 concurrent callers ran the checks %d times, want 1", n)
	}
	for range 20 {
		r.Probe(context.Background())
	}
	if n := runs.Load(); n != 1 {
		t.Fatalf("callers within the TTL ran the checks %d times, want 1", n)
	}

	boom := errors.New("connection refused")
	fail.Store(&boom)
	time.Sleep(350 * time.Millisecond)
	res := r.Probe(context.Background())
	if n := runs.Load(); n != 2 {
		t.Fatalf("after the TTL: %d runs, want 2", n)
	}
	if len(res) != 1 || !errors.Is(res[0].Err, boom) || allReady(res) {
		t.Errorf("after the failure: %+v", res)
	}
}

// A check that never answers is reported after a second; the probe does
// not wait for it.
func TestReadyProbeBoundsASilentCheck(t *testing.T) {
	block := make(chan struct{})
	defer close(block)
	r := NewReadiness([]Check{
		{Name: "storage", Check: func(context.Context) error { <-block; return nil }},
		{Name: "database", Check: func(context.Context) error { return nil }},
	}, 0)
	start := time.Now()
	res := r.Probe(context.Background())
	if took := time.Since(start); took > 1500*time.Millisecond {
		t.Errorf("probe took %v", took)
	}
	if len(res) != 2 || res[0].Name != "storage" || !errors.Is(res[0].Err, errNoAnswer) || res[1].Err != nil {
		t.Errorf("results: %+v", res)
	}
}

// The operations listener's /readyz names every dependency, with its error;
// the public one says only ok or not ready.
func TestOpsReadyzNamesEachDependency(t *testing.T) {
	db := modelstest.Open(t, "sqlite")
	ready := NewReadiness([]Check{
		{Name: "database", Check: func(context.Context) error { return nil }},
		{Name: "redis", Check: func(context.Context) error { return errors.New("dial tcp 10.0.0.7:6379: connect:\nconnection refused") }},
	}, 0)
	ops, err := NewOps(Config{Readiness: ready})
	if err != nil {
		t.Fatal(err)
	}
	status, body := get(t, ops, "/readyz")
	if want := "database: ok\nredis: dial tcp 10.0.0.7:6379: connect: connection refused\n"; status != 503 || body != want {
		t.Errorf("operations /readyz: %d %q, want 503 %q", status, body, want)
	}
	if status, body := get(t, ops, "/healthz"); status != 200 || body != "ok" {
		t.Errorf("operations /healthz: %d %q", status, body)
	}
	app := newTestApp(t, db, func(c *Config) { c.Readiness = ready })
	status, body = get(t, app, "/readyz")
	if status != 503 || body != "not ready" {
		t.Errorf("public /readyz: %d %q, want 503 \"not ready\"", status, body)
	}
}
