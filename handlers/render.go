package handlers

import (
	"fmt"
	"html/template"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"motando/models"
)

// isPartial tells whether htmx asked for a fragment: HX-Request is set and
// this is not a history restore (which needs the whole page).
func isPartial(c *fiber.Ctx) bool {
	return c.Get("HX-Request") == "true" && c.Get("HX-History-Restore-Request") != "true"
}

// render writes a template with the common page values added to data.
// Every answer varies on HX-Request, since one URL serves a page or a partial.
func (s *Server) render(c *fiber.Ctx, status int, name string, data fiber.Map) error {
	if data == nil {
		data = fiber.Map{}
	}
	data["Path"] = c.Path()
	data["Production"] = s.production
	data["User"] = currentUser(c)
	data["CSRF"] = c.Locals(localCSRF)
	if _, ok := data["Flash"]; !ok && !isPartial(c) {
		data["Flash"] = s.takeFlash(c)
	}
	c.Vary("HX-Request")
	c.Status(status)
	return c.Render(name, data)
}

var brasilia = func() *time.Location {
	loc, err := time.LoadLocation("America/Sao_Paulo")
	if err != nil {
		return time.FixedZone("BRT", -3*60*60)
	}
	return loc
}()

func (s *Server) templateFuncs() template.FuncMap {
	return template.FuncMap{
		"asset":          s.assets.url,
		"thousands":      thousands,
		"cardsHTML":      cardsHTML,
		"favoriteButton": favoriteButtonHTML,
		"queryFields":    queryFields,
		"facetsHTML":     facetsHTML,
		"money":          money,
		"plural":         pluralAny,
		"shorten":        shorten,
		"km":             func(n int) string { return thousands(int64(n)) + " km" },
		"localTime":      func(t time.Time) string { return t.In(brasilia).Format("02/01/2006 15:04") },
		"localDate":      func(t time.Time) string { return t.In(brasilia).Format("02/01/2006") },
		"phone":          formatPhone,
		"dict":           dict,
		"add":            func(a, b int) int { return a + b },
		"cityOptions":    cityOptions,
		"stateOptions":   stateOptions,
		"brandOptions":   brandOptions,
		"modelOptions":   modelOptions,
		"versionOptions": versionOptions,
		"choiceOptions":  choiceOptions,
	}
}

// localTime writes a time in Brasília's time: 27/11/2026 14:05.
func localTime(t time.Time) string { return t.In(brasilia).Format("02/01/2006 15:04") }

// thousands formats an integer the Brazilian way: 12.345.
func thousands(n int64) string { return models.Thousands(n) }

// money formats an amount in centavos as Brazilians write prices.
func money(cents int64) string { return models.Money(cents).String() }

// plural writes a count with its noun: "1 anúncio", "1.200 anúncios".
func plural(n int64, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return thousands(n) + " " + many
}

// pluralAny is plural for templates, whose counts come as any integer type.
func pluralAny(n any, one, many string) (string, error) {
	switch v := n.(type) {
	case int:
		return plural(int64(v), one, many), nil
	case int64:
		return plural(v, one, many), nil
	case uint64:
		return plural(int64(v), one, many), nil
	}
	return "", fmt.Errorf("plural: %T is not a count", n)
}

// duration writes a span of time the Brazilian way, to the minute past
// an hour: "45 s", "2 min", "1 h 5 min", "3 dias".
func duration(d time.Duration) string {
	d = d.Round(time.Second)
	switch {
	case d < time.Minute:
		return strconv.Itoa(int(d.Seconds())) + " s"
	case d < time.Hour:
		return strconv.Itoa(int(d.Minutes())) + " min"
	case d < 48*time.Hour:
		h, m := int(d.Hours()), int(d.Minutes())%60
		if m == 0 {
			return strconv.Itoa(h) + " h"
		}
		return strconv.Itoa(h) + " h " + strconv.Itoa(m) + " min"
	}
	return strconv.Itoa(int(d.Hours()/24)) + " dias"
}

// shorten cuts s to at most n characters, ending a cut text with "…".
func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n-1])) + "…"
}

// dict builds a map from key/value pairs, to pass several values to a
// partial template.
func dict(pairs ...any) (map[string]any, error) {
	if len(pairs)%2 != 0 {
		return nil, fmt.Errorf("dict: odd number of arguments")
	}
	m := make(map[string]any, len(pairs)/2)
	for i := 0; i < len(pairs); i += 2 {
		k, ok := pairs[i].(string)
		if !ok {
			return nil, fmt.Errorf("dict: key %v is not a string", pairs[i])
		}
		m[k] = pairs[i+1]
	}
	return m, nil
}
