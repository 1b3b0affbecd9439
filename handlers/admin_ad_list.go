package handlers

import (
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"motando/models"
)

// adminAdRow is a line of the admin's list of ads.
type adminAdRow struct {
	Card         adCard
	OwnerID      uint64
	Owner        string // e-mail
	OwnerBlocked bool
	Hidden       bool
	TopOffer     bool
	Reports      int64 // open ones
	Created      time.Time
}

// adminAdFlags are the moderation filters of the list.
var adminAdFlags = []models.Choice{
	{Value: models.FlagHidden, Label: "Ocultos pela moderação"},
	{Value: models.FlagReported, Label: "Com denúncias abertas"},
	{Value: models.FlagTopOffer, Label: "Ofertas em destaque"},
}

// adminAdList lists the ads, newest first, filtered by status, owner
// (e-mail or name), day posted and moderation: GET /admin/anuncios.
// Filters that make no sense are ignored with a note.
func (s *Server) adminAdList(c *fiber.Ctx) error {
	var f models.AdminAdFilter
	var notes []string
	values := url.Values{}
	keep := func(name, v string) string {
		v = strings.TrimSpace(v)
		if v != "" {
			values.Set(name, v)
		}
		return v
	}
	if st := keep("status", c.Query("status")); st != "" {
		if _, ok := statusLabels[st]; ok {
			f.Status = st
		} else {
			notes = append(notes, "Situação desconhecida ignorada.")
		}
	}
	if owner := keep("dono", c.Query("dono")); len([]rune(owner)) <= 100 {
		f.Owner = owner
	}
	for _, d := range []struct {
		name  string
		dst   *time.Time
		after int
	}{{"de", &f.From, 0}, {"ate", &f.Until, 1}} {
		v := keep(d.name, c.Query(d.name))
		if v == "" {
			continue
		}
		day, err := time.ParseInLocation("2006-01-02", v, brasilia)
		if err != nil {
			notes = append(notes, "Data inválida ignorada: "+v+".")
			continue
		}
		*d.dst = day.AddDate(0, 0, d.after).UTC()
	}
	if flag := keep("sinal", c.Query("sinal")); models.ChoiceLabel(adminAdFlags, flag) != "" {
		f.Flag = flag
	}
	page := pageOf(c)
	list, err := s.db.AdminAds(c.UserContext(), f, (page-1)*adminPageSize, adminPageSize)
	if err != nil {
		return err
	}
	rows := make([]adminAdRow, len(list.Ads))
	for i := range list.Ads {
		ad := &list.Ads[i]
		owner := list.Owners[ad.UserID]
		rows[i] = adminAdRow{Card: s.cardOf(ad), OwnerID: ad.UserID, Owner: owner.Email, OwnerBlocked: owner.BlockedAt != nil,
			Hidden: ad.HiddenAt != nil, TopOffer: ad.TopOffer, Reports: list.OpenReports[ad.ID], Created: ad.Created}
	}
	var statuses []models.Choice
	for _, st := range adminStatusOrder {
		if st != models.StatusDelete { // those ads are gone
			statuses = append(statuses, models.Choice{Value: st, Label: statusLabels[st][0]})
		}
	}
	hasNext := int64((page-1)*adminPageSize+len(rows)) < list.Total
	return s.renderAdmin(c, fiber.StatusOK, "pages/admin_ads", "anuncios", fiber.Map{
		"Title": "Anúncios — Administração", "Rows": rows, "Total": list.Total, "Values": values, "Notes": notes,
		"Statuses": statuses, "Flags": adminAdFlags, "Pager": pagerOf("/admin/anuncios", values, page, hasNext),
	})
}
