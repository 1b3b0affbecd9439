package models_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"motando/models"
	"motando/models/modelstest"
)

// catalogFixture is a brand "Hondda", a duplicate of Honda, with a "CB 300"
// (Honda has one) holding a version Honda's CB 300 has and one it has not,
// and a model of its own.
type catalogFixture struct {
	honda, dup             models.Brand
	cb300, dupCB, dupOwn   models.Model
	kept, dupTwin, dupOnly models.Version
}

func newCatalogFixture(t *testing.T, db *models.DB, admin uint64) catalogFixture {
	t.Helper()
	ctx := context.Background()
	var f catalogFixture
	db.Where("brand = ?", "Honda").First(&f.honda)
	db.Where("brand_id = ? AND model = ?", f.honda.ID, "CB 300").First(&f.cb300)
	db.Where("model_id = ?", f.cb300.ID).Order("id").First(&f.kept)
	must := func(id uint32, err error) uint32 {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	f.dup.ID = must(db.CreateCatalogItem(ctx, admin, models.LevelBrand, 0, "Hondda"))
	f.dupCB.ID = must(db.CreateCatalogItem(ctx, admin, models.LevelModel, f.dup.ID, "cb 300"))
	f.dupOwn.ID = must(db.CreateCatalogItem(ctx, admin, models.LevelModel, f.dup.ID, "Modelo Próprio"))
	f.dupTwin.ID = must(db.CreateCatalogItem(ctx, admin, models.LevelVersion, f.dupCB.ID, f.kept.Name))
	f.dupOnly.ID = must(db.CreateCatalogItem(ctx, admin, models.LevelVersion, f.dupCB.ID, "Só Aqui"))
	return f
}

func adOn(t *testing.T, db *models.DB, owner *models.User, brand, model uint32, version *uint32) *models.Ad {
	t.Helper()
	ad := modelstest.NewAd(t, db, owner)
	ad.BrandID, ad.ModelID, ad.VersionID = brand, model, version
	ad.Status, ad.Listed, ad.SalesPhrase = models.StatusPublished, true, "Única dona"
	return modelstest.CreateAd(t, db, ad)
}

func TestMergeBrandsMergesTheirModelsAndVersions(t *testing.T) {
	modelstest.EachDialect(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		admin := modelstest.CreateUser(t, db, "Admin")
		f := newCatalogFixture(t, db, admin.ID)
		owner := modelstest.CreateUser(t, db, "Dono")
		twinAd := adOn(t, db, owner, f.dup.ID, f.dupCB.ID, &f.dupTwin.ID)
		onlyAd := adOn(t, db, owner, f.dup.ID, f.dupCB.ID, &f.dupOnly.ID)
		ownAd := adOn(t, db, owner, f.dup.ID, f.dupOwn.ID, nil)
		db.Model(&models.Profile{}).Create(&models.Profile{UserID: owner.ID, MotorcycleBrandWantedID: &f.dup.ID, MotorcycleBrandModelWantedID: &f.dupCB.ID})
		before, _ := db.CatalogVersion(ctx)

		res, err := db.MergeCatalogItem(ctx, admin.ID, models.LevelBrand, f.dup.ID, f.honda.ID)
		if err != nil {
			t.Fatal(err)
		}
		if res.Ads != 3 || res.Models != 2 || res.Versions != 2 || res.Profiles != 1 {
			t.Errorf("result %+v", res)
		}
		var ads []models.Ad
		db.Where("id IN ?", []uint64{twinAd.ID, onlyAd.ID, ownAd.ID}).Order("id").Find(&ads)
		want := []struct {
			model   uint32
			version uint32
		}{{f.cb300.ID, f.kept.ID}, {f.cb300.ID, f.dupOnly.ID}, {f.dupOwn.ID, 0}}
		for i, ad := range ads {
			v := uint32(0)
			if ad.VersionID != nil {
				v = *ad.VersionID
			}
			if ad.BrandID != f.honda.ID || ad.ModelID != want[i].model || v != want[i].version {
				t.Errorf("ad %d: brand %d model %d version %d, want %d %d %d", i, ad.BrandID, ad.ModelID, v, f.honda.ID, want[i].model, want[i].version)
			}
			if !strings.HasPrefix(ad.SearchText, " honda ") {
				t.Errorf("ad %d search text %q", i, ad.SearchText)
			}
		}
		var own models.Model
		db.First(&own, f.dupOwn.ID)
		if own.BrandID != f.honda.ID {
			t.Errorf("the brand's own model stayed with brand %d", own.BrandID)
		}
		var only models.Version
		db.First(&only, f.dupOnly.ID)
		if only.ModelID != f.cb300.ID {
			t.Errorf("the version only the duplicate had is under model %d", only.ModelID)
		}
		left := []struct {
			what  string
			model any
			where string
		}{
			{"brand", &models.Brand{}, "id = @b"},
			{"models", &models.Model{}, "id = @m OR brand_id = @b"},
			{"twin version", &models.Version{}, "id = @v OR model_id = @m"},
			{"ads", &models.Ad{}, "brand_id = @b OR model_id = @m OR model_version_id = @v"},
			{"profiles", &models.Profile{}, "motorcycle_brand_wanted_id = @b OR motorcycle_brand_model_wanted_id = @m"},
		}
		for _, l := range left {
			var n int64
			db.Model(l.model).Where(l.where, map[string]any{"b": f.dup.ID, "m": f.dupCB.ID, "v": f.dupTwin.ID}).Count(&n)
			if n != 0 {
				t.Errorf("%d %s left pointing at the duplicate", n, l.what)
			}
		}
		if after, _ := db.CatalogVersion(ctx); after <= before {
			t.Errorf("catalog version %d after the merge, was %d", after, before)
		}
		cat, _ := models.LoadCatalog(ctx, db)
		if _, ok := cat.Brand(f.dup.ID); ok {
			t.Error("the duplicate is still in the catalog")
		}
		var e models.AuditEntry
		db.Order("id DESC").First(&e)
		if e.Action != models.AuditCatalogMerge || e.Target != models.Target(models.TargetBrand, uint64(f.honda.ID)) || *e.ActorID != admin.ID {
			t.Errorf("audit %+v", e)
		}
	})
}

