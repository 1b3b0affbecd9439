package handlers

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"motando/models"
)

// adminStatusOrder is the order the dashboard lists the ad statuses in.
var adminStatusOrder = []string{
	models.StatusPublished, models.StatusUpdate, models.StatusNew, models.StatusFailed,
	models.StatusExpired, models.StatusInactive, models.StatusDelete,
}

// statusCount is one line of the dashboard's ads per status.
type statusCount struct {
	Status, Label string
	N             int64
}

// adminDashboard is the admin area's home, with the site's counts: GET /admin.
func (s *Server) adminDashboard(c *fiber.Ctx) error {
	ctx := c.UserContext()
	counts, err := s.db.AdminCountsAt(ctx, time.Now().UTC())
	if err != nil {
		return err
	}
	var byStatus []statusCount
	for _, st := range adminStatusOrder {
		byStatus = append(byStatus, statusCount{st, statusLabels[st][0], counts.AdsByStatus[st]})
	}
	data := fiber.Map{"Counts": counts, "ByStatus": byStatus}
	if err := s.addSiteCharts(c, data); err != nil {
		return err
	}
	if st, err := s.queue.Stats(ctx); err != nil {
		slog.Warn("admin: queue stats unavailable", "err", err)
	} else {
		data["Queue"] = st
		data["Depth"] = st.Ready + st.InFlight + st.Delayed
	}
	return s.renderAdmin(c, fiber.StatusOK, "pages/admin_dashboard", "painel", data)
}

// chartPeriods are the spans the dashboard's charts offer, in days.
var chartPeriods = []int{7, 30, 90}

// addSiteCharts adds the dashboard's charts over the period ?dias= (7, 30
// or 90; 30 otherwise): ads published, new accounts, publish latency and
// searches per day; what was searched most, and the searches that found
// nothing, grouped.
func (s *Server) addSiteCharts(c *fiber.Ctx, data fiber.Map) error {
	ctx := c.UserContext()
	days := 30
	if n, err := strconv.Atoi(c.Query("dias")); err == nil && slices.Contains(chartPeriods, n) {
		days = n
	}
	now := time.Now()
	daily, err := s.db.SiteDaily(ctx, days, now)
	if err != nil {
		return err
	}
	labels := make([]string, len(daily))
	series := map[string][]float64{}
	var longest time.Duration
	for _, d := range daily {
		longest = max(longest, d.LatencyP95)
	}
	unit := durationUnitFor(longest)
	for i, d := range daily {
		labels[i] = d.Day
		series["published"] = append(series["published"], float64(d.Published))
		series["accounts"] = append(series["accounts"], float64(d.Accounts))
		series["searches"] = append(series["searches"], float64(d.Searches))
		p50, p95 := math.NaN(), math.NaN() // no publication, nothing to measure
		if d.Timed > 0 {
			p50, p95 = unit.of(d.LatencyP50), unit.of(d.LatencyP95)
		}
		series["p50"], series["p95"] = append(series["p50"], p50), append(series["p95"], p95)
	}
	span := fmt.Sprintf(" nos últimos %d dias", days)
	data["Days"], data["Periods"] = days, chartPeriods
	data["Charts"] = []barChart{
		newBarChart("publicados", "Anúncios publicados por dia", "Anúncios publicados pela primeira vez a cada dia"+span+".", labels, series["published"], counted("anúncio", "anúncios")),
		newBarChart("contas", "Contas novas por dia", "Contas criadas a cada dia"+span+".", labels, series["accounts"], counted("conta", "contas")),
		newBarChart("buscas", "Buscas por dia", "Buscas feitas por pessoas (primeira página de cada busca) a cada dia"+span+".", labels, series["searches"], counted("busca", "buscas")),
		newBarChart("latencia-p50", "Tempo até publicar (mediana)", "Metade dos anúncios publicados a cada dia"+span+" levou até este tempo entre o envio e a publicação.", labels, series["p50"], unit.format).inUnit(unit.short),
		newBarChart("latencia-p95", "Tempo até publicar (percentil 95)", "95% dos anúncios publicados a cada dia"+span+" levaram até este tempo entre o envio e a publicação.", labels, series["p95"], unit.format).inUnit(unit.short),
	}
	return s.addSearchLists(ctx, data, now.AddDate(0, 0, -(days-1)))
}

