package handlers

import (
	"strconv"
	"strings"
	"testing"

	"motando/models"
	"motando/models/modelstest"
)

func TestMyAdsCountersFollowTheBadge(t *testing.T) {
	modelstest.EachDialect(t, func(t *testing.T, db *models.DB) {
		s := newSite(t, db)
		b := s.seller("contadores@exemplo.com")
		b.get("/anuncios/novo")
		if status, _ := b.post("/anuncios/novo", s.adValues(s.upload(b, testJPEG(t, 400, 300)))); status != 303 {
			t.Fatalf("submit: %d", status)
		}
		ad := s.onlyAd(b)
		_, page := b.get("/meus-anuncios")
		mustContain(t, page, `id="my-ad-counts"`, ">0 publicados<", ">1 em publicação<", ">1 no total<")

		status := "/anuncios/" + strconv.Itoa(int(ad.ID)) + "/status"
		_, card := b.get(status)
		if strings.Contains(card, "my-ad-counts") {
			t.Error("a card still publishing carries the counters")
		}
		s.work()
		_, card = b.get(status)
		mustContain(t, card, ">Publicado<", `id="my-ad-counts" hx-swap-oob="true"`, ">1 publicado<", ">0 em publicação<")
	})
}
