package handlers

import (
	"regexp"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"motando/photo"
)

// Request body limits. Bodies are streamed: nothing past the first few
// kilobytes is read before a route's limit is checked against the declared
// length, so a large body to a route that takes small ones costs nothing.
const (
	// smallBody is what every route takes: forms of text.
	smallBody = 1 << 20
	// photoBody is one photo upload (POST /anuncios/fotos) with its
	// multipart envelope.
	photoBody = photo.MaxBytes + 1<<20
	// formBody is the ad form sent without JavaScript, photos included.
	formBody = 64 << 20
	// uploadsAtOnce is how many large bodies are read at a time; more wait
	// a moment, then get 503.
	uploadsAtOnce = 8
	// uploadWait is how long a large body waits for its turn.
	uploadWait = 5 * time.Second
)

// adFormPath is where the ad form is posted, new or edited.
var adFormPath = regexp.MustCompile(`^/anuncios/(novo|[0-9]+/editar)$`)

// bodyLimit answers 413 to a body larger than its route takes (411 to one
// of unknown length), and lets at most uploadsAtOnce large bodies be read
// at a time.
func (s *Server) bodyLimit(c *fiber.Ctx) error {
	h := &c.Request().Header
	length := h.ContentLength()
	if length == 0 || c.Method() == fiber.MethodGet || c.Method() == fiber.MethodHead {
		return c.Next()
	}
	limit := bodyLimitOf(c.Method(), c.Path())
	switch {
	case length < 0: // chunked: browsers always say the length of a form
		c.Set(fiber.HeaderConnection, "close")
		return fiber.NewError(fiber.StatusLengthRequired, "body of unknown length")
	case length > limit:
		c.Set(fiber.HeaderConnection, "close")
		return fiber.NewError(fiber.StatusRequestEntityTooLarge, "body of "+strconv.Itoa(length)+" bytes over "+strconv.Itoa(limit))
	case length <= smallBody:
		return c.Next()
	}
	timer := time.NewTimer(uploadWait)
	defer timer.Stop()
	select {
	case s.uploads <- struct{}{}:
		defer func() { <-s.uploads }()
		return c.Next()
	case <-timer.C:
		c.Set(fiber.HeaderRetryAfter, "10")
		c.Set(fiber.HeaderConnection, "close")
		return fiber.NewError(fiber.StatusServiceUnavailable, "too many uploads at once")
	}
}

// bodyLimitOf is the largest body a route takes.
func bodyLimitOf(method, path string) int {
	if method == fiber.MethodPost {
		switch {
		case path == "/anuncios/fotos":
			return photoBody
		case adFormPath.MatchString(path):
			return formBody
		}
	}
	return smallBody
}

// continueWithin answers a client that asks before sending its body
// (Expect: 100-continue): yes within the route's limit, no (417) past it,
// so that it learns before sending megabytes.
func continueWithin(h *fasthttp.RequestHeader) bool {
	return h.ContentLength() <= bodyLimitOf(string(h.Method()), string(h.RequestURI()[:pathEnd(h.RequestURI())]))
}

// pathEnd is where the path of a request URI ends (its query starts).
func pathEnd(uri []byte) int {
	for i, b := range uri {
		if b == '?' {
			return i
		}
	}
	return len(uri)
}
