package handlers

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"motando/models"
	"motando/models/modelstest"
	"motando/stats"
)

// The dashboard's charts say what the rows say: accounts created and ads
// published per day, searches per day; a search that found nothing is in
// the list of searches without results (a crawler's is not).
func TestAdminChartsFollowTheRows(t *testing.T) {
	modelstest.EachDialect(t, func(t *testing.T, db *models.DB) {
		s := newSite(t, db)
		admin := s.admin("admin@exemplo.com")
		seller := s.seller("vendedora@exemplo.com")
		s.publishedAd(seller)
		now := time.Now()
		for i, back := range []int{1, 1, 3} {
			u := modelstest.CreateUser(t, db, "Conta "+strconv.Itoa(i))
			db.Model(u).UpdateColumn("created", now.AddDate(0, 0, -back))
		}

		visitor := newBrowser(t, s.app)
		visitor.get("/motos?q=zzq") // typed on: counts as the search it ends in
		visitor.get("/motos?q=zzqxv+vermelha")
		visitor.get("/motos?q=zzqxv+vermelha&pagina=2") // the same search, further on
		visitor.get("/motos")                           // the whole list: not a search
		other := newBrowser(t, s.app)
		other.ua = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) Mobile/15E148 Safari/604.1"
		other.get("/motos?q=zzqxv+azul&preco_max=1000") // nothing found, but the price explains it
		prefetch := httptest.NewRequest(http.MethodGet, "/motos?q=prefetchada", nil)
		prefetch.Header.Set("Sec-Purpose", "prefetch")
		other.do(prefetch)
		other.do(httptest.NewRequest(http.MethodHead, "/motos?q=cabecalho", nil))
		typist := newBrowser(t, s.app)
		typist.ua = "Mozilla/5.0 (Linux; Android 14; moto g54) Mobile Safari/537.36"
		typist.get("/motos?q=cg+16")
		typist.get("/motos?q=cg+160")     // a model's name typed: counted as the model
		admin.get("/motos?q=zzqxv+preta") // the team at work is not counted
		crawler := newBrowser(t, s.app)
		crawler.ua = "Mozilla/5.0 (compatible; bingbot/2.0)"
		crawler.get("/motos?q=robozinho")
		s.flush()

		var accountsToday, accountsBefore int64
		today := stats.Day(now)
		var users []models.User
		db.Find(&users)
		for _, u := range users {
			switch stats.Day(u.Created) {
			case today:
				accountsToday++
			case stats.Day(now.AddDate(0, 0, -1)):
				accountsBefore++
			}
		}
		status, body := admin.get("/admin?dias=7")
		if status != 200 {
			t.Fatalf("dashboard: %d", status)
		}
		for day, want := range map[string]string{
			shortDay(today): plural(accountsToday, "conta", "contas"),
			shortDay(stats.Day(now.AddDate(0, 0, -1))): plural(accountsBefore, "conta", "contas"),
			shortDay(stats.Day(now.AddDate(0, 0, -2))): "0 contas",
		} {
			if got := chartValue(body, "Contas novas por dia", day); got != want {
				t.Errorf("accounts on %s: chart says %q, rows say %q", day, got, want)
			}
		}
		if accountsBefore != 2 {
			t.Errorf("%d accounts yesterday, want 2", accountsBefore)
		}
		if got := chartValue(body, "Anúncios publicados por dia", shortDay(today)); got != "1 anúncio" {
			t.Errorf("ads published today: %q, want 1 anúncio", got)
		}
		if got := chartValue(body, "Buscas por dia", shortDay(today)); got != "3 buscas" {
			t.Errorf("searches today: %q, want 3 buscas (the typing, second page, whole list, prefetch, HEAD, admin's and crawler's not counted)", got)
		}
		mustContain(t, body, "Buscas sem resultado", "“zzqxv vermelha”</a>: 1 busca", `aria-current="page">7 dias`, "<li>Honda CG 160: 1 busca</li>")
		for _, words := range []string{"robozinho", "zzqxv azul", "“zzq”", "prefetchada", "cabecalho", "zzqxv preta", "“cg"} {
			if strings.Contains(body, words) {
				t.Errorf("%s is listed", words)
			}
		}
	})
}
