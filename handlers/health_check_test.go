package handlers

import (
	"context"
	"testing"
	"time"

	"motando/models"
	"motando/models/modelstest"
)

func TestReadinessFollowsTheDatabase(t *testing.T) {
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
	app := newTestApp(t, db, func(c *Config) { c.Ready = []Check{{Name: "database", Check: db.Ping}} })

	if status, _ := get(t, app, "/readyz"); status != 200 {
		t.Fatalf("readyz with the database up: %d", status)
	}
	proxy.Cut()
	start := time.Now()
	status, body := get(t, app, "/readyz")
	if status != 503 {
		t.Errorf("readyz with the database down: %d, want 503", status)
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("readyz took %v with the database down; it must answer within 2s", took)
	}
	mustContain(t, body, "database: unavailable")
	if status, _ := get(t, app, "/healthz"); status != 200 {
		t.Errorf("healthz with the database down: %d, want 200", status)
	}
	proxy.Restore()
	if status, _ := get(t, app, "/readyz"); status != 200 {
		t.Errorf("readyz after the database returned: %d, want 200", status)
	}
}
