// Package phototest makes photos the way phones store them, for the demo
// data and tests: sideways pixels with an EXIF orientation, and a GPS
// position in the EXIF — what the photo pipeline must turn upright and
// strip.
package phototest

import (
	"encoding/binary"
	"image"
	"math"

	"motando/photo/internal/orientation"
)

// exifHeader starts the payload of a JPEG APP1 Exif segment.
const exifHeader = "Exif\x00\x00"

// Stored returns the pixels a camera stores for the upright image m when it
// records EXIF orientation o (2–8): photo.Process turns them back into m.
// For other values it returns m itself. With AddExif it makes sideways demo
// and test photos.
func Stored(m *image.RGBA, o int) *image.RGBA {
	return orientation.Stored(m, o)
}

// GPS is a position to write into a photo's EXIF, in decimal degrees
// (negative south and west).
type GPS struct {
	Lat, Lon float64
}

// AddExif returns a copy of a JPEG with an APP1 Exif segment right after its
// start marker, carrying the orientation (1–8) and, when gps is not nil, a
// GPS position — what a phone writes. The demo photos use it so that the
// worker's orientation and metadata stripping are exercised.
func AddExif(jpg []byte, orientation int, gps *GPS) []byte {
	le := binary.LittleEndian
	entry := func(b []byte, tag, typ uint16, count, value uint32) {
		le.PutUint16(b, tag)
		le.PutUint16(b[2:], typ)
		le.PutUint32(b[4:], count)
		le.PutUint32(b[8:], value)
	}
	const ifd0Start = 8
	n0 := 1
	if gps != nil {
		n0 = 2
	}
	ifd0 := make([]byte, 2+12*n0+4)
	le.PutUint16(ifd0, uint16(n0))
	entry(ifd0[2:], 0x0112, 3, 1, uint32(orientation)) // Orientation, SHORT (value in the low half)
	tiff := append([]byte("II*\x00\x08\x00\x00\x00"), ifd0...)
	if gps != nil {
		gpsStart := uint32(ifd0Start + len(ifd0))
		entry(ifd0[14:], 0x8825, 4, 1, gpsStart) // GPSInfo IFD pointer
		tiff = append([]byte("II*\x00\x08\x00\x00\x00"), ifd0...)
		gifd := make([]byte, 2+12*4+4)
		le.PutUint16(gifd, 4)
		dataStart := gpsStart + uint32(len(gifd))
		latRef, lonRef := "N", "E"
		if gps.Lat < 0 {
			latRef = "S"
		}
		if gps.Lon < 0 {
			lonRef = "W"
		}
		entry(gifd[2:], 0x0001, 2, 2, uint32(latRef[0]))  // GPSLatitudeRef, ASCII "N\0"
		entry(gifd[14:], 0x0002, 5, 3, dataStart)         // GPSLatitude, 3 RATIONAL
		entry(gifd[26:], 0x0003, 2, 2, uint32(lonRef[0])) // GPSLongitudeRef
		entry(gifd[38:], 0x0004, 5, 3, dataStart+24)      // GPSLongitude
		tiff = append(tiff, gifd...)
		for _, deg := range []float64{math.Abs(gps.Lat), math.Abs(gps.Lon)} {
			d := math.Floor(deg)
			m := math.Floor((deg - d) * 60)
			sec := ((deg-d)*60 - m) * 60
			for _, r := range [][2]uint32{{uint32(d), 1}, {uint32(m), 1}, {uint32(math.Round(sec * 100)), 100}} {
				tiff = le.AppendUint32(tiff, r[0])
				tiff = le.AppendUint32(tiff, r[1])
			}
		}
	}
	payload := append([]byte(exifHeader), tiff...)
	seg := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(payload)+2))
	out := make([]byte, 0, len(jpg)+len(seg)+len(payload))
	out = append(out, jpg[:2]...)
	out = append(out, seg...)
	out = append(out, payload...)
	return append(out, jpg[2:]...)
}
