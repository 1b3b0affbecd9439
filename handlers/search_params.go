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
var searchParams = []string{"q", "marca", "modelo", "versao", "estado", "cidade", "preco_min", "preco_max",
	"ano_min", "ano_max", "km_max", "tipo", "cor", "bons_precos", "ordem", "pagina"}

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
	cat := s.catalog.Load()
	q := &searchQuery{Order: search.OrderNewest, Page: 1, Values: url.Values{}}
	get := func(name string) string {
		v := strings.TrimSpace(strings.ToValidUTF8(raw.Get(name), ""))
		return strings.ReplaceAll(v, "\x00", "")
	}
	keep := func(name, value string) { q.Values.Set(name, value) }
	ignore := func(what, value string) {
		if utf8.RuneCountInString(value) > 40 {
			value = string([]rune(value)[:40]) + "…"
		}
		q.Notes = append(q.Notes, "Ignoramos "+what+" “"+value+"”.")
	}
	f := &q.Filter

	if text := get("q"); text != "" {
		if utf8.RuneCountInString(text) > 100 {
			text = string([]rune(text)[:100])
		}
		keep("q", text)
		if words := search.Words(text); len(words) > 0 {
			f.Words = words[:min(len(words), maxWords)]
		}
	}
	if v := get("marca"); v != "" {
		id, _ := strconv.ParseUint(v, 10, 32)
		if b, ok := cat.Brand(uint32(id)); ok {
			f.BrandID = b.ID
			keep("marca", v)
		} else {
			ignore("a marca", v)
		}
	}
	if v := get("modelo"); v != "" {
		id, _ := strconv.ParseUint(v, 10, 32)
		if m, ok := cat.Model(uint32(id)); ok && (f.BrandID == 0 || m.BrandID == f.BrandID) {
			f.ModelID, f.BrandID = m.ID, m.BrandID
			keep("modelo", v)
		} else {
			ignore("o modelo", v)
		}
	}
	if v := get("versao"); v != "" {
		id, _ := strconv.ParseUint(v, 10, 32)
		if ver, ok := cat.Version(uint32(id)); ok && (f.ModelID == 0 || ver.ModelID == f.ModelID) {
			m, _ := cat.Model(ver.ModelID)
			f.VersionID, f.ModelID, f.BrandID = ver.ID, m.ID, m.BrandID
			keep("versao", v)
		} else {
			ignore("a versão", v)
		}
	}
	if v := get("estado"); v != "" {
		if st, ok := s.places.StateByUF(v); ok {
			f.StateID = st.ID
			keep("estado", st.Acronym)
		} else {
			ignore("o estado", v)
		}
	}
	if v := get("cidade"); v != "" {
		id, _ := strconv.ParseUint(v, 10, 32)
		if c, ok := s.places.City(uint32(id)); ok && (f.StateID == 0 || c.StateID == f.StateID) {
			f.CityID, f.StateID = c.ID, c.StateID
			st, _ := s.places.State(c.StateID)
			keep("cidade", v)
			keep("estado", st.Acronym)
		} else {
			ignore("a cidade", v)
		}
	}
	for _, p := range []struct {
		name, what string
		dst        *int64
	}{{"preco_min", "o preço mínimo", &f.PriceMin}, {"preco_max", "o preço máximo", &f.PriceMax}} {
		if v := get(p.name); v != "" {
			// Searches are in whole reais, as the canonical URL writes them.
			if cents, ok := parsePrice(v); ok && cents >= 100 && cents <= maxPrice {
				reais := cents / 100
				*p.dst = reais * 100
				keep(p.name, strconv.FormatInt(reais, 10))
			} else {
				ignore(p.what, v)
			}
		}
	}
	nextYear := time.Now().Year() + 1
	for _, p := range []struct {
		name, what string
		dst        *int
	}{{"ano_min", "o ano mínimo", &f.YearMin}, {"ano_max", "o ano máximo", &f.YearMax}} {
		if v := get(p.name); v != "" {
			if y, err := strconv.Atoi(v); err == nil && y >= 1900 && y <= nextYear {
				*p.dst = y
				keep(p.name, v)
			} else {
				ignore(p.what, v)
			}
		}
	}
	if v := get("km_max"); v != "" {
		if km, ok := parseKm(v); ok && km > 0 {
			f.KmMax = km
			keep("km_max", strconv.Itoa(km))
		} else {
			ignore("a quilometragem máxima", v)
		}
	}
	for _, p := range []struct {
		name, what string
		choices    []models.Choice
		dst        *string
	}{{"tipo", "o estilo", models.AdTypes, &f.Type}, {"cor", "a cor", models.AdColors, &f.Color}} {
		if v := get(p.name); v != "" {
			if models.ChoiceLabel(p.choices, v) != "" {
				*p.dst = v
				keep(p.name, v)
			} else {
				ignore(p.what, v)
			}
		}
	}
	q.parseGoodPrice(get("bons_precos"), ignore)
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
	if v := get("ordem"); v != "" {
		if models.ChoiceLabel(searchOrders, v) != "" {
			q.Order = v
			if v != search.OrderNewest {
				keep("ordem", v)
			}
		} else {
			ignore("a ordem", v)
		}
	}
	if v := get("pagina"); v != "" {
		if n, err := strconv.Atoi(v); err == nil && n >= 1 && n <= maxPage {
			q.Page = n
			if n > 1 {
				keep("pagina", v)
			}
		} else {
			ignore("a página", v)
		}
	}
	q.Chips = s.chipsOf(q)
	return q
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
	cat := s.catalog.Load()
	f := q.Filter
	var chips []chip
	add := func(label string, remove ...string) {
		pairs := make([]string, 0, 2*len(remove))
		for _, r := range remove {
			pairs = append(pairs, r, "")
		}
		chips = append(chips, chip{label, q.url(pairs...)})
	}
	if t := q.Values.Get("q"); t != "" {
		add("“"+t+"”", "q")
	}
	if b, ok := cat.Brand(f.BrandID); ok && q.Values.Get("marca") != "" {
		add(b.Name, "marca", "modelo", "versao")
	}
	if m, ok := cat.Model(f.ModelID); ok && q.Values.Get("modelo") != "" {
		add(m.Name, "modelo", "versao")
	}
	if v, ok := cat.Version(f.VersionID); ok {
		add(v.Name, "versao")
	}
	if st, ok := s.places.State(f.StateID); ok {
		add(st.Name, "estado", "cidade")
	}
	if c, ok := s.places.City(f.CityID); ok {
		add(c.Name, "cidade")
	}
	if f.PriceMin != 0 {
		add("A partir de "+money(f.PriceMin), "preco_min")
	}
	if f.PriceMax != 0 {
		add("Até "+money(f.PriceMax), "preco_max")
	}
	if f.YearMin != 0 {
		add("Ano a partir de "+strconv.Itoa(f.YearMin), "ano_min")
	}
	if f.YearMax != 0 {
		add("Ano até "+strconv.Itoa(f.YearMax), "ano_max")
	}
	if f.KmMax != 0 {
		add("Até "+thousands(int64(f.KmMax))+" km", "km_max")
	}
	if f.Type != "" {
		add(models.ChoiceLabel(models.AdTypes, f.Type), "tipo")
	}
	if f.Color != "" {
		add(models.ChoiceLabel(models.AdColors, f.Color), "cor")
	}
	if f.GoodPrice {
		add("Bons preços", "bons_precos")
	}
	return chips
}
