package handlers

import (
	"context"
	"fmt"
	"io"
	"strings"
	"testing"

	"motando/models/modelstest"
	"motando/storage"
)

func TestMetricsShow(t *testing.T) {
	db := modelstest.Open(t, "sqlite")
	app := newTestApp(t, db, func(c *Config) {
		c.Metrics = func(ctx context.Context, w io.Writer) { fmt.Fprintln(w, "motando_jobs_done_total 3") }
	})
	status, body := get(t, app, "/metrics")
	if status != 200 {
		t.Fatalf("/metrics: %d", status)
	}
	mustContain(t, body, "motando_jobs_done_total 3")
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
