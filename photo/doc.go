// Package photo turns uploaded photos into the site's published variants.
package photo

import (
	_ "golang.org/x/image/webp"
)
