package handlers

import (
	"fmt"
	"time"

	"github.com/gofiber/fiber/v2"
)

// myAds lists the signed-in user's ads with their live status and counts
// per status: GET /meus-anuncios.
func (s *Server) myAds(c *fiber.Ctx) error {
	cards, counts, err := s.myAdCards(c)
	if err != nil {
		return err
	}
	return s.render(c, fiber.StatusOK, "pages/my_ads", fiber.Map{
		"Title": "Meus anúncios — Motando", "Cards": cards, "Counts": counts, "Total": len(cards),
	})
}

// myAdCards reads the signed-in user's ads as cards, each with its views,
// contacts and saves, and how many there are per status.
func (s *Server) myAdCards(c *fiber.Ctx) ([]adCard, map[string]int, error) {
	ads, err := s.db.AdsOf(c.UserContext(), currentUser(c).ID)
	if err != nil {
		return nil, nil, fmt.Errorf("ads of the signed-in user: %w", err)
	}
	ids := make([]uint64, len(ads))
	for i := range ads {
		ids[i] = ads[i].ID
	}
	totals, err := s.db.AdTotalsOf(c.UserContext(), ids, time.Time{})
	if err != nil {
		return nil, nil, err
	}
	cards := make([]adCard, len(ads))
	counts := map[string]int{}
	for i := range ads {
		cards[i] = s.cardOf(&ads[i])
		cards[i].Stats = totals[ads[i].ID]
		counts[cards[i].StatusClass]++
	}
	return cards, counts, nil
}

// adStatus answers the owner's card of one ad, which polls itself while the
// worker has something to do: GET /anuncios/{id}/status. Once the worker is
// done, the answer also carries the page's counters, which change with it.
func (s *Server) adStatus(c *fiber.Ctx) error {
	ad, err := s.ownAd(c)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	card := s.cardOf(ad)
	data := fiber.Map{"Card": card}
	if !card.Pending {
		cards, counts, err := s.myAdCards(c)
		if err != nil {
			return err
		}
		data["Counts"], data["Total"] = counts, len(cards)
	}
	return s.render(c, fiber.StatusOK, "partials/my_ad_card", data)
}

// adDeleteShow asks for confirmation: GET /anuncios/{id}/excluir.
func (s *Server) adDeleteShow(c *fiber.Ctx) error {
	ad, err := s.ownAd(c)
	if err != nil {
		return err
	}
	return s.render(c, fiber.StatusOK, "pages/ad_delete", fiber.Map{"Title": "Excluir anúncio — Motando", "Card": s.cardOf(ad)})
}

// adDelete takes the ad off the site at once; the worker removes its photos
// and rows: POST /anuncios/{id}/excluir.
func (s *Server) adDelete(c *fiber.Ctx) error {
	ad, err := s.ownAd(c)
	if err != nil {
		return err
	}
	if err := s.flows.DeleteAd(c.UserContext(), ad.UserID, ad.ID); err != nil {
		return err
	}
	s.setFlash(c, "Anúncio excluído.")
	return redirect(c, "/meus-anuncios")
}

// adRetry puts a failed ad back in the pipeline: POST /anuncios/{id}/reenviar.
func (s *Server) adRetry(c *fiber.Ctx) error {
	ad, err := s.ownAd(c)
	if err != nil {
		return err
	}
	if err := s.flows.RetryAd(c.UserContext(), ad.UserID, ad.ID); err != nil {
		return err
	}
	s.setFlash(c, "Tentando publicar de novo.")
	return redirect(c, "/meus-anuncios")
}

// adRenew puts an expired ad back on the site: POST /anuncios/{id}/renovar.
func (s *Server) adRenew(c *fiber.Ctx) error {
	ad, err := s.ownAd(c)
	if err != nil {
		return err
	}
	if err := s.db.RenewAd(c.UserContext(), ad.UserID, ad.ID, s.adTTL); err != nil {
		return err
	}
	s.setFlash(c, "Anúncio renovado por mais "+itoa(int(s.adTTL.Hours()/24))+" dias.")
	return redirect(c, "/meus-anuncios")
}
