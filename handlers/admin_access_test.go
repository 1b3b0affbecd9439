package handlers

import (
	"net/http"
	"strings"
	"testing"

	"motando/models"
	"motando/models/modelstest"
)

// Every admin route answers 404 to anyone but an admin, page or action,
// and an action tried does nothing.
func TestAdminRoutesAreHiddenFromOthers(t *testing.T) {
	modelstest.EachDialect(t, func(t *testing.T, db *models.DB) {
		s := newSite(t, db)
		seller := s.seller("dono.admin404@exemplo.com")
		ad, _ := s.publishedAd(seller)
		var honda models.Brand
		db.Where("brand = ?", "Honda").First(&honda)
		var cb300 models.Model
		db.Where("brand_id = ? AND model = ?", honda.ID, "CB 300").First(&cb300)
		var version models.Version
		db.Where("model_id = ?", cb300.ID).First(&version)
		owner, _ := db.UserByEmail(t.Context(), "dono.admin404@exemplo.com")
		// The real addresses of every route, with ids that exist (every
		// level of the catalog for the routes that take one).
		ids := map[string]string{
			"/admin/catalogo/marcas/":  u32(honda.ID),
			"/admin/catalogo/modelos/": u32(cb300.ID),
			"/admin/catalogo/versoes/": u32(version.ID),
			"/admin/anuncios/":         u64(ad.ID),
			"/admin/usuarios/":         u64(owner.ID),
		}
		type route struct{ method, path string }
		var routes []route
		for _, r := range s.app.GetRoutes(true) {
			if !strings.HasPrefix(r.Path, "/admin") || (r.Method != http.MethodGet && r.Method != http.MethodPost) {
				continue
			}
			paths := []string{r.Path}
			if strings.Contains(r.Path, ":nivel") {
				paths = nil
				for _, level := range []string{"marcas", "modelos", "versoes"} {
					paths = append(paths, strings.Replace(r.Path, ":nivel", level, 1))
				}
			}
			for _, p := range paths {
				for prefix, id := range ids {
					if strings.HasPrefix(p, prefix+":id") {
						p = strings.Replace(p, ":id", id, 1)
					}
				}
				routes = append(routes, route{r.Method, p})
			}
		}
		if len(routes) < 34 {
			t.Fatalf("only %d admin routes found: %v", len(routes), routes)
		}

		anon := newBrowser(t, s.app)
		anon.get("/")
		member := s.seller("curioso@exemplo.com")
		member.get("/")
		for _, who := range []struct {
			name string
			b    *browser
		}{{"anonymous", anon}, {"signed in", member}} {
			for _, r := range routes {
				var status int
				if r.method == http.MethodGet {
					status, _ = who.b.get(r.path)
				} else {
					status, _ = who.b.post(r.path, nil)
				}
				if status != 404 {
					t.Errorf("%s: %s %s = %d, want 404", who.name, r.method, r.path, status)
				}
			}
		}
		if n := countRows(db, &models.AuditEntry{}, ""); n != 0 {
			t.Errorf("%d audit entries after actions by non-admins", n)
		}
		if n := countRows(db, &models.Brand{}, "id = ?", honda.ID); n != 1 {
			t.Error("a non-admin deleted a brand")
		}

		// The same pages exist for an admin.
		admin := s.admin("chefe.404@exemplo.com")
		for _, r := range routes {
			if r.method != http.MethodGet {
				continue
			}
			if status, _ := admin.get(r.path); status != 200 {
				t.Errorf("admin: GET %s = %d, want 200", r.path, status)
			}
		}
	})
}
