package handlers

import (
	"fmt"
	"time"

	"github.com/gofiber/fiber/v2"

	"motando/models"
	"motando/search"
	"motando/stats"
)

// statsDays is how many days the seller's charts show.
const statsDays = 30

// Thresholds of the hint "seen much, contacted little": at least this many
// views in statsDays, and contacts under this share of them.
const (
	hintMinViews    = 40
	hintContactRate = 0.02
	hintFewPhotos   = 4
)

// adStatsShow is the seller's page of one of their ads' numbers: GET
// /meus-anuncios/{id}/estatisticas. Views of the ad's page (people, not
// crawlers, once a day each), contacts (conversations started, WhatsApp
// and phone taps) and saves, over statsDays days with a chart each and
// since the ad was posted; and a hint when many see the ad and few
// contact the seller.
func (s *Server) adStatsShow(c *fiber.Ctx) error {
	ad, err := s.ownAd(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	now := time.Now()
	days := statsDays
	if ad.PublishedAt != nil {
		days = min(days, daysBetween(*ad.PublishedAt, now)+1) // the chart starts on the ad's first day
	}
	daily, err := s.db.AdDaily(ctx, ad.ID, days, now)
	if err != nil {
		return err
	}
	all, err := s.db.AdTotalsOf(ctx, []uint64{ad.ID}, time.Time{})
	if err != nil {
		return err
	}
	labels := make([]string, len(daily))
	views, contacts := make([]float64, len(daily)), make([]float64, len(daily))
	var recent models.AdTotals
	for i, d := range daily {
		labels[i], views[i], contacts[i] = d.Day, float64(d.Views), float64(d.Contacts())
		recent.Views += d.Views
		recent.Conversations += d.Conversations
		recent.WhatsApp += d.WhatsApp
		recent.Phone += d.Phone
		recent.Saves += d.Saves
	}
	card := s.cardOf(ad)
	period := fmt.Sprintf("nos últimos %d dias", statsDays)
	if days < statsDays {
		period = "desde a publicação"
	}
	return s.render(c, fiber.StatusOK, "pages/ad_stats", fiber.Map{
		"Title": "Estatísticas: " + card.Title + " — Motando", "Card": card, "Recent": recent, "All": all[ad.ID],
		"Days": statsDays, "SincePublished": days < statsDays,
		"Views": newBarChart("visualizacoes", "Visualizações por dia", "Pessoas que abriram o anúncio a cada dia, "+period+".",
			labels, views, counted("visualização", "visualizações")),
		"Contacts": newBarChart("contatos", "Contatos por dia", "Mensagens, toques no WhatsApp e no telefone a cada dia, "+period+".",
			labels, contacts, counted("contato", "contatos")),
		"Hints": s.statsHints(ad, recent),
	})
}

// daysBetween counts the site's days from the day of a to the day of b.
func daysBetween(a, b time.Time) int {
	return int(dayStart(b).Sub(dayStart(a)).Hours()+12) / 24
}

// dayStart is midnight of t's day in the site's time zone.
func dayStart(t time.Time) time.Time {
	d, _ := time.Parse(time.DateOnly, stats.Day(t))
	return d
}

// statsHints are what the seller might do when many see the ad and few
// contact them: the price against the market, more photos.
func (s *Server) statsHints(ad *models.Ad, recent models.AdTotals) []string {
	if recent.Views < hintMinViews || float64(recent.Contacts()) >= hintContactRate*float64(recent.Views) {
		return nil
	}
	var hints []string
	if r, ok := s.rating(ad.ID); ok && r.Level == search.LevelHigh {
		hints = append(hints, "O preço está acima da estimativa de mercado ("+money(r.Estimate)+
			"): anúncios parecidos custam menos, e baixar o preço costuma trazer contatos.")
	}
	if n := len(ad.Images); n < hintFewPhotos {
		hints = append(hints, "O anúncio tem "+plural(int64(n), "foto", "fotos")+
			": anúncios com mais fotos (os dois lados, o painel, o motor) recebem mais contatos.")
	}
	if len(hints) == 0 {
		hints = append(hints, "Revise a frase de venda e a descrição, e confira se o preço está atualizado.")
	}
	return hints
}

// rating is the ad's fair-price rating, when the index has one.
func (s *Server) rating(id uint64) (search.Rating, bool) {
	if s.index == nil || !s.index.Ready() {
		return search.Rating{}, false
	}
	return s.index.Rating(id)
}
