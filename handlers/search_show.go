package handlers

import (
	"bytes"
	"context"
	"html/template"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"motando/models"
)

// facetLink is one choice of a facet with the number of ads it leaves.
type facetLink struct {
	Label  string
	Count  int64
	URL    string
	Active bool
}

// facetGroup is a facet: a dimension with its choices.
type facetGroup struct {
	Title string
	Links []facetLink
}

// searchShow is the search and listing: GET /motos. With htmx it answers
// the results partial; a pasted URL, a history restore or a browser without
// JavaScript get the whole page around the same partial. The partial is
// shared by everyone asking the same search within a few seconds.
func (s *Server) searchShow(c *fiber.Ctx) error {
	raw, err := url.ParseQuery(string(c.Request().URI().QueryString()))
	if err != nil {
		raw = url.Values{}
	}
	q := s.parseSearch(raw)
	key := q.url("pagina", strconv.Itoa(q.Page)) + "\x00" + strings.Join(q.Notes, "\x00")
	// The rendering may outlive this request (a background refresh), so it
	// must not use the request's context or anything of Fiber's.
	base := context.WithoutCancel(c.UserContext())
	frag, err := s.results.get(key, func() (fragment, error) {
		ctx, cancel := context.WithTimeout(base, 30*time.Second)
		defer cancel()
		data, err := s.searchResults(ctx, q)
		if err != nil {
			return fragment{}, err
		}
		var buf bytes.Buffer
		if err := s.views.Render(&buf, "partials/search_results", data); err != nil {
			return fragment{}, err
		}
		return fragment{html: buf.Bytes(), total: data["Total"].(int64)}, nil
	})
	if err != nil {
		return err
	}
	c.Vary("HX-Request")
	if isPartial(c) {
		// The address bar shows the search's canonical URL, not the form's
		// every (empty) field.
		pushed := q.url()
		if q.Page > 1 {
			pushed = q.url("pagina", strconv.Itoa(q.Page))
		}
		c.Set("HX-Push-Url", pushed)
		c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
		return c.Send(frag.html)
	}
	cat := s.catalog.Load()
	heading := s.searchTitle(q)
	return s.render(c, fiber.StatusOK, "pages/search", fiber.Map{
		"Title": heading + " — Motando", "Heading": heading, "Total": frag.total,
		"Description": "Motos novas e usadas à venda em todo o Brasil: compare preços, anos e quilometragem.",
		"Results":     template.HTML(frag.html), //nolint:gosec // rendered by html/template above
		"Values":      q.Values, "Order": q.Order, "Orders": models.SearchOrders,
		"Brands": cat.Brands, "States": s.places.States,
		"Models": cat.Models(q.Filter.BrandID), "Cities": s.places.Cities(q.Filter.StateID),
		"Types": models.AdTypes, "Colors": models.AdColors,
	})
}

// searchTitle names the page after the search: "Honda MT-07 à venda em
// São Paulo".
func (s *Server) searchTitle(q *searchQuery) string {
	cat := s.catalog.Load()
	title := "Motos"
	if b, ok := cat.Brand(q.Filter.BrandID); ok {
		title = "Motos " + b.Name
		if m, ok := cat.Model(q.Filter.ModelID); ok {
			title = b.Name + " " + m.Name
		}
	}
	title += " à venda"
	if c, ok := s.places.City(q.Filter.CityID); ok {
		st, _ := s.places.State(c.StateID)
		title += " em " + c.Name + "/" + st.Acronym
	} else if st, ok := s.places.State(q.Filter.StateID); ok {
		title += " em " + st.Name
	}
	return title
}

