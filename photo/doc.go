// Package photo checks uploaded motorcycle photos and turns them into the
// site's published variants.
//
// At upload time, Inspect reads only the headers of a file: it tells the
// format (from the magic numbers, never from the name) and the stored size,
// and rejects what is not a JPEG, PNG or WebP and images over MaxPixels,
// without decoding any pixel.
//
// In the worker, Process reads the whole file (at most MaxBytes), decodes it,
// turns it upright according to its EXIF orientation, flattens transparency
// on white and returns two JPEG variants, "large" (within 1600×1600) and
// "thumb" (480 px wide), which carry no metadata at all: the GPS position and
// everything else that a phone writes into a photo is dropped.
//
// Problems with a photo itself are returned as *Error, whose Code is stable
// and whose Message is a sentence in Brazilian Portuguese for the user; they
// are permanent. Errors reading the input are returned wrapped instead, and
// may be retried. IsPermanent tells them apart.
package photo
