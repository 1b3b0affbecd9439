// Package static holds the site's stylesheets, scripts and images, embedded in
// the binary and served under /static/ with fingerprinted names.
package static

import "embed"

// FS is the static file tree: css/, js/ (htmx vendored), img/ and vendor/
// (third-party libraries with their licences).
//
//go:embed css js img vendor
var FS embed.FS
