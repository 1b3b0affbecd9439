package handlers

import (
	"context"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"motando/models"
	"motando/models/modelstest"
	"motando/stats"
)

// flush adds the counted views, taps and searches to the database, as the
// web process does every few seconds.
func (s *site) flush() {
	s.t.Helper()
	if err := s.stats.Flush(context.Background(), stats.All); err != nil {
		s.t.Fatal(err)
	}
}

// A visitor who opens an ad ten times counts once, a crawler not at all;
// a message, a WhatsApp tap and a save show on the seller's card, and the
// ad's statistics page has them in its numbers.
func TestAdStatisticsForTheSeller(t *testing.T) {
	modelstest.EachDialect(t, func(t *testing.T, db *models.DB) {
		s := newSite(t, db)
		seller := s.seller("vendedora@exemplo.com")
		ad, page := s.publishedAd(seller)
		owner, _ := db.UserByEmail(context.Background(), "vendedora@exemplo.com")
		db.Model(&models.Profile{}).Where("user_id = ?", owner.ID).
			Updates(map[string]any{"show_telephone_classifiedad": true, "authz_whatsapp": true})

		visitor := newBrowser(t, s.app)
		for range 10 {
			if status, _ := visitor.get(page); status != 200 {
				t.Fatalf("ad page: %d", status)
			}
		}
		crawler := newBrowser(t, s.app)
		crawler.ua = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
		for range 5 {
			crawler.get(page)
		}
		for range 3 {
			seller.get(page) // the seller's own visits
		}
		s.flush()
		totals, err := db.AdTotalsOf(context.Background(), []uint64{ad.ID}, time.Time{})
		if err != nil || totals[ad.ID].Views != 1 {
			t.Fatalf("views after 10 by one visitor, 5 by a crawler and 3 by the seller: %+v, %v; want 1", totals[ad.ID], err)
		}

		id := strconv.FormatUint(ad.ID, 10)
		buyer := s.seller("comprador@exemplo.com")
		buyer.get(page)
		if status, _ := buyer.post("/anuncio/"+id+"/mensagens", url.Values{"mensagem": {"Ainda está à venda?"}}); status != 303 {
			t.Fatalf("message: %d", status)
		}
		if status, _ := buyer.get("/anuncio/" + id + "/whatsapp"); status != 302 || !strings.HasPrefix(buyer.location(), "https://wa.me/55") {
			t.Fatalf("WhatsApp tap: %d → %s", status, buyer.location())
		}
		if status, _ := buyer.get("/anuncio/" + id + "/ligar"); status != 302 || !strings.HasPrefix(buyer.location(), "tel:+55") {
			t.Fatalf("phone tap: %d → %s", status, buyer.location())
		}
		if status, _ := buyer.post("/anuncio/"+id+"/favorito", url.Values{"salvar": {"1"}}); status != 303 {
			t.Fatalf("save: %d", status)
		}
		s.flush()
		_, mine := seller.get("/meus-anuncios")
		mustContain(t, mine, "2 visualizações · 3 contatos · 1 pessoa salvou", "/meus-anuncios/"+id+"/estatisticas")

		status, body := seller.get("/meus-anuncios/" + id + "/estatisticas")
		if status != 200 {
			t.Fatalf("statistics page: %d", status)
		}
		mustContain(t, body, "Visualizações por dia", "1 mensagem, 1 toque no WhatsApp, 1 toque no telefone",
			`role="img"`, "<title id=\"visualizacoes-t\">")
		today := shortDay(stats.Day(time.Now()))
		if got := chartValue(body, "Visualizações por dia", today); got != "2 visualizações" {
			t.Errorf("today's views in the chart's table: %q, want 2 visualizações", got)
		}
		if status, _ := buyer.get("/meus-anuncios/" + id + "/estatisticas"); status != 404 {
			t.Errorf("another person's ad statistics: %d, want 404", status)
		}
	})
}

// chartValue reads a day's value from the table of the chart with the
// title.
func chartValue(page, title, day string) string {
	i := strings.Index(page, "<caption>"+title+"</caption>")
	if i < 0 {
		return ""
	}
	m := regexp.MustCompile(`<th scope="row">` + regexp.QuoteMeta(day) + `</th><td>([^<]*)</td>`).FindStringSubmatch(page[i:])
	if m == nil {
		return ""
	}
	return m[1]
}
