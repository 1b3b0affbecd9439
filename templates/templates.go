// Package templates holds the template files, embedded in the binary:
// layouts/ (the page frame), pages/ (whole pages) and partials/ (fragments
// that htmx swaps in, also used inside pages) for html/template, and email/
// (the e-mails' texts) for text/template.
package templates

import (
	"bytes"
	"embed"
	"fmt"
	"strings"
	"sync"
	"text/template"
)

// FS is the template tree.
//
//go:embed layouts pages partials email
var FS embed.FS

// mails are the e-mail templates, parsed once.
var mails = sync.OnceValues(func() (*template.Template, error) {
	return template.New("email").Option("missingkey=error").ParseFS(FS, "email/*.txt")
})

// Mail writes the e-mail of email/<name>.txt with data. The template's
// first line is "Assunto: " and the subject; the body follows a blank line.
func Mail(name string, data any) (subject, body string, err error) {
	t, err := mails()
	if err != nil {
		return "", "", fmt.Errorf("parse e-mail templates: %w", err)
	}
	var b bytes.Buffer
	if err := t.ExecuteTemplate(&b, name+".txt", data); err != nil {
		return "", "", fmt.Errorf("write e-mail %s: %w", name, err)
	}
	head, rest, _ := strings.Cut(b.String(), "\n")
	subject, ok := strings.CutPrefix(head, "Assunto: ")
	if !ok {
		return "", "", fmt.Errorf("e-mail %s: the first line is not its subject", name)
	}
	return strings.TrimSpace(subject), strings.TrimLeft(rest, "\n"), nil
}
