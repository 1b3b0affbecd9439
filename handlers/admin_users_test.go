package handlers

import (
	"net/url"
	"strings"
	"testing"

	"motando/models"
	"motando/models/modelstest"
)

func TestAdminBlocksAndUnblocksAUser(t *testing.T) {
	modelstest.EachDialect(t, func(t *testing.T, db *models.DB) {
		s := newSite(t, db)
		const sellerEmail = "bloqueado@exemplo.com"
		seller := s.seller(sellerEmail)
		ad, page := s.publishedAd(seller)
		other := newBrowser(t, s.app) // a second session of the same account
		other.get("/entrar")
		if status, _ := other.post("/entrar", url.Values{"email": {sellerEmail}, "senha": {"cavalo bateria grampo"}}); status != 303 {
			t.Fatalf("second sign-in: %d", status)
		}
		u, _ := db.UserByEmail(t.Context(), sellerEmail)
		const email = "bloqueia@exemplo.com"
		admin := s.admin(email)

		_, found := admin.get("/admin/usuarios?q=BLOQUEADO")
		mustContain(t, found, `id="usuario-`+u64(u.ID)+`"`)
		if _, found = admin.get("/admin/usuarios?q=Ana+Souza"); !strings.Contains(found, `id="usuario-`+u64(u.ID)+`"`) {
			t.Error("not found by name")
		}
		if _, found = admin.get("/admin/usuarios?q=ninguem"); strings.Contains(found, `id="usuario-`+u64(u.ID)+`"`) {
			t.Error("found by another name")
		}
		userPage := "/admin/usuarios/" + u64(u.ID)
		_, body := admin.get(userPage)
		mustContain(t, body, `id="anuncio-`+u64(ad.ID)+`"`, "Bloquear a conta")

		if status, _ := admin.post(userPage+"/bloquear", url.Values{"motivo": {""}}); status != 422 {
			t.Errorf("block without a reason: %d", status)
		}
		if status, _ := adminPost(admin, userPage, userPage+"/bloquear", url.Values{"motivo": {"Golpe confirmado."}}); status != 303 {
			t.Fatalf("block: %d", status)
		}
		audited(t, db, email, models.AuditUserBlock, "usuario:"+u64(u.ID))
		if n := countRows(db, &models.Session{}, "user_id = ?", u.ID); n != 0 {
			t.Errorf("%d sessions left", n)
		}
		for _, b := range []*browser{seller, other} {
			if status, _ := b.get("/meus-anuncios"); status != 303 || !strings.HasPrefix(b.location(), "/entrar") {
				t.Errorf("a blocked account's browser is still signed in: %d %s", status, b.location())
			}
		}
		again := newBrowser(t, s.app)
		again.get("/entrar")
		if status, body := again.post("/entrar", url.Values{"email": {sellerEmail}, "senha": {"cavalo bateria grampo"}}); status == 303 ||
			!strings.Contains(body, "bloqueada") {
			t.Errorf("a blocked account signs in: %d", status)
		}
		anon := newBrowser(t, s.app)
		if status, _ := anon.get(page); status != 404 {
			t.Errorf("a blocked account's ad: %d, want 404", status)
		}
		if _, results := anon.get("/motos?ordem=menor_preco"); strings.Contains(results, page) {
			t.Error("a blocked account's ad is in the search")
		}

		// An admin cannot block their own account.
		me, _ := db.UserByEmail(t.Context(), email)
		mine := "/admin/usuarios/" + u64(me.ID)
		if status, _ := adminPost(admin, mine, mine+"/bloquear", url.Values{"motivo": {"teste"}}); status != 422 {
			t.Errorf("self-block: %d", status)
		}

		if status, _ := adminPost(admin, userPage, userPage+"/desbloquear", nil); status != 303 {
			t.Fatalf("unblock: %d", status)
		}
		audited(t, db, email, models.AuditUserUnblock, "usuario:"+u64(u.ID))
		if status, _ := anon.get(page); status != 200 {
			t.Errorf("the unblocked account's ad: %d, want 200", status)
		}
		if _, results := anon.get("/motos?ordem=maior_preco"); !strings.Contains(results, page) {
			t.Error("the unblocked account's ad is not in the search")
		}
		if status, _ := again.post("/entrar", url.Values{"email": {sellerEmail}, "senha": {"cavalo bateria grampo"}}); status != 303 {
			t.Errorf("the unblocked account cannot sign in: %d", status)
		}
	})
}
