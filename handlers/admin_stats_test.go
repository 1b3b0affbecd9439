package handlers

import (
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
		visitor.get("/motos?q=zzqxv+vermelha")
		visitor.get("/motos?q=zzqxv+vermelha&pagina=2") // the same search, further on
		visitor.get("/motos")
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
		if got := chartValue(body, "Buscas por dia", shortDay(today)); got != "2 buscas" {
			t.Errorf("searches today: %q, want 2 buscas (the second page and the crawler's not counted)", got)
		}
		mustContain(t, body, "Buscas sem resultado", "“zzqxv vermelha”</a>: 1 busca", `aria-current="page">7 dias`)
		if strings.Contains(body, "robozinho") {
			t.Error("a crawler's search is listed")
		}
	})
}
