package handlers

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"motando/models"
	"motando/models/modelstest"
)

func TestAdminCatalogChangesShowAtOnce(t *testing.T) {
	modelstest.EachDialect(t, func(t *testing.T, db *models.DB) {
		s := newSite(t, db)
		const email = "catalogo@exemplo.com"
		admin := s.admin(email)

		// A new brand, at once in the ad form's brands.
		status, _ := adminPost(admin, "/admin/catalogo", "/admin/catalogo/marcas", url.Values{"nome": {"  Motando   Motos "}})
		if status != 303 {
			t.Fatalf("create brand: %d", status)
		}
		var brand models.Brand
		if err := db.Where("brand = ?", "Motando Motos").First(&brand).Error; err != nil {
			t.Fatal(err)
		}
		audited(t, db, email, models.AuditCatalogCreate, "marca:"+u32(brand.ID))
		if admin.location() != "/admin/catalogo/marcas/"+u32(brand.ID) {
			t.Errorf("after creating: %s", admin.location())
		}
		_, form := admin.get("/anuncios/novo")
		mustContain(t, form, `<option value="`+u32(brand.ID)+`">Motando Motos</option>`)
		// The same name in other letters is refused.
		status, body := adminPost(admin, "/admin/catalogo", "/admin/catalogo/marcas", url.Values{"nome": {"motando motos"}})
		if status != 422 || !strings.Contains(body, "Já existe uma marca com este nome") {
			t.Errorf("duplicate brand: %d", status)
		}
		if status, _ := admin.post("/admin/catalogo/marcas", url.Values{"nome": {" "}}); status != 422 {
			t.Errorf("empty name: %d", status)
		}

		// A model, at once in the cascading select.
		brandPage := "/admin/catalogo/marcas/" + u32(brand.ID)
		if status, _ := adminPost(admin, brandPage, "/admin/catalogo/modelos", url.Values{"nome": {"Trilha 300"}, "pai": {u32(brand.ID)}}); status != 303 {
			t.Fatalf("create model: %d", status)
		}
		var model models.Model
		db.Where("brand_id = ? AND model = ?", brand.ID, "Trilha 300").First(&model)
		audited(t, db, email, models.AuditCatalogCreate, "modelo:"+u32(model.ID))
		_, options := get(t, s.app, "/catalogo/modelos?marca="+u32(brand.ID))
		mustContain(t, options, ">Trilha 300</option>")

		// Renamed: the select follows.
		modelPage := "/admin/catalogo/modelos/" + u32(model.ID)
		if status, _ := adminPost(admin, modelPage, modelPage+"/renomear", url.Values{"nome": {"Trilha 350"}}); status != 303 {
			t.Fatalf("rename model: %d", status)
		}
		audited(t, db, email, models.AuditCatalogRename, "modelo:"+u32(model.ID))
		_, options = get(t, s.app, "/catalogo/modelos?marca="+u32(brand.ID))
		mustContain(t, options, ">Trilha 350</option>")
		if strings.Contains(options, "Trilha 300") {
			t.Error("the old name is still offered")
		}

		// A version, renamed, then deleted (nothing uses it).
		if status, _ := adminPost(admin, modelPage, "/admin/catalogo/versoes", url.Values{"nome": {"Rally"}, "pai": {u32(model.ID)}}); status != 303 {
			t.Fatalf("create version: %d", status)
		}
		var version models.Version
		db.Where("model_id = ?", model.ID).First(&version)
		_, options = get(t, s.app, "/catalogo/versoes?modelo="+u32(model.ID))
		mustContain(t, options, ">Rally</option>")
		if status, _ := adminPost(admin, modelPage, "/admin/catalogo/versoes/"+u32(version.ID)+"/renomear", url.Values{"nome": {"Rally ABS"}}); status != 303 {
			t.Fatalf("rename version: %d", status)
		}
		_, options = get(t, s.app, "/catalogo/versoes?modelo="+u32(model.ID))
		mustContain(t, options, ">Rally ABS</option>")
		deletePage := "/admin/catalogo/versoes/" + u32(version.ID) + "/excluir"
		_, confirm := admin.get(deletePage)
		mustContain(t, confirm, "Nenhum anúncio usa a versão")
		if status, _ := admin.post(deletePage, nil); status != 303 {
			t.Fatalf("delete version: %d", status)
		}
		audited(t, db, email, models.AuditCatalogDelete, "versao:"+u32(version.ID))
		if _, options = get(t, s.app, "/catalogo/versoes?modelo="+u32(model.ID)); strings.Contains(options, "Rally") {
			t.Error("a deleted version is still offered")
		}
		if countRows(db, &models.Version{}, "id = ?", version.ID) != 0 {
			t.Error("the version is still stored")
		}

		// Popular, and not.
		if status, _ := adminPost(admin, "/admin/catalogo", brandPage+"/popular", url.Values{"popular": {"sim"}, "volta": {"/admin/catalogo"}}); status != 303 || admin.location() != "/admin/catalogo" {
			t.Fatalf("popular: %d to %s", status, admin.location())
		}
		db.First(&brand, brand.ID)
		if !brand.Popular {
			t.Error("the brand is not popular")
		}
		audited(t, db, email, models.AuditBrandPopular, "marca:"+u32(brand.ID))
		adminPost(admin, brandPage, brandPage+"/popular", nil)
		db.First(&brand, brand.ID)
		if brand.Popular {
			t.Error("the brand is still popular")
		}

		// The audit log shows it all, newest first, with the admin's e-mail.
		_, log := admin.get("/admin/auditoria")
		mustContain(t, log, email, "Catálogo: marca popular", "Catálogo: exclusão", "Renomeou o modelo “Trilha 300” (Motando Motos) para “Trilha 350”.")
		if strings.Index(log, "Catálogo: exclusão") > strings.Index(log, "Catálogo: criação") {
			t.Error("the audit log is not newest first")
		}
	})
}

