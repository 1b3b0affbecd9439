package handlers

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"motando/models"
)

// adminReport is a line of an ad's reports.
type adminReport struct {
	ID       uint64
	Reason   string
	Note     string
	Created  time.Time
	ClosedAt *time.Time
}

// adminAdShow shows an ad with its owner, moderation state and reports, and
// the forms to hide it, mark it a top offer and close its reports:
// GET /admin/anuncios/{id}.
func (s *Server) adminAdShow(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	return s.renderAdminAd(c, fiber.StatusOK, id, newForm())
}

// renderAdminAd renders an ad's admin page with the hiding form f.
func (s *Server) renderAdminAd(c *fiber.Ctx, status int, id uint64, f *form) error {
	ctx := c.UserContext()
	page, err := s.db.AdPageByID(ctx, id)
	if err != nil {
		return err
	}
	reports, err := s.db.ReportsOf(ctx, id)
	if err != nil {
		return err
	}
	rows := make([]adminReport, len(reports))
	open := 0
	for i, r := range reports {
		rows[i] = adminReport{ID: r.ID, Reason: models.ChoiceLabel(reportReasons, r.Reason), Note: r.Note, Created: r.Created, ClosedAt: r.ClosedAt}
		if r.ClosedAt == nil {
			open++
		}
	}
	card := s.cardOf(page.Ad)
	return s.renderAdmin(c, status, "pages/admin_ad", "anuncios", fiber.Map{
		"Title": "Anúncio " + strconv.FormatUint(id, 10) + " — Administração", "Card": card, "Ad": page.Ad, "Seller": page.Seller,
		"Public": isPublic(page.Ad), "Reports": rows, "OpenReports": open, "Form": f,
		"History": "/admin/auditoria?alvo=" + models.Target(models.TargetAd, id),
	})
}
