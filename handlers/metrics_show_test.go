package handlers

import (
	"context"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/prometheus/client_golang/prometheus"

	"motando/models/modelstest"
	"motando/storage"
)

func TestMetricsShow(t *testing.T) {
	reg := prometheus.NewRegistry()
	jobs := prometheus.NewCounter(prometheus.CounterOpts{Name: "motando_jobs_done_total", Help: "Jobs finished."})
	jobs.Add(3)
	reg.MustRegister(jobs)
	app, err := NewOps(Config{Metrics: reg})
	if err != nil {
		t.Fatal(err)
	}
	status, body := get(t, app, "/metrics")
	if status != 200 {
		t.Fatalf("/metrics: %d", status)
	}
	mustContain(t, body, "# TYPE motando_jobs_done_total counter", "motando_jobs_done_total 3")
	if status, _ := get(t, app, "/nao-existe"); status != 404 {
		t.Errorf("the operations listener answers %d to an unknown path, want 404", status)
	}
}

// /metrics is not served on the public listener, whatever the role: only
// on the operations listener.
func TestMetricsNotServedOnThePublicListener(t *testing.T) {
	db := modelstest.Open(t, "sqlite")
	reg := prometheus.NewRegistry()
	reg.MustRegister(prometheus.NewCounter(prometheus.CounterOpts{Name: "motando_jobs_done_total", Help: "Jobs finished."}))
	site := newTestApp(t, db, func(c *Config) { c.Metrics = reg })
	probes, err := NewProbes(Config{Metrics: reg, Secret: []byte("test-secret-test-secret-test-secret!")})
	if err != nil {
		t.Fatal(err)
	}
	for name, app := range map[string]*fiber.App{"site": site, "worker": probes} {
		status, body := get(t, app, "/metrics")
		if status != 404 || strings.Contains(body, "motando_jobs_done_total") {
			t.Errorf("%s: public /metrics answered %d, want 404 without the series", name, status)
		}
		if status, _ := get(t, app, "/healthz"); status != 200 {
			t.Errorf("%s: public /healthz: %d", name, status)
		}
		if status, _ := get(t, app, "/readyz"); status != 200 {
			t.Errorf("%s: public /readyz: %d", name, status)
		}
	}
}

func TestMediaServesThePublicBucketOnly(t *testing.T) {
	db := modelstest.Open(t, "sqlite")
	store, err := storage.NewLocal(t.TempDir(), "/media/")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	store.Put(ctx, storage.Public, "ads/1/1-thumb.jpg", strings.NewReader("jpeg"), 4, "image/jpeg")
	store.Put(ctx, storage.Temp, "uploads/secret.jpg", strings.NewReader("tmp"), 3, "image/jpeg")
	app := newTestApp(t, db, func(c *Config) { c.Store = store; c.ServeMedia = true })

	if status, body := get(t, app, "/media/ads/1/1-thumb.jpg"); status != 200 || body != "jpeg" {
		t.Errorf("public photo: %d %q", status, body)
	}
	for _, url := range []string{"/media/uploads/secret.jpg", "/media/../tmp/uploads/secret.jpg", "/media/ads/", "/media/ads/1/"} {
		if status, _ := get(t, app, url); status != 404 {
			t.Errorf("%s: %d, want 404", url, status)
		}
	}
}
