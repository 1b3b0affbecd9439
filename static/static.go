// Package static holds the site's stylesheets, scripts and images, embedded in
// the binary and served under /static/ with fingerprinted names.
package static

import "embed"

// FS is the static file tree: css/, js/ (htmx vendored) and img/.
//
//go:embed css js img
var FS embed.FS
