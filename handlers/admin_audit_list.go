package handlers

import (
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
)

// auditRow is a line of the audit log.
type auditRow struct {
	When   time.Time
	Actor  string // e-mail
	Action string // in pt-BR
	Target string
	Page   string // the target's admin page, if it has one
	Detail string
}

// adminAuditList shows the admin actions, newest first, all or one
// target's ("alvo", e.g. anuncio:12): GET /admin/auditoria.
func (s *Server) adminAuditList(c *fiber.Ctx) error {
	target := strings.TrimSpace(c.Query("alvo"))
	if len(target) > 100 {
		target = ""
	}
	page := pageOf(c)
	entries, err := s.db.AuditLog(c.UserContext(), target, (page-1)*adminPageSize, adminPageSize+1)
	if err != nil {
		return err
	}
	hasNext := len(entries) > adminPageSize
	entries = entries[:min(len(entries), adminPageSize)]
	rows := make([]auditRow, len(entries))
	for i, e := range entries {
		action, ok := auditLabels[e.Action]
		if !ok {
			action = e.Action
		}
		actor := e.ActorEmail
		if actor == "" { // no account: an operator's command (import-django), or one deleted since
			actor = "(comando do operador ou conta excluída)"
		}
		rows[i] = auditRow{When: e.Created, Actor: actor, Action: action, Target: e.Target, Page: targetPage(e.Target), Detail: e.Detail}
	}
	values := url.Values{}
	if target != "" {
		values.Set("alvo", target)
	}
	return s.renderAdmin(c, fiber.StatusOK, "pages/admin_audit", "auditoria", fiber.Map{
		"Title": "Auditoria — Administração", "Rows": rows, "Target": target, "TargetPage": targetPage(target),
		"Pager": pagerOf("/admin/auditoria", values, page, hasNext),
	})
}
