package handlers

import (
	"github.com/gofiber/fiber/v2"

	"motando/models"
)

// homeShow renders the home page: the search box, the top offers, the
// newest ads and how many are published.
func (s *Server) homeShow(c *fiber.Ctx) error {
	ctx := c.UserContext()
	newest, top, err := s.db.HomeAds(ctx, 12)
	if err != nil {
		return err
	}
	key := models.SearchFilter{}.Key()
	counts, ok := s.counts.get(key)
	if !ok {
		if counts.total, err = s.db.CountAds(ctx, models.SearchFilter{}); err != nil {
			return err
		}
		s.counts.put(key, counts)
	}
	cards := func(ads []models.Ad) []adCard {
		out := make([]adCard, len(ads))
		for i := range ads {
			out[i] = s.cardOf(&ads[i])
		}
		return out
	}
	return s.render(c, fiber.StatusOK, "pages/home", fiber.Map{
		"Title":       "Motando — motos novas e usadas à venda",
		"Description": "Compre e venda motos novas e usadas em todo o Brasil. Compare preços e fale direto com quem vende.",
		"Catalog":     s.catalog.Load(),
		"Places":      s.places,
		"Newest":      cards(newest),
		"Top":         cards(top),
		"Total":       counts.total,
	})
}
