package models_test

import (
	"context"
	"testing"

	"motando/fixtures"
	"motando/models"
	"motando/models/modelstest"
)

func TestReferenceDataLoaded(t *testing.T) {
	modelstest.EachDialect(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		places, err := models.LoadPlaces(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		if n := len(places.States); n != 27 {
			t.Errorf("states: got %d, want 27", n)
		}
		total := 0
		for _, s := range places.States {
			total += len(places.Cities(s.ID))
		}
		if total != 5570 {
			t.Errorf("cities: got %d, want 5570", total)
		}
		for uf, want := range map[string]int{"SP": 645, "MT": 139, "SE": 75} {
			st, ok := places.StateByUF(uf)
			if !ok {
				t.Fatalf("state %s missing", uf)
			}
			if got := len(places.Cities(st.ID)); got != want {
				t.Errorf("%s cities: got %d, want %d", uf, got, want)
			}
		}
		sp, _ := places.StateByUF("sp")
		if sp.Name != "São Paulo" {
			t.Errorf("SP name: got %q", sp.Name)
		}
		if first := places.Cities(sp.ID)[0].Name; first != "Adamantina" {
			t.Errorf("first SP city in pt-BR order: got %q", first)
		}

		cat, err := models.LoadCatalog(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		if n := len(cat.Brands); n != 18 {
			t.Errorf("brands: got %d, want 18", n)
		}
		nModels, nVersions := 0, 0
		var honda models.Brand
		for _, b := range cat.Brands {
			if b.Name == "Honda" {
				honda = b
			}
			for _, m := range cat.Models(b.ID) {
				nModels++
				nVersions += len(cat.Versions(m.ID))
			}
		}
		if nModels != 298 || nVersions != 988 {
			t.Errorf("models/versions: got %d/%d, want 298/988", nModels, nVersions)
		}
		if got := len(cat.Models(honda.ID)); got != 73 {
			t.Errorf("Honda models: got %d, want 73", got)
		}
	})
}

func TestMigrateTwiceChangesNothing(t *testing.T) {
	modelstest.EachDialect(t, func(t *testing.T, db *models.DB) {
		applied, err := db.Migrate(context.Background(), fixtures.ReferenceData()...)
		if err != nil {
			t.Fatal(err)
		}
		if len(applied) != 0 {
			t.Errorf("second run applied %v", applied)
		}
		var cities int64
		db.Table("cities").Count(&cities)
		if cities != 5570 {
			t.Errorf("cities after a second run: %d", cities)
		}
	})
}
