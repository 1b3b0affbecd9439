package handlers

import (
	"strconv"
	"strings"
	"testing"

	"motando/models"
	"motando/models/modelstest"
)

func TestCascadingSelects(t *testing.T) {
	modelstest.EachDialect(t, func(t *testing.T, db *models.DB) {
		app := newTestApp(t, db)
		var honda, yamaha, suzuki models.Brand
		var brands []models.Brand
		db.Find(&brands)
		for _, b := range brands {
			switch b.Name {
			case "Honda":
				honda = b
			case "Yamaha":
				yamaha = b
			case "Suzuki":
				suzuki = b
			}
		}
		cases := []struct {
			url     string
			options int // without the placeholder
			has     []string
		}{
			{"/localidades/cidades?estado=SP", 645, []string{`>São Paulo</option>`, `>São José dos Campos</option>`}},
			{"/localidades/cidades?estado=MT", 139, []string{`>Cuiabá</option>`}},
			{"/localidades/cidades?estado=mt", 139, nil},
			{"/localidades/cidades?estado=XX", 0, nil},
			{"/catalogo/modelos?marca=" + strconv.Itoa(int(honda.ID)), 73, []string{">CB 300</option>"}},
			{"/catalogo/modelos?marca=" + strconv.Itoa(int(yamaha.ID)), 55, []string{">MT-07</option>"}},
			{"/catalogo/modelos?marca=" + strconv.Itoa(int(suzuki.ID)), -1, []string{">Address/AG</option>", ">V-Strom</option>"}},
			{"/catalogo/modelos?marca=abc", 0, nil},
		}
		for _, tc := range cases {
			status, body := get(t, app, tc.url, "HX-Request", "true")
			if status != 200 {
				t.Fatalf("%s: status %d", tc.url, status)
			}
			got := strings.Count(body, "<option") - 1
			if tc.options >= 0 && got != tc.options {
				t.Errorf("%s: %d options, want %d", tc.url, got, tc.options)
			}
			mustContain(t, body, tc.has...)
		}

		// A model's versions, with a name that carries a hyphen.
		var cb300 models.Model
		db.Where("model = ? AND brand_id = ?", "CB 300", honda.ID).First(&cb300)
		status, body := get(t, app, "/catalogo/versoes?modelo="+strconv.Itoa(int(cb300.ID)))
		if status != 200 {
			t.Fatalf("versions: status %d", status)
		}
		mustContain(t, body, ">R C-ABS FlexOne</option>")
	})
}
