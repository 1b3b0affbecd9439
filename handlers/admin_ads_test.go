package handlers

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"motando/models"
	"motando/models/modelstest"
)

func TestAdminHidesAndShowsAnAd(t *testing.T) {
	modelstest.EachDialect(t, func(t *testing.T, db *models.DB) {
		s := newSite(t, db)
		seller := s.seller("moderado@exemplo.com")
		ad, page := s.publishedAd(seller)
		const email = "moderador@exemplo.com"
		admin := s.admin(email)
		adminPage := "/admin/anuncios/" + u64(ad.ID)
		target := "anuncio:" + u64(ad.ID)

		if status, body := adminPost(admin, adminPage, adminPage+"/ocultar", url.Values{"motivo": {" "}}); status != 422 ||
			!strings.Contains(body, "Informe o motivo") {
			t.Errorf("hide without a reason: %d", status)
		}
		if status, _ := adminPost(admin, adminPage, adminPage+"/ocultar", url.Values{"motivo": {"Fotos de outra moto."}}); status != 303 {
			t.Fatalf("hide: %d", status)
		}
		audited(t, db, email, models.AuditAdHide, target)
		anon := newBrowser(t, s.app)
		if status, _ := anon.get(page); status != 404 {
			t.Errorf("hidden ad's page: %d, want 404", status)
		}
		if _, results := anon.get("/motos?ordem=menor_km"); strings.Contains(results, page) {
			t.Error("the hidden ad is still in the search")
		}
		_, mine := seller.get("/meus-anuncios")
		mustContain(t, mine, "Oculto pela moderação", "Fotos de outra moto.")
		_, list := admin.get("/admin/anuncios?sinal=oculto")
		mustContain(t, list, `id="anuncio-`+u64(ad.ID)+`"`)

		if status, _ := adminPost(admin, adminPage, adminPage+"/reexibir", nil); status != 303 {
			t.Fatalf("unhide: %d", status)
		}
		audited(t, db, email, models.AuditAdUnhide, target)
		if status, _ := anon.get(page); status != 200 {
			t.Errorf("unhidden ad's page: %d, want 200", status)
		}
		if _, mine = seller.get("/meus-anuncios"); strings.Contains(mine, "Oculto pela moderação") {
			t.Error("the owner still sees the ad hidden")
		}

		// Top offer, on the home page.
		if status, _ := adminPost(admin, adminPage, adminPage+"/destaque", url.Values{"destaque": {"sim"}}); status != 303 {
			t.Fatalf("top offer: %d", status)
		}
		audited(t, db, email, models.AuditAdTopOffer, target)
		var got models.Ad
		db.First(&got, ad.ID)
		if !got.TopOffer {
			t.Error("not a top offer")
		}
		adminPost(admin, adminPage, adminPage+"/destaque", nil)
		db.First(&got, ad.ID)
		if got.TopOffer {
			t.Error("still a top offer")
		}
		audited(t, db, email, models.AuditAdTopOffer, target)
	})
}

