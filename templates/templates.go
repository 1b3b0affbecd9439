// Package templates holds the html/template files, embedded in the binary:
// layouts/ (the page frame), pages/ (whole pages) and partials/ (fragments
// that htmx swaps in, also used inside pages).
package templates

import "embed"

// FS is the template tree.
//
//go:embed layouts pages partials
var FS embed.FS
