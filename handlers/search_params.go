package handlers

import (
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"motando/models"
	"motando/search"
)

// searchParams are the names of /motos' query parameters, in the order
// links write them.
var searchParams = searchParamNames()

// Search page limits.
const (
	pageSize = 24
	maxPage  = 400
	maxWords = 6 // free-text words a search keeps
)

// searchOrders lists the orders in display order, with their labels.
var searchOrders = []models.Choice{
	{Value: search.OrderNewest, Label: "Mais recentes"}, {Value: search.OrderPriceAsc, Label: "Menor preço"},
	{Value: search.OrderPriceDesc, Label: "Maior preço"}, {Value: search.OrderKmAsc, Label: "Menor km"},
	{Value: search.OrderModelYearNew, Label: "Mais novas"}, {Value: search.OrderBestDeal, Label: "Melhor negócio"},
}

// chip is an active filter shown as a removable label.
type chip struct {
	Label, RemoveURL string
}

// searchQuery is a parsed /motos query: the filter, order and page, the
// valid parameters (for links), notes on those ignored, and the chips.
type searchQuery struct {
	Filter search.Filter
	Order  string
	Page   int
	Values url.Values
	Notes  []string
	Chips  []chip
}

// parseSearch reads the query parameters. Parameters that make no sense —
// an unknown brand, a price that is not a number — are ignored with a note,
// never an error.
func (s *Server) parseSearch(raw url.Values) *searchQuery {
	q := &searchQuery{Order: search.OrderNewest, Page: 1, Values: url.Values{}}
	p := searchParse{q: q, cat: s.catalog.Load(), places: s.places, nextYear: time.Now().Year() + 1}
	for i := range searchParsers {
		param := &searchParsers[i]
		if v := paramValue(raw, param.name); v != "" && !param.parse(p, param.name, v) {
			q.ignore(param.what, v)
		}
	}
	q.orderRanges()
	q.Chips = s.chipsOf(q)
	return q
}

// searchParam is one /motos query parameter: its name, how a note names
// it, and its parser.
type searchParam struct {
	name, what string
	// parse reads the parameter's value (never empty) into the query,
	// keeping what links should carry; false: the value is ignored.
	parse func(p searchParse, name, v string) bool
}

// searchParsers are /motos' parameters in the order they are read and
// links write them: a model after its brand, a city after its state.
var searchParsers = []searchParam{
	{"q", "", searchParse.words},
	{"marca", "a marca", searchParse.brand},
	{"modelo", "o modelo", searchParse.model},
	{"versao", "a versão", searchParse.version},
	{"estado", "o estado", searchParse.state},
	{"cidade", "a cidade", searchParse.city},
	{"preco_min", "o preço mínimo", searchParse.priceMin},
	{"preco_max", "o preço máximo", searchParse.priceMax},
	{"ano_min", "o ano mínimo", searchParse.yearMin},
	{"ano_max", "o ano máximo", searchParse.yearMax},
	{"km_max", "a quilometragem máxima", searchParse.kmMax},
	{"tipo", "o estilo", searchParse.adType},
	{"cor", "a cor", searchParse.color},
	{"bons_precos", "o filtro de bons preços", searchParse.goodPrice},
	{"ordem", "a ordem", searchParse.order},
	{"pagina", "a página", searchParse.page},
}

// searchParamNames lists the parameters' names in searchParsers' order.
func searchParamNames() []string {
	names := make([]string, len(searchParsers))
	for i, p := range searchParsers {
		names[i] = p.name
	}
	return names
}

// paramValue is a query parameter's value, trimmed, without invalid UTF-8
// or NUL bytes.
func paramValue(raw url.Values, name string) string {
	v := strings.TrimSpace(strings.ToValidUTF8(raw.Get(name), ""))
	return strings.ReplaceAll(v, "\x00", "")
}

// ignore notes that a parameter's value was ignored, quoting at most 40
// characters of it.
func (q *searchQuery) ignore(what, value string) {
	if utf8.RuneCountInString(value) > 40 {
		value = string([]rune(value)[:40]) + "…"
	}
	q.Notes = append(q.Notes, "Ignoramos "+what+" “"+value+"”.")
}

