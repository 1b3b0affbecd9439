package handlers

import (
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"motando/models"
	"motando/search"
	"motando/stats"
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
// the results and, out of band, every part of the page that follows the
// search (the heading, the title, the form's fields and counts), so that
// whatever changed the search — a field, a facet, a chip, a page — the
// page says what the address says. A pasted URL, a history restore or a
// browser without JavaScript get the whole page. Every search is answered
// by the in-memory index.
func (s *Server) searchShow(c *fiber.Ctx) error {
	if err := s.searchReady(c); err != nil {
		return err
	}
	raw, err := url.ParseQuery(string(c.Request().URI().QueryString()))
	if err != nil {
		raw = url.Values{}
	}
	q := s.parseSearch(raw)
	data := s.searchResults(q)
	s.countSearch(c, q, data["Total"].(int64))
	if err := s.markSaved(c, data["Cards"].([]adCard)); err != nil {
		return err
	}
	s.addSearchForm(data, q)
	heading := s.searchTitle(q)
	data["Heading"], data["Title"] = heading, heading+" — Motando"
	c.Vary("HX-Request")
	if isPartial(c) {
		// The address bar shows the search's canonical URL, not the form's
		// every (empty) field.
		c.Set("HX-Push-Url", data["URL"].(string))
		data["OOB"] = true
		return s.render(c, fiber.StatusOK, "partials/search_update", data)
	}
	data["Description"] = "Motos novas e usadas à venda em todo o Brasil: compare preços, anos e quilometragem."
	return s.render(c, fiber.StatusOK, "pages/search", data)
}

// countSearch counts a search for the admin's charts: the first page of
// every set of filters a person asks for, by brand, model, state and
// words, a brand or model typed counted as if picked ("cg 160" is Honda's
// CG 160). The whole list, asked for nothing, is not a search. It counts
// as finding nothing only when those alone explain it: a search narrowed
// further (price, year, city…) that finds nothing says nothing of the
// stock buyers miss.
func (s *Server) countSearch(c *fiber.Ctx, q *searchQuery, total int64) {
	if q.Page != 1 || !s.counted(c) {
		return
	}
	f := q.Filter
	brandID, modelID, rest := s.catalog.Load().Named(f.BrandID, f.ModelID, f.Words)
	words := strings.Join(rest, " ")
	if len(words) > 100 {
		words = words[:strings.LastIndexByte(words[:101], ' ')+1]
	}
	key := stats.SearchKey{BrandID: brandID, ModelID: modelID, StateID: f.StateID, Words: strings.TrimSpace(words)}
	more := narrowed(q.Values)
	if key == (stats.SearchKey{}) && !more {
		return
	}
	s.stats.Search(visitorOf(c), key, total == 0 && !more)
}

// narrowed tells whether a search has filters beyond brand, model, state
// and words.
func narrowed(v url.Values) bool {
	for _, name := range searchParams {
		switch name {
		case "q", "marca", "modelo", "estado", "ordem", "pagina":
		default:
			if v.Get(name) != "" {
				return true
			}
		}
	}
	return false
}

// addSearchForm adds what the search form shows for q: the choices of
// every field (the models of the chosen brand, the cities of the chosen
// state) and how many filters are on.
func (s *Server) addSearchForm(data fiber.Map, q *searchQuery) {
	cat := s.catalog.Load()
	data["Brands"], data["Models"] = cat.Brands, cat.Models(q.Filter.BrandID)
	if q.Filter.ModelID != 0 {
		data["Versions"] = cat.Versions(q.Filter.ModelID)
	}
	data["States"], data["Cities"] = s.places.States, s.places.Cities(q.Filter.StateID)
	data["Types"], data["Colors"] = models.AdTypes, models.AdColors
	active := 0
	for _, name := range searchParams {
		if name != "q" && name != "ordem" && name != "pagina" && q.Values.Get(name) != "" {
			active++
		}
	}
	data["Active"] = active
}

// searchReady answers 503, to be retried in a moment, while the search
// index is still loading at start.
func (s *Server) searchReady(c *fiber.Ctx) error {
	if s.index.Ready() {
		return nil
	}
	c.Set(fiber.HeaderRetryAfter, "2")
	return fiber.ErrServiceUnavailable
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
		title += " " + st.In()
	}
	return title
}

