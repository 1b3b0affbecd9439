package handlers

import (
	"net/url"
	"strconv"
	"strings"
	"testing"

	"motando/models"
	"motando/models/modelstest"
)

// An anonymous "Salvar" is kept through the sign-in and done on the way
// back; saving and unsaving with htmx answers the button in its new state;
// /favoritos lists the ad and the seller's list counts the save.
func TestFavoriteThroughSignIn(t *testing.T) {
	modelstest.EachDialect(t, func(t *testing.T, db *models.DB) {
		s := newSite(t, db)
		seller := s.seller("vendedora@exemplo.com")
		ad, page := s.publishedAd(seller)
		s.seller("comprador@exemplo.com").post("/sair", url.Values{})

		buyer := newBrowser(t, s.app)
		buyer.get(page)
		save := "/anuncio/" + strconv.FormatUint(ad.ID, 10) + "/favorito"
		if status, _ := buyer.post(save, url.Values{"salvar": {"1"}}); status != 303 || !strings.HasPrefix(buyer.location(), "/entrar?next=") {
			t.Fatalf("anonymous save: %d → %s", status, buyer.location())
		}
		next := buyer.location()
		_, signin := buyer.get(next)
		mustContain(t, signin, "salvar este anúncio")
		target, _ := url.QueryUnescape(strings.TrimPrefix(next, "/entrar?next="))
		if status, _ := buyer.post("/entrar", url.Values{"email": {"comprador@exemplo.com"}, "senha": {"cavalo bateria grampo"}, "next": {target}}); status != 303 || buyer.location() != target {
			t.Fatalf("sign-in: %d → %s", status, buyer.location())
		}
		buyer.get(target)
		if !strings.HasPrefix(buyer.location(), "/anuncio/") {
			t.Fatalf("back at %s", buyer.location())
		}
		_, favs := buyer.get("/favoritos")
		mustContain(t, favs, page, `aria-pressed="true"`)
		_, mine := seller.get("/meus-anuncios")
		mustContain(t, mine, "1 pessoa salvou")

		req := newFormRequest(save, url.Values{"salvar": {"0"}, "titulo": {"Honda <b>CB</b>"}, "csrf_token": {buyer.csrf}})
		req.Header.Set("HX-Request", "true")
		status, button := buyer.do(req)
		if status != 200 || !strings.Contains(button, `aria-pressed="false"`) || strings.Contains(button, "<b>") {
			t.Errorf("htmx unsave: %d %s", status, button)
		}
		if n := countRows(db, &models.Favorite{}, "classifiedad_id = ?", ad.ID); n != 0 {
			t.Errorf("%d favourites after unsaving", n)
		}
		back := newFormRequest(save, url.Values{"salvar": {"1"}, "csrf_token": {buyer.csrf}})
		back.Header.Set("Referer", "http://"+back.Host+"/motos?marca=1")
		if status, _ := buyer.do(back); status != 303 || buyer.location() != "/motos?marca=1" {
			t.Errorf("a save from the results goes back to %d %s", status, buyer.location())
		}
		if status, _ := buyer.post("/anuncio/999999/favorito", url.Values{"salvar": {"1"}}); status != 404 {
			t.Errorf("saving an unknown ad: %d", status)
		}
	})
}

// A saved search is named from its filters, keeps only what alerts can
// match, saved twice is one search with the newer alert; another person
// can neither open nor delete it; its stop link needs its own token.
func TestSavedSearches(t *testing.T) {
	modelstest.EachDialect(t, func(t *testing.T, db *models.DB) {
		s := newSite(t, db)
		buyer := s.seller("comprador@exemplo.com")
		var cg models.Model
		db.Where("model = ?", "CG 160").First(&cg)
		search := url.Values{"marca": {u32(cg.BrandID)}, "modelo": {u32(cg.ID)}, "estado": {"SP"}, "preco_max": {"15000"},
			"ordem": {"menor_preco"}, "pagina": {"2"}, "bons_precos": {"1"}, "alerta": {"diario"}}
		buyer.get("/motos")
		if status, _ := buyer.post("/buscas-salvas", search); status != 303 {
			t.Fatalf("save: %d", status)
		}
		search.Set("alerta", "imediato")
		buyer.post("/buscas-salvas", search)
		var list []models.SavedSearch
		db.Find(&list)
		if len(list) != 1 {
			t.Fatalf("%d saved searches", len(list))
		}
		got := list[0]
		if got.Name != "Honda CG 160 em SP até R$ 15.000" || got.Alert != models.AlertNow || strings.Contains(got.Query, "ordem") ||
			strings.Contains(got.Query, "bons_precos") || got.ModelID != cg.ID || got.PriceMax != 15_000_00 {
			t.Errorf("saved %+v", got)
		}
		if status, body := buyer.post("/buscas-salvas", url.Values{"q": {strings.Repeat("🏍", 100)}}); status != 422 || !strings.Contains(body, "longa demais") {
			t.Errorf("a search too long to keep: %d", status)
		}
		_, page := buyer.get("/buscas-salvas")
		mustContain(t, page, "Honda CG 160 em SP até R$ 15.000", "Nenhuma moto nova")

		id := strconv.FormatUint(got.ID, 10)
		other := s.seller("outra@exemplo.com")
		if status, _ := other.get("/buscas-salvas/" + id); status != 404 {
			t.Errorf("another person opens the search: %d", status)
		}
		if status, _ := other.post("/buscas-salvas/"+id+"/excluir", url.Values{}); status != 404 {
			t.Errorf("another person deletes the search: %d", status)
		}
		anon := newBrowser(t, s.app)
		if status, _ := anon.get("/buscas-salvas/" + id + "/parar?t=" + models.AlertStopToken([]byte("another secret"), got.ID)); status != 404 {
			t.Errorf("a stop link signed with another secret: %d", status)
		}
		status, stopped := anon.get("/buscas-salvas/" + id + "/parar?t=" + models.AlertStopToken([]byte("test-secret-test-secret-test-secret!"), got.ID))
		if status != 200 || !strings.Contains(stopped, "Alertas parados") {
			t.Errorf("stop link: %d", status)
		}
		if status, _ := buyer.get("/buscas-salvas/" + id); status != 303 || buyer.location() != "/motos?"+got.Query {
			t.Errorf("open: %d → %s", status, buyer.location())
		}
		if status, _ := buyer.post("/buscas-salvas/"+id+"/excluir", url.Values{}); status != 303 || countRows(db, &models.SavedSearch{}, "1 = 1") != 0 {
			t.Errorf("delete: %d", status)
		}
	})
}