func TestDeleteCatalogItemInUse(t *testing.T) {
	modelstest.EachDialect(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		admin := modelstest.CreateUser(t, db, "Admin")
		f := newCatalogFixture(t, db, admin.ID)
		owner := modelstest.CreateUser(t, db, "Dono")
		adOn(t, db, owner, f.dup.ID, f.dupCB.ID, &f.dupTwin.ID)
		audits := func() int64 {
			var n int64
			db.Model(&models.AuditEntry{}).Count(&n)
			return n
		}
		n0 := audits()
		cases := []struct {
			level models.CatalogLevel
			id    uint32
			want  models.CatalogUsage
		}{
			{models.LevelBrand, f.dup.ID, models.CatalogUsage{Ads: 1, Models: 2}},
			{models.LevelModel, f.dupCB.ID, models.CatalogUsage{Ads: 1, Versions: 2}},
			{models.LevelVersion, f.dupTwin.ID, models.CatalogUsage{Ads: 1}},
		}
		for _, tc := range cases {
			err := db.DeleteCatalogItem(ctx, admin.ID, tc.level, tc.id)
			var inUse *models.InUseError
			if !errors.As(err, &inUse) || inUse.Usage != tc.want {
				t.Errorf("delete level %d: %v, want in use by %+v", tc.level, err, tc.want)
			}
		}
		if audits() != n0 {
			t.Error("a refused deletion was audited")
		}
		// Unused, it goes; a profile that wanted it forgets it.
		db.Create(&models.Profile{UserID: owner.ID, MotorcycleBrandWantedID: &f.dup.ID, MotorcycleBrandModelWantedID: &f.dupOwn.ID})
		if err := db.DeleteCatalogItem(ctx, admin.ID, models.LevelModel, f.dupOwn.ID); err != nil {
			t.Fatal(err)
		}
		p, _ := db.ProfileOf(ctx, owner.ID)
		if p.MotorcycleBrandModelWantedID != nil {
			t.Errorf("profile still wants model %d", *p.MotorcycleBrandModelWantedID)
		}
		if err := db.DeleteCatalogItem(ctx, admin.ID, models.LevelModel, f.dupOwn.ID); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("delete again: %v", err)
		}
		if audits() != n0+1 {
			t.Errorf("%d audit entries, want %d", audits(), n0+1)
		}
	})
}

