package handlers

import (
	"html"
	"html/template"
	"strconv"
	"strings"
)

// The cards and facet links of a results page are written here rather
// than with templates: html/template calls an escaper through reflection
// for every value, and a page of 24 cards and 60 facet links spent most of
// its time there.

// cardsHTML writes the <li> of each card, as in a list of results, each
// with its "Salvar" button (csrf is the page's token).
func cardsHTML(cards []adCard, csrf any) template.HTML {
	var b strings.Builder
	b.Grow(len(cards) * 512)
	for i := range cards {
		c := &cards[i]
		b.WriteString(`<li class="card">` + "\n" + `  <a href="`)
		b.WriteString(html.EscapeString(c.URL))
		b.WriteString(`">` + "\n    ")
		if c.Cover != "" {
			b.WriteString(`<img src="`)
			b.WriteString(html.EscapeString(c.Cover))
			b.WriteString(`" alt="`)
			b.WriteString(html.EscapeString(c.Title))
			b.WriteString(`" width="` + strconv.Itoa(c.CoverW) + `" height="` + strconv.Itoa(c.CoverH) + `" loading="lazy" decoding="async">`)
		} else {
			b.WriteString(`<div class="no-photo">Sem foto</div>`)
		}
		b.WriteString("\n" + `    <div class="body">` + "\n      <h3>")
		b.WriteString(html.EscapeString(c.Title))
		b.WriteString("</h3>\n" + `      <p class="meta">`)
		b.WriteString(html.EscapeString(c.Years + " · " + c.Km))
		b.WriteString("</p>\n" + `      <p class="meta">`)
		b.WriteString(html.EscapeString(c.Place))
		b.WriteString("</p>\n" + `      <p class="price">`)
		b.WriteString(html.EscapeString(c.Price))
		b.WriteString("</p>\n")
		if c.PriceDrop != "" {
			b.WriteString(`      <p class="drop">` + html.EscapeString(c.PriceDrop) + "</p>\n")
		}
		writeDeal(&b, c)
		b.WriteString("    </div>\n  </a>\n  ")
		b.WriteString(string(favoriteButtonHTML(c.ID, c.Title, c.Saved, csrf)))
		b.WriteString("\n</li>\n")
	}
	return template.HTML(b.String()) //nolint:gosec // every value is escaped above
}

// facetsHTML writes a <section> per facet with choices: its heading and a
// link per choice with the number of ads it leaves.
func facetsHTML(groups []facetGroup) template.HTML {
	var b strings.Builder
	for _, g := range groups {
		if len(g.Links) == 0 {
			continue
		}
		b.WriteString("<section>\n  <h3>")
		b.WriteString(html.EscapeString(g.Title))
		b.WriteString("</h3>\n  <ul>")
		for _, l := range g.Links {
			u := html.EscapeString(l.URL)
			b.WriteString(`<li><a href="` + u + `" hx-get="` + u + `" hx-target="#resultados" hx-push-url="true"`)
			if l.Active {
				b.WriteString(` aria-current="true"`)
			}
			b.WriteString(">")
			b.WriteString(html.EscapeString(l.Label))
			b.WriteString(`</a> <span class="n">` + thousands(l.Count) + "</span></li>")
		}
		b.WriteString("</ul>\n</section>\n")
	}
	return template.HTML(b.String()) //nolint:gosec // every value is escaped above
}
