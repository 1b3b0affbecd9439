package handlers

import (
	"fmt"
	"math/rand/v2"
	"net/http/httptest"
	"os"
	"strconv"
	"testing"

	gomysql "github.com/go-sql-driver/mysql"
	"github.com/gofiber/fiber/v2"

	"motando/models"
)

// Benchmarks of whole requests, through the application, on a large
// database named by MOTANDO_BENCH_MYSQL_DSN (e.g. one filled by `motando
// seed --bulk 100000`); every iteration asks for a search or an ad nobody
// asked for before in the run:
//
//	MOTANDO_BENCH_MYSQL_DSN='root@tcp(127.0.0.1:3306)/motando_bench' \
//	  go test -run '^$' -bench . -benchtime 3000x ./handlers/

// BenchmarkSearch measures /motos results partials of new searches: a
// brand, a state and price and year ranges, in any order and page.
func BenchmarkSearch(b *testing.B) {
	app, _ := benchApp(b)
	rng := rand.New(rand.NewPCG(1, 2))
	orders := []string{"recentes", "menor_preco", "maior_preco", "menor_km", "mais_novas"}
	states := []string{"SP", "MG", "RJ", "PR", "BA", "RS"}
	for b.Loop() {
		lo := 1000 * (1 + rng.IntN(40))
		path := fmt.Sprintf("/motos?marca=%d&estado=%s&preco_min=%d&preco_max=%d&ano_min=%d&ordem=%s&pagina=%d",
			1+rng.IntN(18), states[rng.IntN(len(states))], lo, lo+1000*(5+rng.IntN(60)), 2000+rng.IntN(20),
			orders[rng.IntN(len(orders))], 1+rng.IntN(3))
		benchGet(b, app, path, fiber.StatusOK, "HX-Request", "true")
	}
}

// BenchmarkAdPage measures the pages of ads drawn at random over the whole
// database.
func BenchmarkAdPage(b *testing.B) {
	app, db := benchApp(b)
	var ids []uint64
	if err := db.Raw("SELECT id FROM classifiedad WHERE listed = ?", true).Scan(&ids).Error; err != nil || len(ids) == 0 {
		b.Fatalf("listed ads: %v (%d)", err, len(ids))
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for b.Loop() {
		// Without its slug the address answers a redirect to the page,
		// after reading the ad as the page does.
		benchGet(b, app, "/anuncio/"+strconv.FormatUint(ids[rng.IntN(len(ids))], 10), fiber.StatusMovedPermanently)
	}
}

// benchApp is the site on the database MOTANDO_BENCH_MYSQL_DSN names; the
// benchmark is skipped without it.
func benchApp(b *testing.B) (*fiber.App, *models.DB) {
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
	return newTestApp(b, db), db
}

// benchGet requests path with the given header pairs and fails on any
// other status than want.
func benchGet(b *testing.B, app *fiber.App, path string, want int, headers ...string) {
	req := httptest.NewRequest("GET", path, nil)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := app.Test(req, -1)
	if err != nil {
		b.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != want {
		b.Fatalf("GET %s: %d", path, resp.StatusCode)
	}
}
