package handlers

import (
	"strconv"

	"github.com/gofiber/fiber/v2"
)

// placesCities lists a state's cities: GET /localidades/cidades?estado=UF.
func (s *Server) placesCities(c *fiber.Ctx) error {
	var opts []option
	if st, ok := s.places.StateByUF(c.Query("estado")); ok {
		cities := s.places.Cities(st.ID)
		opts = make([]option, 0, len(cities))
		for _, city := range cities {
			opts = append(opts, option{strconv.FormatUint(uint64(city.ID), 10), city.Name})
		}
	}
	return s.renderOptions(c, "Cidade", opts)
}