// orderRanges swaps a price or year range given upside down, in the
// filter and in the links.
func (q *searchQuery) orderRanges() {
	f := &q.Filter
	if f.PriceMin != 0 && f.PriceMax != 0 && f.PriceMin > f.PriceMax {
		f.PriceMin, f.PriceMax = f.PriceMax, f.PriceMin
		q.Values.Set("preco_min", strconv.FormatInt(f.PriceMin/100, 10))
		q.Values.Set("preco_max", strconv.FormatInt(f.PriceMax/100, 10))
	}
	if f.YearMin != 0 && f.YearMax != 0 && f.YearMin > f.YearMax {
		f.YearMin, f.YearMax = f.YearMax, f.YearMin
		q.Values.Set("ano_min", strconv.Itoa(f.YearMin))
		q.Values.Set("ano_max", strconv.Itoa(f.YearMax))
	}
}

// searchParse is a search being read: the query, and the catalog, places
// and year it is read against. It is passed by value, so that reading
// costs no allocation.
type searchParse struct {
	q        *searchQuery
	cat      *models.Catalog
	places   *models.Places
	nextYear int
}

// keep sets a parameter as links should carry it.
func (p searchParse) keep(name, value string) { p.q.Values.Set(name, value) }

// words reads the free text: at most 100 characters, and maxWords words
// searched. It is never ignored.
func (p searchParse) words(name, text string) bool {
	if utf8.RuneCountInString(text) > 100 {
		text = string([]rune(text)[:100])
	}
	p.keep(name, text)
	if words := search.Words(text); len(words) > 0 {
		p.q.Filter.Words = words[:min(len(words), maxWords)]
	}
	return true
}

// catalogID reads a brand, model, version or city id; 0 when it is not
// one.
func catalogID(v string) uint32 {
	id, _ := strconv.ParseUint(v, 10, 32)
	return uint32(id)
}

// brand reads a brand id of the catalog.
func (p searchParse) brand(name, v string) bool {
	b, ok := p.cat.Brand(catalogID(v))
	if ok {
		p.q.Filter.BrandID = b.ID
		p.keep(name, v)
	}
	return ok
}

// model reads a model id of the catalog, of the brand when one is chosen;
// it chooses its brand.
func (p searchParse) model(name, v string) bool {
	f := &p.q.Filter
	m, ok := p.cat.Model(catalogID(v))
	if !ok || f.BrandID != 0 && m.BrandID != f.BrandID {
		return false
	}
	f.ModelID, f.BrandID = m.ID, m.BrandID
	p.keep(name, v)
	return true
}

// version reads a version id of the catalog, of the model when one is
// chosen; it chooses its model and brand.
func (p searchParse) version(name, v string) bool {
	f := &p.q.Filter
	ver, ok := p.cat.Version(catalogID(v))
	if !ok || f.ModelID != 0 && ver.ModelID != f.ModelID {
		return false
	}
	m, _ := p.cat.Model(ver.ModelID)
	f.VersionID, f.ModelID, f.BrandID = ver.ID, m.ID, m.BrandID
	p.keep(name, v)
	return true
}

// state reads a UF, in any case.
func (p searchParse) state(name, v string) bool {
	st, ok := p.places.StateByUF(v)
	if ok {
		p.q.Filter.StateID = st.ID
		p.keep(name, st.Acronym)
	}
	return ok
}

// city reads a city id, of the state when one is chosen; it chooses its
// state.
func (p searchParse) city(name, v string) bool {
	f := &p.q.Filter
	c, ok := p.places.City(catalogID(v))
	if !ok || f.StateID != 0 && c.StateID != f.StateID {
		return false
	}
	f.CityID, f.StateID = c.ID, c.StateID
	st, _ := p.places.State(c.StateID)
	p.keep(name, v)
	p.keep("estado", st.Acronym)
	return true
}

// priceMin reads the lowest price.
func (p searchParse) priceMin(name, v string) bool { return p.price(name, v, &p.q.Filter.PriceMin) }

