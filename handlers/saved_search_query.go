package handlers

import (
	"html"
	"html/template"
	"net/url"
	"strconv"
	"strings"

	"motando/models"
)

// savedSearchDropped are the /motos parameters a saved search leaves out:
// how a page is ordered and which page, and the good-price rating, which
// depends on the other ads and so cannot alert of a new one.
var savedSearchDropped = []string{"ordem", "pagina", "bons_precos"}

// savedSearchValues are the parameters a saved search keeps of a search.
func savedSearchValues(q *searchQuery) url.Values {
	v := url.Values{}
	for k, vs := range q.Values {
		v[k] = vs
	}
	for _, k := range savedSearchDropped {
		v.Del(k)
	}
	return v
}

// savedSearchName names a search as a person would say it: "Honda CG 160
// em SP até R$ 15.000".
func (s *Server) savedSearchName(q *searchQuery) string {
	cat := s.catalog.Load()
	f := q.Filter
	var parts []string
	if b, ok := cat.Brand(f.BrandID); ok {
		parts = append(parts, b.Name)
	}
	if m, ok := cat.Model(f.ModelID); ok {
		parts = append(parts, m.Name)
	}
	if v, ok := cat.Version(f.VersionID); ok {
		parts = append(parts, v.Name)
	}
	if t := q.Values.Get("q"); t != "" {
		parts = append(parts, "“"+t+"”")
	}
	if len(parts) == 0 {
		parts = append(parts, "Todas as motos")
	}
	for _, c := range []string{models.ChoiceLabel(models.AdTypes, f.Type), models.ChoiceLabel(models.AdColors, f.Color)} {
		if c != "" {
			parts = append(parts, strings.ToLower(c))
		}
	}
	if c, ok := s.places.City(f.CityID); ok {
		st, _ := s.places.State(c.StateID)
		parts = append(parts, "em "+c.Name+"/"+st.Acronym)
	} else if st, ok := s.places.State(f.StateID); ok {
		parts = append(parts, "em "+st.Acronym)
	}
	parts = append(parts, rangeWords(f.PriceMin, f.PriceMax, money)...)
	parts = append(parts, rangeWords(int64(f.YearMin), int64(f.YearMax), func(y int64) string { return strconv.FormatInt(y, 10) })...)
	if f.KmMax != 0 {
		parts = append(parts, "com até "+thousands(int64(f.KmMax))+" km")
	}
	return shorten(strings.Join(parts, " "), 190)
}

// rangeWords says a range: "de 2018 a 2021", "a partir de 2018", "até
// 2021", nothing when open.
func rangeWords(lo, hi int64, format func(int64) string) []string {
	switch {
	case lo != 0 && hi != 0:
		return []string{"de " + format(lo) + " a " + format(hi)}
	case lo != 0:
		return []string{"a partir de " + format(lo)}
	case hi != 0:
		return []string{"até " + format(hi)}
	}
	return nil
}

// savedSearchQuery is the query string (without "?") a saved search keeps
// of a search.
func savedSearchQuery(q *searchQuery) string {
	return strings.TrimPrefix(encodeOrdered(savedSearchValues(q)), "?")
}

// queryFields writes a query string as hidden inputs, so that a form posts
// a search's parameters.
func queryFields(query string) template.HTML {
	values, _ := url.ParseQuery(query)
	var b strings.Builder
	for _, k := range searchParams {
		if v := values.Get(k); v != "" {
			b.WriteString(`<input type="hidden" name="` + html.EscapeString(k) + `" value="` + html.EscapeString(v) + `">`)
		}
	}
	return template.HTML(b.String()) //nolint:gosec // every value is escaped
}
