package handlers

import (
	"fmt"
	"html/template"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
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
		"facetsHTML":     facetsHTML,
		"money":          money,
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
func thousands(n int64) string {
	neg := n < 0
	if neg {
		n = -n
	}
	digits := strconv.FormatInt(n, 10)
	var b strings.Builder
	for i, d := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(d)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// money formats an amount in cents as "R$ 12.345,67".
func money(cents int64) string {
	return "R$ " + thousands(cents/100) + "," + strconv.FormatInt(100+cents%100, 10)[1:]
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
