package handlers

import (
	"github.com/gofiber/fiber/v2"
)

// favoriteList shows the ads the person saved: GET /favoritos. Those still
// listed come as cards; those gone (sold, expired, taken down) by name, to
// take them out.
func (s *Server) favoriteList(c *fiber.Ctx) error {
	ads, err := s.db.FavoriteAds(c.UserContext(), currentUser(c).ID)
	if err != nil {
		return err
	}
	var listed, gone []adCard
	for i := range ads {
		card := s.cardOf(&ads[i])
		card.Saved = true
		if s.index != nil {
			if r, ok := s.index.Rating(ads[i].ID); ok {
				card.Deal, card.DealClass = dealBadge(r)
			}
		}
		if ads[i].Listed {
			listed = append(listed, card)
		} else {
			gone = append(gone, card)
		}
	}
	return s.render(c, fiber.StatusOK, "pages/favorites", fiber.Map{
		"Title": "Favoritos — Motando", "Cards": listed, "Gone": gone,
	})
}