func TestAdminClosesReports(t *testing.T) {
	modelstest.EachDialect(t, func(t *testing.T, db *models.DB) {
		s := newSite(t, db)
		seller := s.seller("denunciada@exemplo.com")
		ad, page := s.publishedAd(seller)
		visitor := newBrowser(t, s.app)
		visitor.get(page)
		path := "/anuncio/" + u64(ad.ID) + "/denuncia"
		visitor.post(path, url.Values{"motivo": {"fraude"}, "observacao": {"Preço bom demais."}})
		visitor.post(path, url.Values{"motivo": {"vendida"}})
		visitor.post(path, url.Values{"motivo": {"outro"}})
		const email = "fecha@exemplo.com"
		admin := s.admin(email)

		_, dash := admin.get("/admin")
		mustContain(t, dash, `data-count="reports">3<`)
		_, list := admin.get("/admin/anuncios?sinal=denuncias")
		mustContain(t, list, `id="anuncio-`+u64(ad.ID)+`"`, `<span class="badge failed">3</span>`)
		adminPage := "/admin/anuncios/" + u64(ad.ID)
		_, body := admin.get(adminPage)
		mustContain(t, body, "Suspeita de golpe ou fraude", "Preço bom demais.", "3 abertas")

		var first models.Report
		db.Where("classifiedad_id = ? AND reason = ?", ad.ID, "fraude").First(&first)
		if status, _ := admin.post(adminPage+"/denuncias", url.Values{"denuncia": {u64(first.ID)}}); status != 303 {
			t.Fatalf("close one: %d", status)
		}
		audited(t, db, email, models.AuditReportsClose, "anuncio:"+u64(ad.ID))
		db.First(&first, first.ID)
		admin0, _ := db.UserByEmail(t.Context(), email)
		if first.ClosedAt == nil || first.ClosedBy == nil || *first.ClosedBy != admin0.ID {
			t.Errorf("closed report: %+v", first)
		}
		if n := countRows(db, &models.Report{}, "closed_at IS NULL"); n != 2 {
			t.Errorf("%d open reports, want 2", n)
		}
		if status, _ := adminPost(admin, adminPage, adminPage+"/denuncias", nil); status != 303 {
			t.Fatalf("close all: %d", status)
		}
		if n := countRows(db, &models.Report{}, "closed_at IS NULL"); n != 0 {
			t.Errorf("%d open reports, want 0", n)
		}
		if n := countRows(db, &models.AuditEntry{}, "action = ?", models.AuditReportsClose); n != 2 {
			t.Errorf("%d audit entries for closed reports, want 2", n)
		}
		// Sent again, nothing left to close and nothing audited.
		admin.post(adminPage+"/denuncias", nil)
		if n := countRows(db, &models.AuditEntry{}, "action = ?", models.AuditReportsClose); n != 2 {
			t.Errorf("%d audit entries after closing nothing", n)
		}
		if _, list = admin.get("/admin/anuncios?sinal=denuncias"); strings.Contains(list, `id="anuncio-`+u64(ad.ID)+`"`) {
			t.Error("the ad is still listed with open reports")
		}
	})
}

func TestAdminAdListFilters(t *testing.T) {
	modelstest.EachDialect(t, func(t *testing.T, db *models.DB) {
		s := newSite(t, db)
		ana := modelstest.CreateUser(t, db, "Ana Lista")
		bia := modelstest.CreateUser(t, db, "Beatriz Lista")
		old := modelstest.NewAd(t, db, ana)
		old.Created = time.Now().UTC().AddDate(0, 0, -40)
		modelstest.CreateAd(t, db, old)
		fresh := modelstest.NewAd(t, db, bia)
		fresh.Status = models.StatusFailed
		modelstest.CreateAd(t, db, fresh)
		admin := s.admin("lista@exemplo.com")
		row := func(ad *models.Ad) string { return `id="anuncio-` + u64(ad.ID) + `"` }
		day := func(d time.Time) string { return d.In(brasilia).Format("2006-01-02") }

		cases := []struct {
			query    string
			has, not []*models.Ad
		}{
			{"", []*models.Ad{old, fresh}, nil},
			{"?status=failed", []*models.Ad{fresh}, []*models.Ad{old}},
			{"?dono=beatriz", []*models.Ad{fresh}, []*models.Ad{old}},
			{"?dono=" + url.QueryEscape(ana.Email), []*models.Ad{old}, []*models.Ad{fresh}},
			{"?de=" + day(time.Now().AddDate(0, 0, -1)), []*models.Ad{fresh}, []*models.Ad{old}},
			{"?ate=" + day(time.Now().AddDate(0, 0, -30)), []*models.Ad{old}, []*models.Ad{fresh}},
			{"?de=ontem&status=qualquer", []*models.Ad{old, fresh}, nil},
		}
		for _, tc := range cases {
			status, body := admin.get("/admin/anuncios" + tc.query)
			if status != 200 {
				t.Fatalf("%s: %d", tc.query, status)
			}
			for _, ad := range tc.has {
				if !strings.Contains(body, row(ad)) {
					t.Errorf("%s lacks ad %d", tc.query, ad.ID)
				}
			}
			for _, ad := range tc.not {
				if strings.Contains(body, row(ad)) {
					t.Errorf("%s shows ad %d", tc.query, ad.ID)
				}
			}
		}
		_, body := admin.get("/admin/anuncios?de=ontem")
		mustContain(t, body, "Data inválida ignorada: ontem.")
	})
}