// searchResults runs the search: the page of ads (two queries) and the
// count and facets (from the cache when fresh).
func (s *Server) searchResults(ctx context.Context, q *searchQuery) (fiber.Map, error) {
	ads, err := s.db.SearchAds(ctx, q.Filter, q.Order, (q.Page-1)*pageSize, pageSize)
	if err != nil {
		return nil, err
	}
	counts, ok := s.counts.get(q.Filter.Key())
	if !ok || counts.facets == nil {
		if counts.total, err = s.db.CountAds(ctx, q.Filter); err != nil {
			return nil, err
		}
		if counts.facets, err = s.db.FacetCounts(ctx, q.Filter); err != nil {
			return nil, err
		}
		s.counts.put(q.Filter.Key(), counts)
	}
	cards := make([]adCard, len(ads))
	for i := range ads {
		cards[i] = s.cardOf(&ads[i])
	}
	pages := int((counts.total + pageSize - 1) / pageSize)
	if pages > maxPage {
		pages = maxPage
	}
	data := fiber.Map{
		"Query": q, "Values": q.Values, "Cards": cards, "Total": counts.total, "Notes": q.Notes, "Chips": q.Chips,
		"Facets": s.facetGroups(q, counts.facets), "Page": q.Page, "Pages": pages,
		"Order": q.Order, "Orders": models.SearchOrders,
	}
	if q.Page > 1 {
		data["PrevURL"] = q.url("pagina", strconv.Itoa(q.Page-1))
	}
	if q.Page < pages {
		data["NextURL"] = q.url("pagina", strconv.Itoa(q.Page+1))
	}
	if len(cards) == 0 && len(q.Chips) > 0 {
		data["Suggestions"] = q.Chips
	}
	return data, nil
}

// facetGroups turns the facet counts into links, most ads first.
func (s *Server) facetGroups(q *searchQuery, f models.Facets) []facetGroup {
	cat := s.catalog.Load()
	byCount := func(links []facetLink, limit int) []facetLink {
		sort.SliceStable(links, func(i, j int) bool { return links[i].Count > links[j].Count })
		if limit > 0 && len(links) > limit {
			links = links[:limit]
		}
		return links
	}
	var groups []facetGroup

	var brands []facetLink
	for v, n := range f[models.FacetBrand] {
		id, _ := strconv.ParseUint(v, 10, 32)
		if b, ok := cat.Brand(uint32(id)); ok && n > 0 {
			brands = append(brands, facetLink{b.Name, n, q.url("marca", v, "modelo", "", "versao", ""), q.Filter.BrandID == b.ID})
		}
	}
	groups = append(groups, facetGroup{"Marca", byCount(brands, 12)})

	var states []facetLink
	for v, n := range f[models.FacetState] {
		id, _ := strconv.ParseUint(v, 10, 16)
		if st, ok := s.places.State(uint16(id)); ok && n > 0 {
			states = append(states, facetLink{st.Name, n, q.url("estado", st.Acronym, "cidade", ""), q.Filter.StateID == st.ID})
		}
	}
	groups = append(groups, facetGroup{"Estado", byCount(states, 10)})

	var types []facetLink
	for _, t := range models.AdTypes {
		if n := f[models.FacetType][t.Value]; n > 0 {
			types = append(types, facetLink{t.Label, n, q.url("tipo", t.Value), q.Filter.Type == t.Value})
		}
	}
	groups = append(groups, facetGroup{"Estilo", byCount(types, 0)})

	var years []facetLink
	for v, n := range f[models.FacetYear] {
		if n > 0 {
			years = append(years, facetLink{v, n, q.url("ano_min", v, "ano_max", v), strconv.Itoa(q.Filter.YearMin) == v && q.Filter.YearMax == q.Filter.YearMin})
		}
	}
	sort.Slice(years, func(i, j int) bool { return years[i].Label > years[j].Label })
	if len(years) > 12 {
		years = years[:12]
	}
	groups = append(groups, facetGroup{"Ano", years})

	var prices []facetLink
	for i, lo := range models.PriceBands {
		n := f[models.FacetPrice][strconv.Itoa(i)]
		if n == 0 {
			continue
		}
		label, hi := "", int64(0)
		if i+1 < len(models.PriceBands) {
			hi = models.PriceBands[i+1]
		}
		minV, maxV := "", ""
		switch {
		case lo == 0:
			label, maxV = "Até "+money(hi), strconv.FormatInt(hi/100, 10)
		case hi == 0:
			label, minV = "Acima de "+money(lo), strconv.FormatInt(lo/100, 10)
		default:
			label = money(lo) + " a " + money(hi)
			minV, maxV = strconv.FormatInt(lo/100, 10), strconv.FormatInt(hi/100, 10)
		}
		prices = append(prices, facetLink{label, n, q.url("preco_min", minV, "preco_max", maxV), false})
	}
	groups = append(groups, facetGroup{"Preço", prices})
	return groups
}
