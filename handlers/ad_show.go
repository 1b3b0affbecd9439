package handlers

import (
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"motando/models"
	"motando/stats"
)

// spec is one line of the ad's tech sheet.
type spec struct{ Label, Value string }

// galleryPhoto is one photo of the ad's gallery.
type galleryPhoto struct {
	Thumb, Large   string
	ThumbW, ThumbH int
	LargeW, LargeH int
	Index          int
	Srcset         string // both variants, for the browser to choose
}

// publicAd reads the ad named by :id if the visitor may see it: a listed,
// unexpired ad is public; its owner sees it in any state.
func (s *Server) publicAd(c *fiber.Ctx) (*models.AdPage, error) {
	id, err := strconv.ParseUint(c.Params("id"), 10, 64)
	if err != nil {
		return nil, fiber.ErrNotFound
	}
	page, err := s.db.AdPageByID(c.UserContext(), id)
	if err != nil {
		return nil, err
	}
	u := currentUser(c)
	owner := u != nil && u.ID == page.Ad.UserID
	if !isPublic(page.Ad) && !owner {
		return nil, fiber.ErrNotFound
	}
	return page, nil
}

func isPublic(ad *models.Ad) bool {
	return ad.Listed && ad.ExpiresAt != nil && ad.ExpiresAt.After(time.Now())
}

// adShow renders the ad's page: GET /anuncio/{id}/{slug}. A wrong or
// missing slug is a 301 to the canonical address.
func (s *Server) adShow(c *fiber.Ctx) error {
	page, err := s.publicAd(c)
	if err != nil {
		return err
	}
	card := s.cardOf(page.Ad)
	if c.Path() != card.URL {
		target := card.URL
		if q := string(c.Request().URI().QueryString()); q != "" {
			target += "?" + q
		}
		return c.Redirect(target, fiber.StatusMovedPermanently)
	}
	var contact *form
	if u := currentUser(c); u != nil {
		p, err := s.db.ProfileOf(c.UserContext(), u.ID)
		if err != nil {
			return err
		}
		contact = contactForm(u, p.Telephone)
	} else {
		contact = contactForm(nil, "")
	}
	s.countAd(c, page.Ad.ID, page.Ad.UserID, stats.View)
	return s.renderAdPage(c, fiber.StatusOK, page, contact)
}

// renderAdPage renders the ad's page with its contact form.
func (s *Server) renderAdPage(c *fiber.Ctx, status int, page *models.AdPage, contact *form) error {
	ad := page.Ad
	card := s.cardOf(ad)
	u := currentUser(c)
	owner := u != nil && u.ID == ad.UserID
	public := isPublic(ad)
	photos := make([]galleryPhoto, len(ad.Images))
	for i, img := range ad.Images {
		p := galleryPhoto{Thumb: s.store.PublicURL(img.ThumbKey), Large: s.store.PublicURL(img.LargeKey),
			ThumbW: img.ThumbWidth, ThumbH: img.ThumbHeight, LargeW: img.LargeWidth, LargeH: img.LargeHeight, Index: i}
		p.Srcset = p.Thumb + " " + strconv.Itoa(p.ThumbW) + "w, " + p.Large + " " + strconv.Itoa(p.LargeW) + "w"
		photos[i] = p
	}
	current := 0
	if n, err := strconv.Atoi(c.Query("foto")); err == nil && n >= 0 && n < len(photos) {
		current = n
	}

	similar, own := s.similarAds(ad), []adCard{card}
	if err := s.markSaved(c, own, similar); err != nil {
		return err
	}
	card = own[0]
	canonical := s.baseURL + card.URL
	description := card.Title + " " + card.Years + ", " + card.Km + ", " + card.Place + " por " + card.Price + "."
	if ad.SalesPhrase != "" {
		description = ad.SalesPhrase + " — " + description
	}
	data := fiber.Map{
		"Title":       card.Title + " " + strconv.Itoa(ad.ModelYear) + " à venda em " + card.Place + " — Motando",
		"Description": description,
		"Canonical":   canonical,
		"Card":        card,
		"Ad":          ad,
		"Photos":      photos,
		"Current":     current,
		"Specs":       s.specsOf(ad, card),
		"Seller":      s.sellerOf(page, card, canonical),
		"Owner":       owner,
		"Public":      public,
		"Share":       shareLinks(canonical, card.Title+" "+card.Years+" por "+card.Price),
		"JSONLD":      s.adJSONLD(ad, card, photos, canonical),
		"Form":        contact,
		"AdID":        ad.ID,
		"Reasons":     reportReasons,
		"ReportForm":  newForm(),
		"Similar":     similar,
		"Deal":        s.dealOfAd(ad.ID),
	}
	if len(photos) > 0 {
		data["OGImage"] = absoluteURL(s.baseURL, photos[0].Large)
	}
	if !public {
		c.Set(fiber.HeaderCacheControl, "private, no-store")
	}
	return s.render(c, status, "pages/ad_show", data)
}

