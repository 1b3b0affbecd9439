package handlers

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"motando/models"
)

// newTestApp builds the web application over db; opts adjust its Config.
func newTestApp(t *testing.T, db *models.DB, opts ...func(*Config)) *fiber.App {
	t.Helper()
	ctx := context.Background()
	places, err := models.LoadPlaces(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	catalog, err := models.LoadCatalog(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{DB: db, Places: places, Catalog: catalog, BaseURL: "http://motando.test"}
	for _, o := range opts {
		o(&cfg)
	}
	app, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return app
}

// get performs a GET and returns the status and body.
func get(t *testing.T, app *fiber.App, target string, headers ...string) (int, string) {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := app.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func mustContain(t *testing.T, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Errorf("body lacks %q", w)
		}
	}
}