// priceMax reads the highest price.
func (p searchParse) priceMax(name, v string) bool { return p.price(name, v, &p.q.Filter.PriceMax) }

// price reads an end of the price range into dst. Searches are in whole
// reais, as the canonical URL writes them.
func (p searchParse) price(name, v string, dst *int64) bool {
	cents, ok := parsePrice(v)
	if !ok || cents < 100 || cents > maxPrice {
		return false
	}
	reais := cents / 100
	*dst = reais * 100
	p.keep(name, strconv.FormatInt(reais, 10))
	return true
}

// yearMin reads the oldest year.
func (p searchParse) yearMin(name, v string) bool { return p.year(name, v, &p.q.Filter.YearMin) }

// yearMax reads the newest year.
func (p searchParse) yearMax(name, v string) bool { return p.year(name, v, &p.q.Filter.YearMax) }

// year reads an end of the year range into dst: 1900 to next year.
func (p searchParse) year(name, v string, dst *int) bool {
	y, err := strconv.Atoi(v)
	if err != nil || y < 1900 || y > p.nextYear {
		return false
	}
	*dst = y
	p.keep(name, v)
	return true
}

// kmMax reads the highest mileage.
func (p searchParse) kmMax(name, v string) bool {
	km, ok := parseKm(v)
	if !ok || km <= 0 {
		return false
	}
	p.q.Filter.KmMax = km
	p.keep(name, strconv.Itoa(km))
	return true
}

// adType reads a style of models.AdTypes.
func (p searchParse) adType(name, v string) bool {
	return p.choice(name, v, models.AdTypes, &p.q.Filter.Type)
}

// color reads a color of models.AdColors.
func (p searchParse) color(name, v string) bool {
	return p.choice(name, v, models.AdColors, &p.q.Filter.Color)
}

// choice reads one of the choices' values into dst.
func (p searchParse) choice(name, v string, choices []models.Choice, dst *string) bool {
	if models.ChoiceLabel(choices, v) == "" {
		return false
	}
	*dst = v
	p.keep(name, v)
	return true
}

// order reads one of searchOrders; links leave out the default.
func (p searchParse) order(name, v string) bool {
	if models.ChoiceLabel(searchOrders, v) == "" {
		return false
	}
	p.q.Order = v
	if v != search.OrderNewest {
		p.keep(name, v)
	}
	return true
}

// page reads the page number, 1 to maxPage; links leave out the first.
func (p searchParse) page(name, v string) bool {
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > maxPage {
		return false
	}
	p.q.Page = n
	if n > 1 {
		p.keep(name, v)
	}
	return true
}

// url writes /motos with the query's values changed by the pairs (an empty
// value removes the parameter). Any change but the page goes back to page 1.
func (q *searchQuery) url(pairs ...string) string {
	v := url.Values{}
	for k, vs := range q.Values {
		v[k] = vs
	}
	pageSet := false
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i] == "pagina" {
			pageSet = true
		}
		if pairs[i+1] == "" {
			v.Del(pairs[i])
		} else {
			v.Set(pairs[i], pairs[i+1])
		}
	}
	if !pageSet {
		v.Del("pagina")
	}
	return "/motos" + encodeOrdered(v)
}

// encodeOrdered encodes the values in the order of searchParams, so that a
// search has one URL.
func encodeOrdered(v url.Values) string {
	var b strings.Builder
	for _, k := range searchParams {
		if val := v.Get(k); val != "" {
			if b.Len() == 0 {
				b.WriteByte('?')
			} else {
				b.WriteByte('&')
			}
			b.WriteString(k + "=" + url.QueryEscape(val))
		}
	}
	return b.String()
}

// chipsOf labels the active filters, each with the URL that removes it.
func (s *Server) chipsOf(q *searchQuery) []chip {
	src := chipSource{q: q, cat: s.catalog.Load(), places: s.places}
	var chips []chip
	for _, kind := range chipKinds {
		if label := kind.label(src); label != "" {
			chips = append(chips, chip{label, q.url(kind.remove...)})
		}
	}
	return chips
}