// durationUnit is the unit a chart of publish latencies reads in.
type durationUnit struct {
	size  time.Duration
	short string // after a number: "min"
}

// durationUnits are the units latencies read in, shortest first.
var durationUnits = []durationUnit{{time.Second, "s"}, {time.Minute, "min"}, {time.Hour, "h"}, {24 * time.Hour, "dias"}}

// durationUnitFor is the unit a chart whose longest latency is longest
// reads in: the largest of which it is at least two.
func durationUnitFor(longest time.Duration) durationUnit {
	u := durationUnits[0]
	for _, next := range durationUnits[1:] {
		if longest >= 2*next.size {
			u = next
		}
	}
	return u
}

// of is d in the unit.
func (u durationUnit) of(d time.Duration) float64 { return d.Seconds() / u.size.Seconds() }

// format writes a latency in the unit: "1,5 h", or "sem publicações" for
// a day without any (NaN).
func (u durationUnit) format(v float64) string {
	if math.IsNaN(v) {
		return "sem publicações"
	}
	return strings.Replace(strconv.FormatFloat(v, 'f', 1, 64), ".", ",", 1) + " " + u.short
}

// addSearchLists adds the brands, models and states searched most since
// from, and what the searches that found nothing looked for.
func (s *Server) addSearchLists(ctx context.Context, data fiber.Map, from time.Time) error {
	top := map[string][]searchRank{}
	for _, by := range []string{"brand_id", "model_id", "state_id"} {
		groups, err := s.db.TopSearched(ctx, by, from, 10)
		if err != nil {
			return err
		}
		for _, g := range groups {
			top[by] = append(top[by], searchRank{Label: s.searchGroupLabel(g), Count: g.Searches})
		}
	}
	empty, err := s.db.EmptySearches(ctx, from, 20)
	if err != nil {
		return err
	}
	var nothing []searchRank
	for _, g := range empty {
		nothing = append(nothing, searchRank{Label: s.searchGroupLabel(g), Count: g.Searches, URL: s.searchGroupURL(g)})
	}
	data["TopBrands"], data["TopModels"], data["TopStates"], data["Empty"] = top["brand_id"], top["model_id"], top["state_id"], nothing
	return nil
}

// searchRank is a line of the dashboard's lists of searches.
type searchRank struct {
	Label string
	Count int64
	URL   string
}

// searchGroupLabel names what a group of searches looked for: "Honda CG
// 160 em São Paulo, “titan 2014”".
func (s *Server) searchGroupLabel(g models.SearchGroup) string {
	cat := s.catalog.Load()
	var parts []string
	brandID := g.BrandID
	m, hasModel := cat.Model(g.ModelID)
	if hasModel {
		brandID = m.BrandID // the list by model names the brand too
	}
	if b, ok := cat.Brand(brandID); ok {
		parts = append(parts, b.Name)
	}
	if hasModel {
		parts = append(parts, m.Name)
	}
	label := strings.Join(parts, " ")
	if st, ok := s.places.State(g.StateID); ok {
		label = strings.TrimSpace(label + " " + st.In())
		if len(parts) == 0 {
			label = st.Name
		}
	}
	if g.Words != "" {
		label = strings.TrimPrefix(label+", “"+g.Words+"”", ", ")
	}
	if label == "" {
		label = "Qualquer moto"
	}
	return label
}

// searchGroupURL is the search page of a group of searches.
func (s *Server) searchGroupURL(g models.SearchGroup) string {
	v := url.Values{}
	if g.BrandID != 0 {
		v.Set("marca", strconv.FormatUint(uint64(g.BrandID), 10))
	}
	if g.ModelID != 0 {
		v.Set("modelo", strconv.FormatUint(uint64(g.ModelID), 10))
	}
	if st, ok := s.places.State(g.StateID); ok {
		v.Set("estado", st.Acronym)
	}
	if g.Words != "" {
		v.Set("q", g.Words)
	}
	return "/motos?" + v.Encode()
}