// specsOf is the tech sheet; the plate is never shown.
func (s *Server) specsOf(ad *models.Ad, card adCard) []spec {
	yesNo := func(b bool) string {
		if b {
			return "Sim"
		}
		return "Não"
	}
	specs := []spec{
		{"Marca", card.Brand}, {"Modelo", card.Model}, {"Versão", card.Version},
		{"Ano de fabricação", strconv.Itoa(ad.FabricationYear)}, {"Ano do modelo", strconv.Itoa(ad.ModelYear)},
		{"Quilometragem", card.Km}, {"Estilo", models.ChoiceLabel(models.AdTypes, ad.Type)},
		{"Origem", models.ChoiceLabel(models.AdOrigins, ad.Origin)}, {"Cor", models.ChoiceLabel(models.AdColors, ad.Color)},
		{"Freios", models.ChoiceLabel(models.AdBrakes, ad.BrakeSystem)}, {"Partida", models.ChoiceLabel(models.AdIgnitions, ad.IgnitionSystem)},
		{"Refrigeração", models.ChoiceLabel(models.AdRefrigeration, ad.Refrigeration)},
	}
	var optionals []string
	for i, on := range []bool{ad.OptionalAlarm, ad.OptionalChest, ad.OptionalComputer, ad.OptionalGPS} {
		if on {
			optionals = append(optionals, models.AdOptionals[i].Label)
		}
	}
	specs = append(specs, spec{"Opcionais", strings.Join(optionals, ", ")})
	if ad.DocOK != nil {
		specs = append(specs, spec{"Documentação em dia", yesNo(*ad.DocOK)})
	}
	specs = append(specs, spec{"Aceita troca", yesNo(ad.AcceptExchange)}, spec{"Aceita proposta", yesNo(ad.AcceptNewOffer)})
	out := specs[:0]
	for _, sp := range specs {
		if sp.Value != "" {
			out = append(out, sp)
		}
	}
	return out
}

// seller is the ad page's seller card.
type seller struct {
	Name        string
	Place       string
	MemberSince string
	Phone       string // only when the seller allows it
	PhoneDigits string // for the tel: link
	WhatsApp    string // wa.me address with a first message, only when the seller allows it
}

var months = [...]string{"janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto", "setembro", "outubro", "novembro", "dezembro"}

// sellerOf is the seller's card of the ad whose card and address are given.
func (s *Server) sellerOf(p *models.AdPage, card adCard, pageURL string) seller {
	out := seller{Name: p.Seller.Fullname,
		MemberSince: months[p.Seller.Created.In(brasilia).Month()-1] + " de " + strconv.Itoa(p.Seller.Created.In(brasilia).Year())}
	if p.Profile.CityID != nil {
		if city, ok := s.places.City(*p.Profile.CityID); ok {
			st, _ := s.places.State(city.StateID)
			out.Place = city.Name + "/" + st.Acronym
		}
	}
	if p.Profile.ShowTelephoneClassifiedad && p.Profile.Telephone != "" {
		out.Phone, out.PhoneDigits = formatPhone(p.Profile.Telephone), p.Profile.Telephone
		if p.Profile.AuthzWhatsapp && len(p.Profile.Telephone) == 11 {
			text := "Olá! Vi no Motando o anúncio da " + card.Title + " " + card.Years + " por " + card.Price +
				" e tenho interesse. Ainda está disponível? " + pageURL
			out.WhatsApp = "https://wa.me/55" + p.Profile.Telephone + "?text=" + strings.ReplaceAll(url.QueryEscape(text), "+", "%20")
		}
	}
	return out
}

// shareLinks are the ad's share addresses.
func shareLinks(pageURL, text string) map[string]string {
	return map[string]string{
		"WhatsApp": "https://wa.me/?text=" + url.QueryEscape(text+" "+pageURL),
		"Facebook": "https://www.facebook.com/sharer/sharer.php?u=" + url.QueryEscape(pageURL),
		"X":        "https://twitter.com/intent/tweet?url=" + url.QueryEscape(pageURL) + "&text=" + url.QueryEscape(text),
	}
}

func absoluteURL(base, u string) string {
	if strings.HasPrefix(u, "http://") || strings.HasPrefix(u, "https://") {
		return u
	}
	return base + u
}

// adJSONLD describes the ad for search engines: a schema.org Motorcycle
// with its Offer.
func (s *Server) adJSONLD(ad *models.Ad, card adCard, photos []galleryPhoto, canonical string) map[string]any {
	images := make([]string, len(photos))
	for i, p := range photos {
		images[i] = absoluteURL(s.baseURL, p.Large)
	}
	condition := "https://schema.org/UsedCondition"
	if ad.IsNew {
		condition = "https://schema.org/NewCondition"
	}
	ld := map[string]any{
		"@context":            "https://schema.org",
		"@type":               "Motorcycle",
		"name":                card.Title + " " + card.Years,
		"brand":               map[string]any{"@type": "Brand", "name": card.Brand},
		"model":               card.Model,
		"vehicleModelDate":    strconv.Itoa(ad.ModelYear),
		"productionDate":      strconv.Itoa(ad.FabricationYear),
		"mileageFromOdometer": map[string]any{"@type": "QuantitativeValue", "value": ad.Mileage, "unitCode": "KMT"},
		"itemCondition":       condition,
		"url":                 canonical,
		"image":               images,
		"description":         ad.SalesPhrase,
		"offers": map[string]any{
			"@type":         "Offer",
			"price":         strconv.FormatFloat(float64(ad.Price)/100, 'f', 2, 64),
			"priceCurrency": "BRL",
			"availability":  "https://schema.org/InStock",
			"url":           canonical,
			"areaServed":    card.Place,
		},
	}
	if card.Version != "" {
		ld["vehicleConfiguration"] = card.Version
	}
	if c := models.ChoiceLabel(models.AdColors, ad.Color); c != "" {
		ld["color"] = c
	}
	return ld
}
