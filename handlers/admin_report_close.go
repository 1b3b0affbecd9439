package handlers

import (
	"strconv"

	"github.com/gofiber/fiber/v2"
)

// adminReportClose closes an ad's open reports, or only the report
// "denuncia": POST /admin/anuncios/{id}/denuncias.
func (s *Server) adminReportClose(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	var report uint64
	if v := c.FormValue("denuncia"); v != "" {
		if report, err = strconv.ParseUint(v, 10, 64); err != nil {
			return fiber.ErrNotFound
		}
	}
	n, err := s.db.CloseReports(c.UserContext(), actorID(c), id, report)
	if err != nil {
		return err
	}
	msg := "Nenhuma denúncia aberta para fechar."
	if n > 0 {
		msg = plural(n, "denúncia fechada.", "denúncias fechadas.")
	}
	s.setFlash(c, msg)
	return redirect(c, adminBack(c, adminAdPage(id)))
}
