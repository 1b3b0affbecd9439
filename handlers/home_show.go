package handlers

import (
	"github.com/gofiber/fiber/v2"

	"motando/search"
)

// homeCards is how many newest ads and top offers the home page shows.
const homeCards = 12

// homeShow renders the home page: the search box, the top offers, the
// newest ads and how many are published, all from the search index.
func (s *Server) homeShow(c *fiber.Ctx) error {
	if err := s.searchReady(c); err != nil {
		return err
	}
	newest := s.index.Search(search.Filter{}, search.OrderNewest, 0, homeCards, false)
	top := s.index.Search(search.Filter{TopOffer: true}, search.OrderNewest, 0, homeCards, false)
	newestCards, topCards := s.docCards(newest.Docs), s.docCards(top.Docs)
	if err := s.markSaved(c, newestCards, topCards); err != nil {
		return err
	}
	return s.render(c, fiber.StatusOK, "pages/home", fiber.Map{
		"Title":       "Motando — motos novas e usadas à venda",
		"Description": "Compre e venda motos novas e usadas em todo o Brasil. Compare preços e fale direto com quem vende.",
		"Catalog":     s.catalog.Load(),
		"Places":      s.places,
		"Newest":      newestCards,
		"Top":         topCards,
		"Total":       int64(newest.Total),
	})
}
