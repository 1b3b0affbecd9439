package handlers

import (
	"html"
	"html/template"
	"strconv"
)

// favoriteButtonHTML writes the "Salvar" heart of an ad: a form that saves
// the ad (or, once saved, takes it out of the favourites) and, with htmx,
// swaps itself for the new state. Cards and the ad page share it.
func favoriteButtonHTML(adID uint64, title string, saved bool, csrf any) template.HTML {
	id := strconv.FormatUint(adID, 10)
	action := "/anuncio/" + id + "/favorito"
	value, label, text := "1", "Salvar "+title+" nos favoritos", "Salvar"
	if saved {
		value, label, text = "0", "Tirar "+title+" dos favoritos", "Salvo"
	}
	token, _ := csrf.(string)
	pressed := strconv.FormatBool(saved)
	return template.HTML(`<form class="fav" method="post" action="` + action + `" hx-post="` + action + `" hx-swap="outerHTML">` + //nolint:gosec // every value is escaped
		`<input type="hidden" name="csrf_token" value="` + html.EscapeString(token) + `">` +
		`<input type="hidden" name="salvar" value="` + value + `">` +
		`<input type="hidden" name="titulo" value="` + html.EscapeString(title) + `">` +
		`<button type="submit" class="fav-button" aria-pressed="` + pressed + `" aria-label="` + html.EscapeString(label) + `">` +
		`<svg aria-hidden="true" width="20" height="20" viewBox="0 0 24 24"><path d="M12 21s-7.5-4.6-9.6-9.2C1 8.6 3 5 6.6 5c2.1 0 3.6 1.2 4.4 2.5h2C13.8 6.2 15.3 5 17.4 5 21 5 23 8.6 21.6 11.8 19.5 16.4 12 21 12 21z"/></svg>` +
		`<span>` + text + `</span></button></form>`)
}
