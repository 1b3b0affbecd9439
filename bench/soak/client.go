package soak

import (
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"sync"
	"time"
)

// client is a visitor of the site: cookies, the CSRF token of the last page
// read, and the tally of what the site answered.
type client struct {
	base     string
	http     *http.Client
	csrf     string
	tally    *tally
	location string // where the last answer redirected to
}

var csrfMeta = regexp.MustCompile(`<meta name="csrf-token" content="([^"]+)">`)

func newClient(base string, t *tally) *client {
	jar, _ := cookiejar.New(nil)
	return &client{base: base, tally: t, http: &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// do sends a request and reads the answer, counting it.
func (c *client) do(req *http.Request) (int, string, error) {
	start := time.Now()
	resp, err := c.http.Do(req)
	if err != nil {
		c.tally.add(0, time.Since(start))
		return 0, "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	c.tally.add(resp.StatusCode, time.Since(start))
	c.location = resp.Header.Get("Location")
	if m := csrfMeta.FindSubmatch(body); m != nil {
		c.csrf = string(m[1])
	}
	return resp.StatusCode, string(body), err
}

func (c *client) get(path string) (int, string, error) {
	req, _ := http.NewRequest(http.MethodGet, c.base+path, nil)
	return c.do(req)
}

// redirectedTo tells whether the last answer was a 303 to path: a form
// accepted (a 303 to /entrar means the session is gone).
func (c *client) redirectedTo(status int, path string) bool {
	return status == http.StatusSeeOther && c.location == path
}

func (c *client) post(path string, form url.Values) (int, string, error) {
	form.Set("csrf_token", c.csrf)
	req, _ := http.NewRequest(http.MethodPost, c.base+path, bytes.NewReader([]byte(form.Encode())))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}

func (c *client) upload(path, field string, data []byte) (int, string, error) {
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	fw, _ := w.CreateFormFile(field, "foto.jpg")
	fw.Write(data)
	w.Close()
	req, _ := http.NewRequest(http.MethodPost, c.base+path, &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("X-CSRF-Token", c.csrf)
	return c.do(req)
}

// tally counts answers by class and keeps latencies.
type tally struct {
	mu        sync.Mutex
	requests  int
	failures  int // no answer (connection refused, timeout)
	server5xx int
	firstErr  string
	latencies []time.Duration
}

func (t *tally) add(status int, d time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.requests++
	t.latencies = append(t.latencies, d)
	switch {
	case status == 0:
		t.failures++
	case status >= 500:
		t.server5xx++
		if t.firstErr == "" {
			t.firstErr = fmt.Sprint(status)
		}
	}
}
