package handlers

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"motando/storage"
)

// A form sent after its session ended is kept as a draft: its values go to
// the temporary bucket (shared by every web process and swept like the
// photos) under a random key, and the sign-in page brings the person back
// to the same form, refilled. The key travels in the address (parameter
// rascunho) and is stored only as its HMAC; the draft also needs the
// browser's own draft cookie, so a key seen by someone else opens nothing.
const (
	draftParam  = "rascunho"
	draftCookie = "motando_rascunho"
	draftTTL    = time.Hour
	// draftMaxBytes bounds the values one draft keeps.
	draftMaxBytes = 32 << 10
	// maxDraftsPerWindow bounds the drafts one address keeps within the
	// limiter's window.
	maxDraftsPerWindow = 30
)

// draftRoutes are the forms whose values survive a new sign-in: the ad
// form (new and edit), the reply in a conversation, and saving an ad or a
// search (which an anonymous visitor does after signing in).
var draftRoutes = regexp.MustCompile(`^/(anuncios/novo|anuncios/[0-9]{1,19}/editar|mensagens/[0-9]{1,19}|anuncio/[0-9]{1,19}/favorito|buscas-salvas)$`)

// draft is a kept form.
type draft struct {
	Path    string              `json:"path"`
	Browser string              `json:"browser"`
	Expires time.Time           `json:"expires"`
	Values  map[string][]string `json:"values"`
}

// first is a draft field's first value.
func (d *draft) first(name string) string {
	if vs := d.Values[name]; len(vs) > 0 {
		return vs[0]
	}
	return ""
}

// keepDraft stores the posted form's values (never its files or its CSRF
// token) and returns the key that brings them back; "" when the address
// has kept too many drafts lately.
func (s *Server) keepDraft(c *fiber.Ctx) (string, error) {
	ctx := c.UserContext()
	n, err := s.limits.Add(ctx, "draft:addr:"+c.IP())
	if err != nil {
		return "", fmt.Errorf("count drafts: %w", err)
	}
	if n > maxDraftsPerWindow {
		return "", nil
	}
	d := draft{Path: strings.Clone(c.Path()), Browser: s.draftBrowser(c), Expires: time.Now().Add(draftTTL), Values: postedValues(c)}
	if _, ok := d.Values["volta"]; !ok {
		if from := refererPath(c); from != "" {
			d.Values["volta"] = []string{from} // the page to go back to once done
		}
	}
	body, err := json.Marshal(d)
	if err != nil {
		return "", fmt.Errorf("encode draft: %w", err)
	}
	key := randomKey()
	if err := s.store.Put(ctx, storage.Temp, s.draftObject(key), bytes.NewReader(body), int64(len(body)), "application/json"); err != nil {
		return "", fmt.Errorf("keep draft: %w", err)
	}
	return key, nil
}

// postedValues copies the body's text fields, within draftMaxBytes.
func postedValues(c *fiber.Ctx) map[string][]string {
	out := map[string][]string{}
	size := 0
	add := func(k, v string) {
		if k == "csrf_token" || size+len(k)+len(v) > draftMaxBytes {
			return
		}
		size += len(k) + len(v)
		out[strings.Clone(k)] = append(out[k], strings.Clone(v))
	}
	if mf, err := c.MultipartForm(); err == nil {
		for k, vs := range mf.Value {
			for _, v := range vs {
				add(k, v)
			}
		}
		return out
	}
	c.Request().PostArgs().VisitAll(func(k, v []byte) { add(string(k), string(v)) })
	return out
}

// loadDraft returns the draft named by the address for the form at path,
// or nil when there is none for this browser: unknown, expired, another
// form's or another browser's.
func (s *Server) loadDraft(c *fiber.Ctx, path string) (*draft, error) {
	key := c.Query(draftParam)
	if key == "" || len(key) > 64 {
		return nil, nil
	}
	rc, _, err := s.store.Get(c.UserContext(), storage.Temp, s.draftObject(key))
	if errors.Is(err, storage.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read draft: %w", err)
	}
	defer rc.Close()
	var d draft
	if err := json.NewDecoder(io.LimitReader(rc, 2*draftMaxBytes)).Decode(&d); err != nil {
		return nil, nil
	}
	browser := c.Cookies(s.cookieName(draftCookie))
	if browser == "" || !hmac.Equal([]byte(d.Browser), []byte(s.draftHash("draft-browser:"+browser))) ||
		d.Path != path || time.Now().After(d.Expires) {
		return nil, nil
	}
	return &d, nil
}

// draftBrowser returns the hash the draft keeps of this browser's draft
// cookie, setting the cookie when the browser has none.
func (s *Server) draftBrowser(c *fiber.Ctx) string {
	v := c.Cookies(s.cookieName(draftCookie))
	if raw, err := base64.RawURLEncoding.DecodeString(v); err != nil || len(raw) != 32 {
		v = randomKey()
	}
	c.Cookie(&fiber.Cookie{Name: s.cookieName(draftCookie), Value: v, Path: "/", HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode,
		Secure: s.production, Expires: time.Now().Add(draftTTL)})
	return s.draftHash("draft-browser:" + v)
}

// draftObject is where the draft with this key is kept.
func (s *Server) draftObject(key string) string {
	return "drafts/" + s.draftHash("draft:"+key) + ".json"
}

func (s *Server) draftHash(v string) string {
	m := hmac.New(sha256.New, s.secret)
	m.Write([]byte(v))
	return hex.EncodeToString(m.Sum(nil))
}

// randomKey is 32 random bytes, URL-safe.
func randomKey() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// staleSessionToken reports whether given is the CSRF token of the session
// this browser has just lost, on a form kept as a draft. Such a request is
// never acted on: without a session it can only be kept for after the
// sign-in.
func (s *Server) staleSessionToken(c *fiber.Ctx, given string) bool {
	stale, ok := c.Locals(localStaleSession).(string)
	return ok && c.Method() == fiber.MethodPost && draftRoutes.MatchString(c.Path()) &&
		hmac.Equal([]byte(given), []byte(s.csrfToken("session:"+stale)))
}

// draftNotice is what the sign-in page says when next brings back a draft.
func draftNotice(next string) string {
	if !strings.Contains(next, draftParam+"=") {
		return ""
	}
	switch {
	case strings.HasSuffix(next[:strings.IndexByte(next, '?')], "/favorito"):
		return "Entre na sua conta para salvar este anúncio. Ele fica nos seus favoritos assim que você entrar."
	case strings.HasPrefix(next, "/buscas-salvas?"):
		return "Entre na sua conta para salvar esta busca. Ela fica salva assim que você entrar."
	case strings.HasPrefix(next, "/mensagens/"):
		return "Sua sessão expirou. Entre de novo para enviar a resposta — o que você escreveu foi guardado."
	case strings.Contains(next, "/editar"):
		return "Sua sessão expirou. Entre de novo para salvar — o que você preencheu foi guardado."
	}
	return "Sua sessão expirou. Entre de novo para publicar — o que você preencheu foi guardado."
}