// chipKind is a filter's chip: its label, empty while the filter is off,
// and the url pairs that remove the filter and what depends on it.
type chipKind struct {
	label  func(chipSource) string
	remove []string
}

// chipKinds are the chips in the order they are shown.
var chipKinds = []chipKind{
	{chipSource.text, removing("q")},
	{chipSource.brand, removing("marca", "modelo", "versao")},
	{chipSource.model, removing("modelo", "versao")},
	{chipSource.version, removing("versao")},
	{chipSource.state, removing("estado", "cidade")},
	{chipSource.city, removing("cidade")},
	{chipSource.priceMin, removing("preco_min")},
	{chipSource.priceMax, removing("preco_max")},
	{chipSource.yearMin, removing("ano_min")},
	{chipSource.yearMax, removing("ano_max")},
	{chipSource.kmMax, removing("km_max")},
	{chipSource.adType, removing("tipo")},
	{chipSource.color, removing("cor")},
	{chipSource.goodPrice, removing("bons_precos")},
}

// removing is the url pairs that remove the parameters.
func removing(names ...string) []string {
	pairs := make([]string, 0, 2*len(names))
	for _, name := range names {
		pairs = append(pairs, name, "")
	}
	return pairs
}

// chipSource is what chips are labelled from: the query, and the catalog
// and places it was read against. It is passed by value, so that
// labelling costs no allocation.
type chipSource struct {
	q      *searchQuery
	cat    *models.Catalog
	places *models.Places
}

// text labels the free text, quoted.
func (c chipSource) text() string {
	if t := c.q.Values.Get("q"); t != "" {
		return "“" + t + "”"
	}
	return ""
}

// brand labels the brand chosen by marca (not the one a model implies).
func (c chipSource) brand() string {
	if b, ok := c.cat.Brand(c.q.Filter.BrandID); ok && c.q.Values.Get("marca") != "" {
		return b.Name
	}
	return ""
}

// model labels the model chosen by modelo (not the one a version implies).
func (c chipSource) model() string {
	if m, ok := c.cat.Model(c.q.Filter.ModelID); ok && c.q.Values.Get("modelo") != "" {
		return m.Name
	}
	return ""
}

// version labels the version.
func (c chipSource) version() string {
	v, _ := c.cat.Version(c.q.Filter.VersionID)
	return v.Name
}

// state labels the state.
func (c chipSource) state() string {
	st, _ := c.places.State(c.q.Filter.StateID)
	return st.Name
}

// city labels the city.
func (c chipSource) city() string {
	city, _ := c.places.City(c.q.Filter.CityID)
	return city.Name
}

// priceMin labels the lowest price.
func (c chipSource) priceMin() string {
	if p := c.q.Filter.PriceMin; p != 0 {
		return "A partir de " + money(p)
	}
	return ""
}

// priceMax labels the highest price.
func (c chipSource) priceMax() string {
	if p := c.q.Filter.PriceMax; p != 0 {
		return "Até " + money(p)
	}
	return ""
}

// yearMin labels the oldest year.
func (c chipSource) yearMin() string {
	if y := c.q.Filter.YearMin; y != 0 {
		return "Ano a partir de " + strconv.Itoa(y)
	}
	return ""
}

// yearMax labels the newest year.
func (c chipSource) yearMax() string {
	if y := c.q.Filter.YearMax; y != 0 {
		return "Ano até " + strconv.Itoa(y)
	}
	return ""
}

// kmMax labels the highest mileage.
func (c chipSource) kmMax() string {
	if km := c.q.Filter.KmMax; km != 0 {
		return "Até " + thousands(int64(km)) + " km"
	}
	return ""
}

// adType labels the style.
func (c chipSource) adType() string { return models.ChoiceLabel(models.AdTypes, c.q.Filter.Type) }

// color labels the color.
func (c chipSource) color() string { return models.ChoiceLabel(models.AdColors, c.q.Filter.Color) }

// goodPrice labels the good-prices filter.
func (c chipSource) goodPrice() string {
	if c.q.Filter.GoodPrice {
		return "Bons preços"
	}
	return ""
}
