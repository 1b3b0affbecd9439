package handlers

import (
	"testing"

	"motando/models"
	"motando/models/modelstest"
)

// waysOn are what an error page offers instead of a dead end.
var waysOn = []string{
	`<form class="error-search" action="/motos" method="get" role="search"`, `name="q"`,
	`href="/motos">Ver todas as motos</a>`, `href="/">Página inicial</a>`, `href="/anuncios/novo">Anunciar</a>`,
}

func TestNotFoundPageOffersAWayOn(t *testing.T) {
	db := modelstest.Open(t, "sqlite")
	app := newTestApp(t, db)
	for _, target := range []string{"/nao-existe", "/anuncio/999999/moto-que-saiu"} {
		status, body := get(t, app, target)
		if status != 404 {
			t.Errorf("%s: %d, want 404", target, status)
		}
		mustContain(t, body, "<h1>Página não encontrada.</h1>")
		mustContain(t, body, waysOn...)
	}
}

func TestServerErrorPageOffersAWayOn(t *testing.T) {
	db := modelstest.Open(t, "sqlite")
	app := newTestApp(t, db)
	captureLogs(t)
	closeDB(t, db)
	status, body := get(t, app, "/anuncio/1/honda")
	if status != 500 {
		t.Fatalf("with the database gone: %d, want 500", status)
	}
	mustContain(t, body, "Algo deu errado do nosso lado.")
	mustContain(t, body, waysOn...)
}

// closeDB closes the database under a running application.
func closeDB(t *testing.T, db *models.DB) {
	t.Helper()
	sqlDB, err := db.DB.DB()
	if err != nil {
		t.Fatal(err)
	}
	sqlDB.Close()
}
