package handlers

import (
	"net/http/httptest"
	"strings"
	"testing"

	"motando/models"
	"motando/models/modelstest"
)

func TestHomePage(t *testing.T) {
	modelstest.EachDialect(t, func(t *testing.T, db *models.DB) {
		app := newTestApp(t, db)
		status, body := get(t, app, "/")
		if status != 200 {
			t.Fatalf("status %d", status)
		}
		mustContain(t, body, `<html lang="pt-BR">`, "Encontre sua moto", ">Harley-Davidson</option>", ">São Paulo</option>")

		status, _ = get(t, app, "/nao-existe")
		if status != 404 {
			t.Errorf("unknown page: status %d, want 404", status)
		}
	})
}

func TestSecurityHeadersOnEveryAnswer(t *testing.T) {
	db := modelstest.Open(t, "sqlite")
	app := newTestApp(t, db)
	for _, url := range []string{"/", "/nao-existe", "/healthz", "/localidades/cidades?estado=SP"} {
		resp, err := app.Test(httptest.NewRequest("GET", url, nil), -1)
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range []string{"Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy"} {
			if resp.Header.Get(h) == "" {
				t.Errorf("%s: header %s missing", url, h)
			}
		}
		csp := resp.Header.Get("Content-Security-Policy")
		for _, want := range []string{"script-src 'self'", "style-src 'self'", "frame-ancestors 'none'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("%s: CSP %q lacks %q", url, csp, want)
			}
		}
	}
}