func TestRenameRewritesSearchText(t *testing.T) {
	modelstest.EachDialect(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		admin := modelstest.CreateUser(t, db, "Admin")
		f := newCatalogFixture(t, db, admin.ID)
		owner := modelstest.CreateUser(t, db, "Dono")
		ad := adOn(t, db, owner, f.dup.ID, f.dupCB.ID, &f.dupOnly.ID)
		if err := db.RenameCatalogItem(ctx, admin.ID, models.LevelVersion, f.dupOnly.ID, "Edição Ágil"); err != nil {
			t.Fatal(err)
		}
		db.First(ad, ad.ID)
		if ad.SearchText != " hondda cb 300 edicao agil sao paulo unica dona " {
			t.Errorf("search text %q", ad.SearchText)
		}
		if err := db.RenameCatalogItem(ctx, admin.ID, models.LevelModel, f.dupCB.ID, "Modelo  próprio"); !errors.Is(err, models.ErrNameTaken) {
			t.Errorf("rename to a sibling's name: %v", err)
		}
		// Same letters in other case: allowed.
		if err := db.RenameCatalogItem(ctx, admin.ID, models.LevelModel, f.dupCB.ID, "CB 300"); err != nil {
			t.Errorf("rename to other case: %v", err)
		}
	})
}

func TestBlockAndHideRecomputeListed(t *testing.T) {
	modelstest.EachDialect(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		admin := modelstest.CreateUser(t, db, "Admin")
		owner := modelstest.CreateUser(t, db, "Dono")
		var m models.Model
		db.Where("model = ?", "CB 300").First(&m)
		published := adOn(t, db, owner, m.BrandID, m.ID, nil)
		failed := adOn(t, db, owner, m.BrandID, m.ID, nil)
		db.Model(failed).Updates(map[string]any{"status": models.StatusFailed, "listed": false})
		listed := func(ad *models.Ad) bool {
			var got models.Ad
			db.First(&got, ad.ID)
			return got.Listed
		}
		steps := []struct {
			name      string
			do        func() error
			pub, fail bool
		}{
			{"block", func() error { return db.BlockUser(ctx, admin.ID, owner.ID, "golpe") }, false, false},
			{"hide while blocked", func() error { return db.HideAd(ctx, admin.ID, published.ID, "fotos") }, false, false},
			{"unblock", func() error { return db.UnblockUser(ctx, admin.ID, owner.ID) }, false, false},
			{"unhide", func() error { return db.UnhideAd(ctx, admin.ID, published.ID) }, true, false},
			{"unhide again", func() error { return db.UnhideAd(ctx, admin.ID, published.ID) }, true, false},
		}
		for _, st := range steps {
			if err := st.do(); err != nil {
				t.Fatalf("%s: %v", st.name, err)
			}
			if listed(published) != st.pub || listed(failed) != st.fail {
				t.Errorf("after %s: listed %v/%v, want %v/%v", st.name, listed(published), listed(failed), st.pub, st.fail)
			}
		}
		var n int64
		db.Model(&models.AuditEntry{}).Where("actor_id = ?", admin.ID).Count(&n)
		if n != 4 { // "unhide again" changed nothing
			t.Errorf("%d audit entries, want 4", n)
		}
		rows, err := db.AuditLog(ctx, models.Target(models.TargetAd, published.ID), 0, 10)
		if err != nil || len(rows) != 2 || rows[0].Action != models.AuditAdUnhide || rows[0].ActorEmail != admin.Email ||
			rows[0].Created.After(time.Now()) {
			t.Errorf("audit log of the ad: %+v %v", rows, err)
		}
	})
}