// searchResults runs the search on the index: the page of ads, the count
// and the facets.
func (s *Server) searchResults(q *searchQuery) fiber.Map {
	res := s.index.Search(q.Filter, q.Order, (q.Page-1)*pageSize, pageSize, true)
	pages := min((res.Total+pageSize-1)/pageSize, maxPage)
	if pages > 0 && q.Page > pages {
		// A page past the end (an old link, fewer ads now): the last one.
		q.Notes = append(q.Notes, "A página "+strconv.Itoa(q.Page)+" não existe mais; esta é a última.")
		q.Page = pages
		q.Values.Set("pagina", strconv.Itoa(pages))
		if pages == 1 {
			q.Values.Del("pagina")
		}
		res = s.index.Search(q.Filter, q.Order, (q.Page-1)*pageSize, pageSize, true)
	}
	cards := s.docCards(res.Docs)
	here := q.url()
	if q.Page > 1 {
		here = q.url("pagina", strconv.Itoa(q.Page))
	}
	data := fiber.Map{
		"Query": q, "Values": q.Values, "Cards": cards, "Total": int64(res.Total), "Notes": q.Notes, "Chips": q.Chips,
		"Facets": s.facetGroups(q, &res.Facets), "Page": q.Page, "Pages": pages,
		"Order": q.Order, "Orders": searchOrders, "URL": here,
		"SaveQuery": savedSearchQuery(q), "Alerts": models.AlertModes,
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
	return data
}

// facetGroups turns the facet counts into links, most ads first.
func (s *Server) facetGroups(q *searchQuery, f *search.Facets) []facetGroup {
	return []facetGroup{
		{"Marca", byCount(brandFacets(q, f, s.catalog.Load()), 12)},
		{"Estado", byCount(stateFacets(q, f, s.places), 10)},
		{"Estilo", byCount(typeFacets(q, f), 0)},
		{"Ano", yearFacets(q, f)},
		{"Preço", priceFacets(q, f)},
	}
}

// byCount sorts the links most ads first and keeps the first limit of
// them (all when limit is 0).
func byCount(links []facetLink, limit int) []facetLink {
	sort.SliceStable(links, func(i, j int) bool { return links[i].Count > links[j].Count })
	if limit > 0 && len(links) > limit {
		links = links[:limit]
	}
	return links
}

// brandFacets links the brands of the catalog that have ads; choosing one
// drops the model and version.
func brandFacets(q *searchQuery, f *search.Facets, cat *models.Catalog) []facetLink {
	var links []facetLink
	for id, n := range f.Brands {
		if b, ok := cat.Brand(id); ok && n > 0 {
			v := strconv.FormatUint(uint64(id), 10)
			links = append(links, facetLink{b.Name, int64(n), q.url("marca", v, "modelo", "", "versao", ""), q.Filter.BrandID == b.ID})
		}
	}
	return links
}

// stateFacets links the states that have ads; choosing one drops the
// city.
func stateFacets(q *searchQuery, f *search.Facets, places *models.Places) []facetLink {
	var links []facetLink
	for id, n := range f.States {
		if st, ok := places.State(id); ok && n > 0 {
			links = append(links, facetLink{st.Name, int64(n), q.url("estado", st.Acronym, "cidade", ""), q.Filter.StateID == st.ID})
		}
	}
	return links
}

// typeFacets links the styles that have ads, in models.AdTypes' order.
func typeFacets(q *searchQuery, f *search.Facets) []facetLink {
	var links []facetLink
	for _, t := range models.AdTypes {
		if n := f.Types[t.Value]; n > 0 {
			links = append(links, facetLink{t.Label, int64(n), q.url("tipo", t.Value), q.Filter.Type == t.Value})
		}
	}
	return links
}

// yearFacets links the 12 newest model years that have ads, newest first.
func yearFacets(q *searchQuery, f *search.Facets) []facetLink {
	var links []facetLink
	for y, n := range f.Years {
		if n > 0 {
			v := strconv.Itoa(y)
			links = append(links, facetLink{v, int64(n), q.url("ano_min", v, "ano_max", v), q.Filter.YearMin == y && q.Filter.YearMax == y})
		}
	}
	sort.Slice(links, func(i, j int) bool { return links[i].Label > links[j].Label })
	if len(links) > 12 {
		links = links[:12]
	}
	return links
}

// priceFacets links the price bands that have ads, cheapest first.
func priceFacets(q *searchQuery, f *search.Facets) []facetLink {
	var links []facetLink
	for i := range search.PriceBands {
		if n := f.Prices[i]; n > 0 {
			label, minV, maxV := priceBand(i)
			links = append(links, facetLink{label, int64(n), q.url("preco_min", minV, "preco_max", maxV), false})
		}
	}
	return links
}

// priceBand is the label of search.PriceBands[i] and its range as
// preco_min and preco_max write it (empty: open).
func priceBand(i int) (label, minV, maxV string) {
	lo, hi := search.PriceBands[i], int64(0)
	if i+1 < len(search.PriceBands) {
		hi = search.PriceBands[i+1]
	}
	switch {
	case lo == 0:
		return "Até " + money(hi), "", strconv.FormatInt(hi/100, 10)
	case hi == 0:
		return "Acima de " + money(lo), strconv.FormatInt(lo/100, 10), ""
	}
	return money(lo) + " a " + money(hi), strconv.FormatInt(lo/100, 10), strconv.FormatInt(hi/100, 10)
}
