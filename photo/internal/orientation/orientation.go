// Package orientation turns images through EXIF orientations: from the
// pixels a camera stores to the upright image, and back.
package orientation

import "image"

// Upright returns m, stored with EXIF orientation o (1–8), transformed so
// that it displays upright; for other values it returns m itself.
func Upright(m *image.RGBA, o int) *image.RGBA {
	if o < 2 || o > 8 {
		return m
	}
	return reorient(m, o, false)
}

// Stored returns the pixels a camera stores for the upright image m when it
// records EXIF orientation o (2–8): Upright turns them back into m. For
// other values it returns m itself.
func Stored(m *image.RGBA, o int) *image.RGBA {
	if o < 2 || o > 8 {
		return m
	}
	return reorient(m, o, true)
}

// reorient copies m into a new image through orientation o (2–8): from the
// stored pixels to the upright image, or, with toStored, back.
func reorient(m *image.RGBA, o int, toStored bool) *image.RGBA {
	w, h := m.Rect.Dx(), m.Rect.Dy()
	if o >= 5 {
		w, h = h, w
	}
	d := image.NewRGBA(image.Rect(0, 0, w, h))
	upright, stored := d, m
	if toStored {
		upright, stored = m, d
	}
	at := shownAt(o, stored.Rect.Dx(), stored.Rect.Dy())
	// Along a row of the upright image the stored pixel moves by a
	// constant step.
	x0, y0 := at(0, 0)
	x1, y1 := at(1, 0)
	step := (y1-y0)*stored.Stride + 4*(x1-x0)
	uw := upright.Rect.Dx()
	for y := range upright.Rect.Dy() {
		sx, sy := at(0, y)
		i := sy*stored.Stride + 4*sx
		row := upright.Pix[y*upright.Stride : y*upright.Stride+4*uw]
		for x := 0; x < len(row); x += 4 {
			if toStored {
				copy(stored.Pix[i:i+4], row[x:x+4])
			} else {
				copy(row[x:x+4], stored.Pix[i:i+4])
			}
			i += step
		}
	}
	return d
}

// shownAt returns, for EXIF orientation o (2–8) and a stored image of sw×sh
// pixels, the stored pixel that a viewer shows at (x, y) of the upright
// image: the standard TIFF meaning of the tag.
func shownAt(o, sw, sh int) func(x, y int) (sx, sy int) {
	return func(x, y int) (int, int) {
		switch o {
		case 2: // mirrored horizontally
			return sw - 1 - x, y
		case 3: // rotated 180°
			return sw - 1 - x, sh - 1 - y
		case 4: // mirrored vertically
			return x, sh - 1 - y
		case 5: // transposed
			return y, x
		case 6: // needs a 90° clockwise turn
			return y, sh - 1 - x
		case 7: // transversed
			return sw - 1 - y, sh - 1 - x
		default: // 8: needs a 90° counter-clockwise turn
			return sw - 1 - y, x
		}
	}
}
