package handlers

import (
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// adminUserList finds accounts by part of the e-mail or name, newest first:
// GET /admin/usuarios?q=.
func (s *Server) adminUserList(c *fiber.Ctx) error {
	q := strings.TrimSpace(c.Query("q"))
	if len([]rune(q)) > 100 {
		q = string([]rune(q)[:100])
	}
	page := pageOf(c)
	list, err := s.db.FindUsers(c.UserContext(), q, (page-1)*adminPageSize, adminPageSize)
	if err != nil {
		return err
	}
	values := url.Values{}
	if q != "" {
		values.Set("q", q)
	}
	hasNext := int64((page-1)*adminPageSize+len(list.Users)) < list.Total
	return s.renderAdmin(c, fiber.StatusOK, "pages/admin_users", "usuarios", fiber.Map{
		"Title": "Usuários — Administração", "List": list, "Query": q,
		"Pager": pagerOf("/admin/usuarios", values, page, hasNext),
	})
}
