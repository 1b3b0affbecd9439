package handlers

import (
	"github.com/gofiber/fiber/v2"

	"motando/models"
)

// reportReasons are the reasons of "Denunciar anúncio".
var reportReasons = []models.Choice{
	{Value: "fraude", Label: "Suspeita de golpe ou fraude"},
	{Value: "dados_falsos", Label: "Informações falsas (preço, ano, fotos)"},
	{Value: "vendida", Label: "A moto já foi vendida"},
	{Value: "ofensivo", Label: "Conteúdo ofensivo"},
	{Value: "outro", Label: "Outro motivo"},
}

const maxReportsPerAddr = 10

// reportCreate stores a report for moderation: POST /anuncio/{id}/denuncia.
func (s *Server) reportCreate(c *fiber.Ctx) error {
	ctx := c.UserContext()
	page, err := s.publicAd(c)
	if err != nil {
		return err
	}
	f := newForm()
	reason := f.text(c, "motivo", 30)
	note := f.text(c, "observacao", 1000)
	if models.ChoiceLabel(reportReasons, reason) == "" {
		f.fail("motivo", "Escolha o motivo da denúncia.")
	}
	if !f.valid() {
		return s.render(c, fiber.StatusUnprocessableEntity, "partials/report_form", fiber.Map{"Form": f, "AdID": page.Ad.ID, "Reasons": reportReasons})
	}
	n, err := s.limits.Add(ctx, "report:addr:"+c.IP())
	if err != nil {
		return err
	}
	if n <= maxReportsPerAddr {
		r := &models.Report{AdID: page.Ad.ID, Reason: reason, Note: note, ReporterAddr: c.IP()}
		if u := currentUser(c); u != nil {
			r.ReporterUserID = &u.ID
		}
		if err := s.db.CreateReport(ctx, r); err != nil {
			return err
		}
	}
	msg := "Obrigado. A equipe do Motando vai analisar este anúncio."
	if isPartial(c) {
		return s.render(c, fiber.StatusOK, "partials/contact_sent", fiber.Map{"Message": msg})
	}
	s.setFlash(c, msg)
	return redirect(c, s.cardOf(page.Ad).URL)
}
