package handlers

import (
	"net/http/httptest"
	"os"
	"testing"

	gomysql "github.com/go-sql-driver/mysql"

	"motando/models"
)

// BenchmarkSearch measures /motos on a large database named by
// MOTANDO_BENCH_MYSQL_DSN (e.g. one filled by `motando seed --bulk 100000`):
//
//	MOTANDO_BENCH_MYSQL_DSN='root@tcp(127.0.0.1:3306)/motando_bench' \
//	  go test -run '^$' -bench Search -benchtime 2000x ./handlers/
func BenchmarkSearch(b *testing.B) {
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
	defer db.Close()
	app := newTestApp(&testing.T{}, db)
	for _, bc := range []struct{ name, path string }{
		{"brand", "/motos?marca=7"},
		{"brand+state", "/motos?marca=18&estado=SP"},
		{"price+order", "/motos?preco_min=10000&preco_max=30000&ordem=menor_preco"},
		{"deep page", "/motos?pagina=300"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				req := httptest.NewRequest("GET", bc.path, nil)
				req.Header.Set("HX-Request", "true")
				resp, err := app.Test(req, -1)
				if err != nil || resp.StatusCode != 200 {
					b.Fatal(err, resp.StatusCode)
				}
				resp.Body.Close()
			}
		})
	}
}

// BenchmarkSearchPage measures the whole /motos page of a search whose
// results are rendered already: the cost of the page around them.
func BenchmarkSearchPage(b *testing.B) {
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
	defer db.Close()
	app := newTestApp(&testing.T{}, db)
	for _, path := range []string{"/motos?marca=7&estado=MG", "/motos?pagina=300"} {
		b.Run(path, func(b *testing.B) {
			for b.Loop() {
				resp, err := app.Test(httptest.NewRequest("GET", path, nil), -1)
				if err != nil || resp.StatusCode != 200 {
					b.Fatal(err, resp.StatusCode)
				}
				resp.Body.Close()
			}
		})
	}
}