func TestAdminCannotDeleteABrandInUse(t *testing.T) {
	modelstest.EachDialect(t, func(t *testing.T, db *models.DB) {
		s := newSite(t, db)
		seller := s.seller("usa.honda@exemplo.com")
		s.publishedAd(seller) // a Honda CB 300
		const email = "exclui@exemplo.com"
		admin := s.admin(email)
		var honda models.Brand
		db.Where("brand = ?", "Honda").First(&honda)
		want := fmt.Sprintf("usada por 1 anúncio e %d modelos", countRows(db, &models.Model{}, "brand_id = ?", honda.ID))

		page := "/admin/catalogo/marcas/" + u32(honda.ID) + "/excluir"
		status, body := admin.get(page)
		if status != 200 || !strings.Contains(body, want) || strings.Contains(body, `<button class="button danger" type="submit">Excluir</button>`) {
			t.Errorf("confirmation page: %d, want the refusal %q and no button", status, want)
		}
		status, body = admin.post(page, nil)
		if status != 422 || !strings.Contains(body, want) {
			t.Errorf("delete a brand in use: %d, want 422 saying %q", status, want)
		}
		if countRows(db, &models.Brand{}, "id = ?", honda.ID) != 1 {
			t.Error("the brand was deleted")
		}
		if countRows(db, &models.AuditEntry{}, "action = ?", models.AuditCatalogDelete) != 0 {
			t.Error("a refused deletion was audited")
		}
	})
}

