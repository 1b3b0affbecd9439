package handlers

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"motando/models"
	"motando/models/modelstest"
	"motando/ratelimit"
	"motando/search"
	"motando/session"
	"motando/storage"
	"motando/worker"
)

// TestMain runs the tests logging warnings and errors only
// (MOTANDO_TEST_LOG=debug shows every line).
func TestMain(m *testing.M) { modelstest.Main(m) }

// newTestApp builds the web application over db; opts adjust its Config.
func newTestApp(t testing.TB, db *models.DB, opts ...func(*Config)) *fiber.App {
	t.Helper()
	ctx := context.Background()
	places, err := models.LoadPlaces(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	catalog, err := models.LoadCatalog(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	store, err := storage.NewLocal(t.TempDir(), "/media/")
	if err != nil {
		t.Fatal(err)
	}
	// The search index follows the database as in production: loaded now,
	// then told of every change the models (and the tests) announce.
	index := search.New()
	syncer := &search.Syncer{Index: index, Source: db}
	db.OnAdsChanged(func(ctx context.Context, ids []uint64) {
		if err := syncer.Refresh(ctx, ids); err != nil {
			t.Errorf("search index: %v", err)
		}
	})
	if err := syncer.Load(ctx); err != nil {
		t.Fatal(err)
	}
	cfg := Config{
		DB: db, Places: places, Catalog: catalog, Search: index, BaseURL: "http://motando.test", Store: store,
		Sessions: session.NewDBStore(db, session.DefaultLifetimes),
		Secret:   []byte("test-secret-test-secret-test-secret!"),
		Limits:   ratelimit.NewMemory(15 * time.Minute),
		Queue:    worker.NewMemoryQueue(),
	}
	for _, o := range opts {
		o(&cfg)
	}
	app, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return app
}

// get performs a GET without cookies and returns the status and body.
func get(t *testing.T, app *fiber.App, target string, headers ...string) (int, string) {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := app.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func mustContain(t *testing.T, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Errorf("body lacks %q", w)
		}
	}
}

// browser is a test client with its own cookies and the CSRF token of the
// last page it loaded, like a real browser tab.
type browser struct {
	t    *testing.T
	app  *fiber.App
	jar  *cookiejar.Jar
	csrf string
	last *http.Response
	ua   string // its User-Agent; a phone's when empty
}

var (
	siteURL, _ = url.Parse("http://motando.test/")
	csrfMeta   = regexp.MustCompile(`<meta name="csrf-token" content="([^"]+)">`)
)

// userAgent is the browser's: a phone's, or the one the test gave it.
func (b *browser) userAgent() string {
	if b.ua != "" {
		return b.ua
	}
	return "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/131.0 Mobile Safari/537.36"
}

func newBrowser(t *testing.T, app *fiber.App) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, app: app, jar: jar}
}

func (b *browser) do(req *http.Request) (int, string) {
	b.t.Helper()
	if req.Header.Get("User-Agent") == "" {
		req.Header.Set("User-Agent", b.userAgent())
	}
	for _, c := range b.jar.Cookies(siteURL) {
		req.AddCookie(c)
	}
	resp, err := b.app.Test(req, -1)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	b.jar.SetCookies(siteURL, resp.Cookies())
	body, _ := io.ReadAll(resp.Body)
	if m := csrfMeta.FindStringSubmatch(string(body)); m != nil {
		b.csrf = m[1]
	}
	b.last = resp
	if sessionChanged(resp) {
		// A real browser follows the redirect and gets the token of its
		// new session (tokens are bound to it) on the next page.
		b.refreshToken()
		b.last = resp
	}
	return resp.StatusCode, string(body)
}

// sessionChanged reports whether the answer started or ended a session.
func sessionChanged(resp *http.Response) bool {
	for _, c := range resp.Cookies() {
		if c.Name == sessionCookie {
			return true
		}
	}
	return false
}

// refreshToken loads a page for its CSRF token (as htmx would, which
// leaves the flash message for the next page).
func (b *browser) refreshToken() {
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.Header.Set("HX-Request", "true")
	for _, c := range b.jar.Cookies(siteURL) {
		req.AddCookie(c)
	}
	resp, err := b.app.Test(req, -1)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	b.jar.SetCookies(siteURL, resp.Cookies())
	body, _ := io.ReadAll(resp.Body)
	if m := csrfMeta.FindStringSubmatch(string(body)); m != nil {
		b.csrf = m[1]
	}
}

// get loads a page.
func (b *browser) get(target string) (int, string) {
	return b.do(httptest.NewRequest(http.MethodGet, target, nil))
}

// post submits a form with the page's CSRF token.
func (b *browser) post(target string, form url.Values) (int, string) {
	if form == nil {
		form = url.Values{}
	}
	if form.Get("csrf_token") == "" && b.csrf != "" {
		form.Set("csrf_token", b.csrf)
	}
	return b.postRaw(target, form)
}

// postRaw submits a form as given, without adding a token.
func (b *browser) postRaw(target string, form url.Values) (int, string) {
	return b.do(newFormRequest(target, form))
}

func newFormRequest(target string, form url.Values) *http.Request {
	req := httptest.NewRequest(http.MethodPost, target, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return req
}

// location is where the last answer redirected to.
func (b *browser) location() string { return b.last.Header.Get("Location") }

// cookie returns the last Set-Cookie header for name.
func (b *browser) setCookie(name string) string {
	for _, h := range b.last.Header.Values("Set-Cookie") {
		if strings.HasPrefix(h, name+"=") {
			return h
		}
	}
	return ""
}

// postMultipart submits a multipart form with files (field → file bodies),
// with the page's CSRF token.
func (b *browser) postMultipart(target string, fields url.Values, files map[string][][]byte) (int, string) {
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	if fields.Get("csrf_token") == "" {
		w.WriteField("csrf_token", b.csrf)
	}
	for k, vs := range fields {
		for _, v := range vs {
			w.WriteField(k, v)
		}
	}
	for field, bodies := range files {
		for i, data := range bodies {
			fw, _ := w.CreateFormFile(field, fmt.Sprintf("foto-%d.jpg", i))
			fw.Write(data)
		}
	}
	w.Close()
	req := httptest.NewRequest(http.MethodPost, target, &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return b.do(req)
}

// testJPEG is a small photo-like JPEG.
func testJPEG(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(x * 255 / w), 100, uint8(y * 255 / h), 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// logBuffer collects log lines, safe for the server's goroutines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// captureLogs sends every log line of the test, at every level (the
// package's tests otherwise log warnings and errors only), to the returned
// buffer.
func captureLogs(t *testing.T) *logBuffer {
	l := &logBuffer{}
	modelstest.CaptureLogs(t, l)
	return l
}
