package handlers

import (
	"net/http/httptest"
	"os"
	"testing"

	gomysql "github.com/go-sql-driver/mysql"
	"github.com/gofiber/fiber/v2"

	"motando/models"
)

// BenchmarkSearch measures /motos on a large database named by
// MOTANDO_BENCH_MYSQL_DSN (e.g. one filled by `motando seed --bulk 100000`):
//
//	MOTANDO_BENCH_MYSQL_DSN='root@tcp(127.0.0.1:3306)/motando_bench' \
//	  go test -run '^$' -bench Search -benchtime 2000x ./handlers/
func BenchmarkSearch(b *testing.B) {
	app := benchApp(b)
	for _, bc := range []struct{ name, path string }{
		{"brand", "/motos?marca=7"},
		{"brand+state", "/motos?marca=18&estado=SP"},
		{"price+order", "/motos?preco_min=10000&preco_max=30000&ordem=menor_preco"},
		{"deep page", "/motos?pagina=300"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				benchGet(b, app, bc.path, "HX-Request", "true")
			}
		})
	}
}

// BenchmarkSearchPage measures the whole /motos page of a search whose
// results are rendered already: the cost of the page around them.
func BenchmarkSearchPage(b *testing.B) {
	app := benchApp(b)
	for _, path := range []string{"/motos?marca=7&estado=MG", "/motos?pagina=300"} {
		b.Run(path, func(b *testing.B) {
			for b.Loop() {
				benchGet(b, app, path)
			}
		})
	}
}

// benchApp is the site on the database MOTANDO_BENCH_MYSQL_DSN names; the
// benchmark is skipped without it.
func benchApp(b *testing.B) *fiber.App {
	dsn := os.Getenv("MOTANDO_BENCH_MYSQL_DSN")
	if dsn == "" {
		b.Skip("MOTANDO_BENCH_MYSQL_DSN is not set")
	}
	cfg, err := gomysql.ParseDSN(dsn)
	if err != nil {
		b.Fatal(err)
	}
	db, err := models.OpenMySQL(cfg)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	return newTestApp(b, db)
}

// benchGet requests path with the given header pairs and fails on anything
// but a 200.
func benchGet(b *testing.B, app *fiber.App, path string, headers ...string) {
	req := httptest.NewRequest("GET", path, nil)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := app.Test(req, -1)
	if err != nil {
		b.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		b.Fatalf("GET %s: %d", path, resp.StatusCode)
	}
}