func TestAdminMergeModelsMovesEverything(t *testing.T) {
	modelstest.EachDialect(t, func(t *testing.T, db *models.DB) {
		s := newSite(t, db)
		ctx := t.Context()
		const email = "mescla@exemplo.com"
		admin := s.admin(email)
		var cb300 models.Model
		db.Where("model = ?", "CB 300").First(&cb300)
		var kept models.Version
		db.Where("model_id = ?", cb300.ID).Order("id").First(&kept)

		// A duplicate of the CB 300 with a version the CB 300 has (in other
		// letters) and one it has not, used by two ads and a profile.
		brandPage := "/admin/catalogo/marcas/" + u32(cb300.BrandID)
		adminPost(admin, brandPage, "/admin/catalogo/modelos", url.Values{"nome": {"CB-300 (duplicado)"}, "pai": {u32(cb300.BrandID)}})
		var dup models.Model
		db.Where("model = ?", "CB-300 (duplicado)").First(&dup)
		dupPage := "/admin/catalogo/modelos/" + u32(dup.ID)
		adminPost(admin, dupPage, "/admin/catalogo/versoes", url.Values{"nome": {strings.ToUpper(kept.Name)}, "pai": {u32(dup.ID)}})
		adminPost(admin, dupPage, "/admin/catalogo/versoes", url.Values{"nome": {"Edição Única"}, "pai": {u32(dup.ID)}})
		var twin, only models.Version
		db.Where("model_id = ? AND version <> ?", dup.ID, "Edição Única").First(&twin)
		db.Where("model_id = ? AND version = ?", dup.ID, "Edição Única").First(&only)
		if twin.ID == 0 || only.ID == 0 {
			t.Fatal("versions of the duplicate not created")
		}
		owner := modelstest.CreateUser(t, db, "Dona")
		db.Create(&models.Profile{UserID: owner.ID, MotorcycleBrandWantedID: &dup.BrandID, MotorcycleBrandModelWantedID: &dup.ID})
		adTwin := modelstest.NewAd(t, db, owner)
		adTwin.ModelID, adTwin.VersionID, adTwin.SearchText = dup.ID, &twin.ID, "honda cb-300 (duplicado)"
		modelstest.CreateAd(t, db, adTwin)
		adOnly := modelstest.NewAd(t, db, owner)
		adOnly.ModelID, adOnly.VersionID = dup.ID, &only.ID
		modelstest.CreateAd(t, db, adOnly)

		page := "/admin/catalogo/modelos/" + u32(dup.ID) + "/mesclar"
		_, form := admin.get(page)
		mustContain(t, form, "2 anúncios e 2 versões", `<option value="`+u32(cb300.ID)+`">CB 300</option>`)
		if status, _ := admin.post(page, url.Values{"destino": {u32(dup.ID)}}); status != 422 {
			t.Errorf("merge into itself: %d", status)
		}
		if status, _ := admin.post(page, url.Values{"destino": {u32(cb300.ID)}}); status != 303 {
			t.Fatalf("merge: %d", status)
		}
		audited(t, db, email, models.AuditCatalogMerge, "modelo:"+u32(cb300.ID))

		var got []models.Ad
		db.Where("id IN ?", []uint64{adTwin.ID, adOnly.ID}).Order("id").Find(&got)
		if got[0].ModelID != cb300.ID || *got[0].VersionID != kept.ID || got[1].ModelID != cb300.ID || *got[1].VersionID != only.ID ||
			got[0].BrandID != cb300.BrandID {
			t.Errorf("ads after the merge: %+v", got)
		}
		if !strings.Contains(got[0].SearchText, "cb 300") {
			t.Errorf("search text not rewritten: %q", got[0].SearchText)
		}
		orphans := countRows(db, &models.Ad{}, "model_id = ?", dup.ID) + countRows(db, &models.Version{}, "model_id = ?", dup.ID) +
			countRows(db, &models.Profile{}, "motorcycle_brand_model_wanted_id = ?", dup.ID) + countRows(db, &models.Model{}, "id = ?", dup.ID) +
			countRows(db, &models.Version{}, "id = ?", twin.ID)
		if orphans != 0 {
			t.Errorf("%d rows still point at the merged model", orphans)
		}
		p, _ := db.ProfileOf(ctx, owner.ID)
		if p.MotorcycleBrandModelWantedID == nil || *p.MotorcycleBrandModelWantedID != cb300.ID {
			t.Errorf("profile after the merge: %+v", p)
		}
		_, versions := get(t, s.app, "/catalogo/versoes?modelo="+u32(cb300.ID))
		mustContain(t, versions, ">Edição Única</option>")
		_, ms := get(t, s.app, "/catalogo/modelos?marca="+u32(cb300.BrandID))
		if strings.Contains(ms, "duplicado") {
			t.Error("the merged model is still offered")
		}
	})
}

// Another web process sees a catalog change within its refresh interval.
func TestCatalogChangeReachesOtherProcesses(t *testing.T) {
	modelstest.EachDialect(t, func(t *testing.T, db *models.DB) {
		s := newSite(t, db)
		other := newTestApp(t, db, func(c *Config) { c.CatalogRefresh = time.Millisecond })
		var honda models.Brand
		db.Where("brand = ?", "Honda").First(&honda)
		models0 := "/catalogo/modelos?marca=" + u32(honda.ID)
		get(t, other, models0)
		admin := s.admin("replica@exemplo.com")
		adminPost(admin, "/admin/catalogo/marcas/"+u32(honda.ID), "/admin/catalogo/modelos", url.Values{"nome": {"Nova Réplica"}, "pai": {u32(honda.ID)}})
		time.Sleep(5 * time.Millisecond)
		status, body := get(t, other, models0)
		if status != 200 || !strings.Contains(body, ">Nova Réplica</option>") {
			t.Errorf("the other process does not offer the new model: %d", status)
		}
	})
}
