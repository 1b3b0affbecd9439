package handlers

import (
	"log/slog"
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
	if st, err := s.queue.Stats(ctx); err != nil {
		slog.Warn("admin: queue stats unavailable", "err", err)
	} else {
		data["Queue"] = st
		data["Depth"] = st.Ready + st.InFlight + st.Delayed
	}
	return s.renderAdmin(c, fiber.StatusOK, "pages/admin_dashboard", "painel", data)
}
