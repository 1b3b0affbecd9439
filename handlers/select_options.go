package handlers

import (
	"html"
	"html/template"
	"strconv"
	"strings"

	"motando/models"
)

// The select lists (hundreds of cities, dozens of models) are written here
// rather than with a template range: evaluating a comparison per option
// through reflection made a search page with a state's cities cost
// milliseconds.

// optionsHTML writes <option> elements, marking the selected value.
func optionsHTML(n int, value func(int) string, label func(int) string, selected string) template.HTML {
	var b strings.Builder
	b.Grow(n * 48)
	for i := range n {
		v := value(i)
		b.WriteString(`<option value="`)
		b.WriteString(html.EscapeString(v))
		if v == selected && selected != "" {
			b.WriteString(`" selected>`)
		} else {
			b.WriteString(`">`)
		}
		b.WriteString(html.EscapeString(label(i)))
		b.WriteString("</option>\n")
	}
	return template.HTML(b.String()) //nolint:gosec // every value and label is escaped above
}

func id32(n uint32) string { return strconv.FormatUint(uint64(n), 10) }

func cityOptions(cities []models.City, selected string) template.HTML {
	return optionsHTML(len(cities), func(i int) string { return id32(cities[i].ID) }, func(i int) string { return cities[i].Name }, selected)
}

func stateOptions(states []models.State, selected string) template.HTML {
	return optionsHTML(len(states), func(i int) string { return states[i].Acronym }, func(i int) string { return states[i].Name }, selected)
}

func brandOptions(brands []models.Brand, selected string) template.HTML {
	return optionsHTML(len(brands), func(i int) string { return id32(brands[i].ID) }, func(i int) string { return brands[i].Name }, selected)
}

func modelOptions(ms []models.Model, selected string) template.HTML {
	return optionsHTML(len(ms), func(i int) string { return id32(ms[i].ID) }, func(i int) string { return ms[i].Name }, selected)
}

func versionOptions(vs []models.Version, selected string) template.HTML {
	return optionsHTML(len(vs), func(i int) string { return id32(vs[i].ID) }, func(i int) string { return vs[i].Name }, selected)
}

func choiceOptions(cs []models.Choice, selected string) template.HTML {
	return optionsHTML(len(cs), func(i int) string { return cs[i].Value }, func(i int) string { return cs[i].Label }, selected)
}
