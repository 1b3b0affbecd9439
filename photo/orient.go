package photo

import (
	"image"

	"motando/photo/internal/orientation"
)

// orient returns m transformed by EXIF orientation o (1–8) so that it
// displays upright; for 1 it returns m itself.
func orient(m *image.RGBA, o int) *image.RGBA {
	return orientation.Upright(m, o)
}
