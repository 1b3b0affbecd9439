package photo

import (
	"errors"
	"fmt"
	"image/jpeg"
)

// Stable values of Error.Code. Callers may switch on them, store them and
// show them in logs; they never change meaning.
const (
	// CodeNotImage: the file is not a JPEG, PNG or WebP image, nor another
	// image type that we recognise (a text file renamed to .jpg, a PDF, …).
	CodeNotImage = "not_image"
	// CodeUnsupported: an image in a type or variant that is not accepted:
	// HEIC, AVIF, GIF, BMP, TIFF, JPEG XL, animated WebP, arithmetic-coded
	// or 12-bit JPEG and the like.
	CodeUnsupported = "unsupported"
	// CodeCorrupt: the file says it is a JPEG, PNG or WebP but its data is
	// damaged or incomplete (for example an upload cut short).
	CodeCorrupt = "corrupt"
	// CodeTooManyPixels: width × height is above MaxPixels.
	CodeTooManyPixels = "too_many_pixels"
	// CodeTooLarge: the file is bigger than MaxBytes.
	CodeTooLarge = "too_large"
)

// Error is a permanent problem with one photo: the same bytes will never
// work, so the photo should be rejected rather than retried. Code is one of
// the Code… constants; Message is a short sentence in Brazilian Portuguese
// that can be shown to the user as is; Err, when not nil, is the underlying
// cause (for logs).
//
// Failures to read the input (I/O errors) are never an *Error: they are
// returned wrapped with %w so that callers can retry them.
type Error struct {
	Code    string
	Message string
	Err     error
}

// Error implements the error interface, with the code and the cause for logs.
func (e *Error) Error() string {
	if e.Err != nil {
		return "photo: " + e.Code + ": " + e.Err.Error()
	}
	return "photo: " + e.Code + ": " + e.Message
}

// Unwrap returns the underlying cause, if any.
func (e *Error) Unwrap() error { return e.Err }

// IsPermanent reports whether err is (or wraps) an *Error, that is, a
// problem with the photo itself that retrying will not fix.
func IsPermanent(err error) bool {
	var pe *Error
	return errors.As(err, &pe)
}

var (
	msgNotImage        = "O arquivo não é uma imagem JPEG, PNG ou WebP."
	msgCorrupt         = "A imagem está corrompida ou incompleta."
	msgTooManyPixels   = fmt.Sprintf("A imagem tem pixels demais (máximo %d megapixels).", MaxPixels/1_000_000)
	msgTooLarge        = fmt.Sprintf("A foto passa de %d MB.", MaxBytes>>20)
	msgUnsupportedJPEG = "Este tipo de JPEG não é aceito. Salve a foto de novo como JPEG comum ou envie em PNG."
)

func errNotImage() error { return &Error{Code: CodeNotImage, Message: msgNotImage} }

func errTooLarge() error { return &Error{Code: CodeTooLarge, Message: msgTooLarge} }

func errTooManyPixels(w, h int) error {
	return &Error{Code: CodeTooManyPixels, Message: msgTooManyPixels,
		Err: fmt.Errorf("%dx%d is more than %d pixels", w, h, MaxPixels)}
}

func errCorrupt(err error) error {
	return &Error{Code: CodeCorrupt, Message: msgCorrupt, Err: err}
}

// errUnsupportedKind is the error for a recognised image type that is not
// accepted; kind names it for the user ("HEIC", "GIF", …).
func errUnsupportedKind(kind string) error {
	msg := "Imagens " + kind + " não são aceitas. Envie a foto em JPEG, PNG ou WebP."
	switch kind {
	case "HEIC":
		msg = "Fotos HEIC (formato padrão do iPhone) não são aceitas. Envie a foto em JPEG, PNG ou WebP."
	case "WebP animado":
		msg = "WebP animado não é aceito. Envie uma foto em JPEG, PNG ou WebP."
	}
	return &Error{Code: CodeUnsupported, Message: msg, Err: errors.New(kind + " is not supported")}
}

// decodeError classifies an error returned by a decoder that read from an
// in-memory buffer. Such an error can only come from the data itself (there
// is no I/O involved), so io.ErrUnexpectedEOF and friends mean "truncated".
func decodeError(err error) error {
	// jpeg.UnsupportedError is a real JPEG variant that Go cannot decode
	// (arithmetic coding, 12-bit samples, lossless, odd subsampling).
	// png.UnsupportedError is only raised for values that the PNG
	// specification forbids, so it falls through to "corrupt".
	var ju jpeg.UnsupportedError
	if errors.As(err, &ju) {
		return &Error{Code: CodeUnsupported, Message: msgUnsupportedJPEG, Err: err}
	}
	return errCorrupt(err)
}
