package handlers

import (
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/gofiber/fiber/v2"

	"golang.org/x/text/unicode/norm"

	"motando/models"
	"motando/search"
)

// adCard is what a card, the owner's list and the ad page show of an ad.
type adCard struct {
	ID           uint64
	Title        string // brand, model and version
	Brand, Model string
	Version      string
	Years        string // "2020/2021"
	Price        string
	Km           string
	Place        string // "Campinas/SP"
	Cover        string // thumbnail URL; empty without a ready photo
	CoverW       int
	CoverH       int
	URL          string // public address
	Status       string
	StatusLabel  string
	StatusClass  string
	Pending      bool // the worker still has to act: the badge refreshes itself
	Reason       string
	Listed       bool
	PriceDrop    string           // "Preço reduzido em R$ 1.500", for PriceDropDays after a reduction
	Saved        bool             // the signed-in person saved the ad
	Stats        *models.AdTotals // views, contacts and saves (the owner's list)
	Deal         string           // the fair-price level ("Bom preço"); empty without a rating
	DealClass    string           // its badge's class
}

// statusLabels are the owner's words for each status.
var statusLabels = map[string][2]string{
	models.StatusNew:       {"Publicando…", "pending"},
	models.StatusUpdate:    {"Publicado · atualizando fotos…", "pending"},
	models.StatusPublished: {"Publicado", "published"},
	models.StatusDelete:    {"Excluindo…", "pending"},
	models.StatusExpired:   {"Expirado", "hidden"},
	models.StatusInactive:  {"Inativo", "hidden"},
	models.StatusFailed:    {"Não publicado", "failed"},
}

// cardOf describes an ad for display; its images must be loaded in order.
func (s *Server) cardOf(ad *models.Ad) adCard {
	cat := s.catalog.Load()
	b, _ := cat.Brand(ad.BrandID)
	m, _ := cat.Model(ad.ModelID)
	var version string
	if ad.VersionID != nil {
		if v, ok := cat.Version(*ad.VersionID); ok {
			version = v.Name
		}
	}
	city, _ := s.places.City(ad.CityID)
	st, _ := s.places.State(ad.StateID)
	label := statusLabels[ad.Status]
	card := adCard{
		ID: ad.ID, Brand: b.Name, Model: m.Name, Version: version,
		Title:  cat.Title(ad),
		Years:  strconv.Itoa(ad.FabricationYear) + "/" + strconv.Itoa(ad.ModelYear),
		Price:  money(int64(ad.Price)),
		Km:     thousands(int64(ad.Mileage)) + " km",
		Place:  city.Name + "/" + st.Acronym,
		Status: ad.Status, StatusLabel: label[0], StatusClass: label[1],
		Pending: label[1] == "pending",
		Reason:  ad.StatusReason,
		Listed:  ad.Listed,
	}
	if ad.IsNew {
		card.Km = "0 km"
	}
	if ad.PriceDropFrom != nil && ad.PriceDroppedAt != nil && *ad.PriceDropFrom > ad.Price &&
		time.Since(*ad.PriceDroppedAt) < models.PriceDropDays*24*time.Hour {
		card.PriceDrop = "Preço reduzido em " + money(int64(*ad.PriceDropFrom-ad.Price))
	}
	if ad.HiddenAt != nil {
		card.StatusLabel, card.StatusClass, card.Reason = "Oculto pela moderação", "hidden", ad.HiddenReason
	}
	card.URL = "/anuncio/" + strconv.FormatUint(ad.ID, 10) + "/" + slugify(card.Title+" "+strconv.Itoa(ad.ModelYear))
	for _, img := range ad.Images {
		if img.Status == models.ImageReady {
			card.Cover, card.CoverW, card.CoverH = s.store.PublicURL(img.ThumbKey), img.ThumbWidth, img.ThumbHeight
			break
		}
	}
	return card
}

// docCard describes an ad of the search index for display, as cardOf
// does a listed ad read from the database.
func (s *Server) docCard(d *search.Doc) adCard {
	ad := models.Ad{
		ID: d.ID, BrandID: d.BrandID, ModelID: d.ModelID, FabricationYear: d.FabricationYear, ModelYear: d.ModelYear,
		Mileage: d.Mileage, IsNew: d.IsNew, Price: models.Money(d.Price), StateID: d.StateID, CityID: d.CityID,
		Status: models.StatusPublished, Listed: true, TopOffer: d.TopOffer,
	}
	if d.VersionID != 0 {
		ad.VersionID = &d.VersionID
	}
	if d.PriceDropFrom != 0 {
		from := models.Money(d.PriceDropFrom)
		ad.PriceDropFrom, ad.PriceDroppedAt = &from, &d.PriceDroppedAt
	}
	if d.Cover.Key != "" {
		ad.Images = []models.Image{{Status: models.ImageReady, ThumbKey: d.Cover.Key, ThumbWidth: d.Cover.Width, ThumbHeight: d.Cover.Height}}
	}
	return s.cardOf(&ad)
}

// docCards describes the ads of a search's page.
func (s *Server) docCards(docs []search.Doc) []adCard {
	out := make([]adCard, len(docs))
	for i := range docs {
		out[i] = s.docCard(&docs[i])
		out[i].Deal, out[i].DealClass = dealBadge(docs[i].Rating)
	}
	return out
}

// markSaved marks the cards of the ads the signed-in person saved, in one
// read for every list.
func (s *Server) markSaved(c *fiber.Ctx, lists ...[]adCard) error {
	u := currentUser(c)
	if u == nil {
		return nil
	}
	var ids []uint64
	for _, cards := range lists {
		for i := range cards {
			ids = append(ids, cards[i].ID)
		}
	}
	saved, err := s.db.FavoriteSet(c.UserContext(), u.ID, ids)
	if err != nil {
		return err
	}
	for _, cards := range lists {
		for i := range cards {
			cards[i].Saved = saved[cards[i].ID]
		}
	}
	return nil
}

// slugify makes a URL segment of a title: lower case, accents dropped,
// anything else than letters and digits turned into single hyphens
// ("Address/AG 2020" → "address-ag-2020", "MT-07" → "mt-07").
func slugify(s string) string {
	var b strings.Builder
	hyphen := false
	for _, r := range norm.NFD.String(strings.ToLower(s)) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			if hyphen && b.Len() > 0 {
				b.WriteByte('-')
			}
			hyphen = false
			b.WriteRune(r)
		default:
			hyphen = true
		}
	}
	return b.String()
}
