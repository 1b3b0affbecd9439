package photo

import "encoding/binary"

// This file finds the EXIF orientation (tag 0x0112 of IFD0) of a photo.
// Everything here reads untrusted bytes: every index is bounds-checked, every
// loop moves strictly forward through a finite slice or is bounded by a
// 16-bit count, and nothing is allocated. Anything unexpected means "no
// orientation", that is 1.

// orientationOf returns the EXIF orientation (1–8) stored in data, a whole
// file of the given format, or 1 when there is none or it cannot be read.
func orientationOf(f Format, data []byte) int {
	var tiff []byte
	switch f {
	case JPEG:
		tiff = jpegExif(data)
	case PNG:
		tiff = pngExif(data)
	case WebP:
		tiff = webpExif(data)
	}
	return tiffOrientation(tiff)
}

// exifHeader starts the payload of a JPEG APP1 Exif segment.
const exifHeader = "Exif\x00\x00"

// jpegExif returns the TIFF structure inside the first APP1 "Exif" segment of
// a JPEG, or nil. It walks the marker segments from SOI and stops at the
// first SOS (metadata always comes before the image data), at EOI, or at
// anything that is not a marker.
func jpegExif(b []byte) []byte {
	if len(b) < 2 || b[0] != 0xFF || b[1] != 0xD8 {
		return nil
	}
	i := 2
	for i+2 <= len(b) {
		if b[i] != 0xFF {
			return nil
		}
		m := b[i+1]
		if step := jpegMarkerStep(m); step > 0 {
			i += step
			continue
		}
		if m == 0xD9 || m == 0xDA { // EOI, SOS
			return nil
		}
		start, end, ok := jpegSegment(b, i)
		if !ok {
			return nil
		}
		if tiff, ok := cutExifHeader(b[start:end]); m == 0xE1 && ok {
			return tiff
		}
		i = end
	}
	return nil
}

// jpegMarkerStep returns how far the walk moves past a marker without a
// segment: 1 for a fill byte (the marker starts one byte later), 2 for
// TEM, SOI and RSTn (no length); 0 for a marker with a segment.
func jpegMarkerStep(m byte) int {
	switch {
	case m == 0xFF:
		return 1
	case m == 0x01 || m == 0xD8 || (m >= 0xD0 && m <= 0xD7):
		return 2
	}
	return 0
}

// jpegSegment returns where the payload of the marker segment at i starts
// and ends; ok is false when its length is invalid or runs past the end.
func jpegSegment(b []byte, i int) (start, end int, ok bool) {
	if i+4 > len(b) {
		return 0, 0, false
	}
	n := int(b[i+2])<<8 | int(b[i+3]) // includes the two length bytes
	if n < 2 {
		return 0, 0, false
	}
	start, end = i+4, i+2+n
	return start, end, end <= len(b)
}

// cutExifHeader returns p without a leading exifHeader, and whether it
// had one.
func cutExifHeader(p []byte) ([]byte, bool) {
	if len(p) >= len(exifHeader) && string(p[:len(exifHeader)]) == exifHeader {
		return p[len(exifHeader):], true
	}
	return p, false
}

// pngExif returns the payload of the eXIf chunk of a PNG (a TIFF structure),
// or nil. The chunk must come before the image data to count.
func pngExif(b []byte) []byte {
	const sig = "\x89PNG\r\n\x1a\n"
	if len(b) < len(sig) || string(b[:len(sig)]) != sig {
		return nil
	}
	i := len(sig)
	for i+8 <= len(b) {
		n := binary.BigEndian.Uint32(b[i:])
		typ := string(b[i+4 : i+8])
		if uint64(n) > uint64(len(b)-(i+8)) {
			return nil
		}
		start := i + 8
		end := start + int(n)
		switch typ {
		case "eXIf":
			return b[start:end]
		case "IDAT", "IEND":
			return nil
		}
		i = end + 4 // skip the CRC
	}
	return nil
}

// webpExif returns the payload of the EXIF chunk of a WebP (a TIFF
// structure, sometimes wrongly preceded by "Exif\0\0", which is skipped), or
// nil.
func webpExif(b []byte) []byte {
	if len(b) < 12 || string(b[:4]) != "RIFF" || string(b[8:12]) != "WEBP" {
		return nil
	}
	i := 12
	for i+8 <= len(b) {
		n := binary.LittleEndian.Uint32(b[i+4:])
		if uint64(n) > uint64(len(b)-(i+8)) {
			return nil
		}
		start := i + 8
		end := start + int(n)
		if string(b[i:i+4]) == "EXIF" {
			p, _ := cutExifHeader(b[start:end])
			return p
		}
		i = end + int(n&1) // chunks are padded to an even size
	}
	return nil
}

// tiffOrientation reads the Orientation tag (0x0112) of IFD0 of a TIFF
// structure (the body of an EXIF block) and returns it if it is 1–8, else 1.
func tiffOrientation(t []byte) int {
	if len(t) < 8 {
		return 1
	}
	var bo binary.ByteOrder
	switch string(t[:4]) {
	case "II*\x00":
		bo = binary.LittleEndian
	case "MM\x00*":
		bo = binary.BigEndian
	default:
		return 1
	}
	off := uint64(bo.Uint32(t[4:]))
	if off < 8 || off+2 > uint64(len(t)) {
		return 1
	}
	count := int(bo.Uint16(t[off:]))
	entries := t[off+2:]
	for k := 0; k < count; k++ {
		if 12*k+12 > len(entries) {
			return 1
		}
		e := entries[12*k : 12*k+12]
		if bo.Uint16(e) != 0x0112 {
			continue
		}
		typ, n := bo.Uint16(e[2:]), bo.Uint32(e[4:])
		if n != 1 {
			return 1
		}
		var v uint32
		switch typ {
		case 3: // SHORT, the type the standard prescribes
			v = uint32(bo.Uint16(e[8:]))
		case 4: // LONG, written by a few tools
			v = bo.Uint32(e[8:])
		default:
			return 1
		}
		if v >= 1 && v <= 8 {
			return int(v)
		}
		return 1
	}
	return 1
}
