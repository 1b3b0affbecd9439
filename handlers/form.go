package handlers

import (
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"
)

// form carries a submitted form's values back to its template, with a
// pt-BR message per invalid field. Passwords are never put in Values.
type form struct {
	Values map[string]string
	Errors map[string]string
}

func newForm() *form { return &form{Values: map[string]string{}, Errors: map[string]string{}} }

// text reads a trimmed field, copied (Fiber's strings die with the request),
// keeps it for the template and checks its length in characters.
func (f *form) text(c *fiber.Ctx, name string, maxLen int) string {
	v := strings.Clone(strings.TrimSpace(c.FormValue(name)))
	v = strings.ToValidUTF8(strings.ReplaceAll(v, "\x00", ""), "")
	f.Values[name] = v
	if utf8.RuneCountInString(v) > maxLen {
		f.fail(name, "Use no máximo "+itoa(maxLen)+" caracteres.")
	}
	return v
}

// secret reads a password field without keeping it.
func (f *form) secret(c *fiber.Ctx, name string) string {
	return strings.Clone(c.FormValue(name))
}

// checked reads a checkbox.
func (f *form) checked(c *fiber.Ctx, name string) bool {
	v := c.FormValue(name)
	on := v == "on" || v == "1" || v == "true" || v == "sim"
	if on {
		f.Values[name] = "on"
	}
	return on
}

// fail records the first problem of a field.
func (f *form) fail(name, msg string) {
	if _, ok := f.Errors[name]; !ok {
		f.Errors[name] = msg
	}
}

// required fails an empty field.
func (f *form) required(name, msg string) {
	if f.Values[name] == "" {
		f.fail(name, msg)
	}
}

func (f *form) valid() bool { return len(f.Errors) == 0 }

func itoa(n int) string { return thousands(int64(n)) }
