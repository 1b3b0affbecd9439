package models_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"motando/models"
	"motando/models/modelstest"
	"motando/search"
)

// Brands and models typed in a search are read as if picked, against the
// reference catalog.
func TestCatalogNamedInWords(t *testing.T) {
	db := modelstest.Open(t, "sqlite")
	cat, err := models.LoadCatalog(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	named := func(brand, model string) (uint32, uint32) {
		t.Helper()
		for _, b := range cat.Brands {
			if b.Name != brand {
				continue
			}
			if model == "" {
				return b.ID, 0
			}
			for _, m := range cat.Models(b.ID) {
				if m.Name == model {
					return b.ID, m.ID
				}
			}
		}
		t.Fatalf("%s %s is not in the catalog", brand, model)
		return 0, 0
	}
	hondaID, cg160 := named("Honda", "CG 160")
	yamahaID, _ := named("Yamaha", "")
	for _, c := range []struct {
		typed        string
		brand, model uint32 // already picked
		wantB, wantM uint32
		wantWords    string
	}{
		{typed: "cg 160", wantB: hondaID, wantM: cg160},
		{typed: "Honda CG 160 vermelha", wantB: hondaID, wantM: cg160, wantWords: "vermelha"},
		{typed: "yamaha", wantB: yamahaID},
		{typed: "moto vermelha", wantWords: "moto vermelha"},
		{typed: "cg 160", brand: yamahaID, wantB: yamahaID, wantWords: "cg 160"}, // not one of Yamaha's
		{typed: "titan", brand: hondaID, model: cg160, wantB: hondaID, wantM: cg160, wantWords: "titan"},
	} {
		b, m, rest := cat.Named(c.brand, c.model, search.Words(c.typed))
		if b != c.wantB || m != c.wantM || strings.Join(rest, " ") != c.wantWords {
			t.Errorf("%q: brand %d model %d words %q, want %d %d %q", c.typed, b, m, rest, c.wantB, c.wantM, c.wantWords)
		}
	}
	if _, _, rest := cat.Named(0, 0, nil); !slices.Equal(rest, nil) {
		t.Errorf("no words: %q", rest)
	}
}
