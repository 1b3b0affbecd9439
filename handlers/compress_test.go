package handlers

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/andybalholm/brotli"

	"motando/models"
	"motando/models/modelstest"
)

// fetch performs a GET as a browser accepting the encodings given.
func fetch(t *testing.T, s *site, target, accept string, headers ...string) (*http.Response, []byte) {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	req.Header.Set("Accept-Encoding", accept)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := s.app.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, body
}

// decoded reads a body in its Content-Encoding.
func decoded(t *testing.T, resp *http.Response, body []byte) string {
	t.Helper()
	var r io.Reader = bytes.NewReader(body)
	switch enc := resp.Header.Get("Content-Encoding"); enc {
	case "br":
		r = brotli.NewReader(r)
	case "gzip":
		zr, err := gzip.NewReader(r)
		if err != nil {
			t.Fatal(err)
		}
		r = zr
	case "":
	default:
		t.Fatalf("unexpected encoding %q", enc)
	}
	plain, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(plain)
}

var assetURL = regexp.MustCompile(`/static/[a-z/]+\.[0-9a-f]{10}\.(css|js|svg)`)

func TestPagesAndStaticFilesGoOutCompressed(t *testing.T) {
	db := modelstest.Open(t, "sqlite")
	s := newSite(t, db)

	for _, accept := range []string{"br", "gzip", "gzip, deflate, br"} {
		resp, body := fetch(t, s, "/", accept)
		if enc := resp.Header.Get("Content-Encoding"); enc == "" {
			t.Errorf("home with Accept-Encoding %q: not compressed", accept)
		}
		vary := resp.Header.Get("Vary")
		if !strings.Contains(vary, "HX-Request") || !strings.Contains(vary, "Accept-Encoding") {
			t.Errorf("home: Vary %q, want HX-Request and Accept-Encoding", vary)
		}
		page := decoded(t, resp, body)
		if !strings.Contains(page, "Encontre sua moto") {
			t.Fatalf("home decoded: %.200s", page)
		}
		if len(body) >= len(page)/2 {
			t.Errorf("home with %q: %d bytes for %d", accept, len(body), len(page))
		}
		if accept != "gzip" {
			continue
		}
		urls := assetURL.FindAllString(page, -1)
		if len(urls) < 3 {
			t.Fatalf("static files on the home page: %v", urls)
		}
		for _, u := range urls {
			plainResp, plain := fetch(t, s, u, "")
			packedResp, packed := fetch(t, s, u, "gzip")
			if plainResp.StatusCode != 200 || packedResp.StatusCode != 200 {
				t.Fatalf("%s: %d, %d", u, plainResp.StatusCode, packedResp.StatusCode)
			}
			for _, r := range []*http.Response{plainResp, packedResp} {
				if cc := r.Header.Get("Cache-Control"); cc != "public, max-age=31536000, immutable" {
					t.Errorf("%s: Cache-Control %q", u, cc)
				}
			}
			if plainResp.Header.Get("Content-Encoding") != "" {
				t.Errorf("%s sent compressed to a browser that accepts no encoding", u)
			}
			if len(plain) > 1000 && packedResp.Header.Get("Content-Encoding") != "gzip" {
				t.Errorf("%s (%d bytes): not compressed", u, len(plain))
			}
			if got := decoded(t, packedResp, packed); got != string(plain) {
				t.Errorf("%s: the compressed file differs from the plain one", u)
			}
		}
	}

	resp, body := fetch(t, s, "/motos", "br", "HX-Request", "true")
	if resp.Header.Get("Content-Encoding") != "br" || !strings.Contains(resp.Header.Get("Vary"), "HX-Request") {
		t.Errorf("search partial: encoding %q, Vary %q", resp.Header.Get("Content-Encoding"), resp.Header.Get("Vary"))
	}
	decoded(t, resp, body)
	for _, target := range []string{"/sitemap.xml", "/robots.txt"} {
		if resp, _ := fetch(t, s, target, "gzip"); resp.StatusCode != 200 {
			t.Errorf("%s: %d", target, resp.StatusCode)
		}
	}
}

func TestPhotosAreNotCompressedAgain(t *testing.T) {
	db := modelstest.Open(t, "sqlite")
	s := newSite(t, db)
	b := s.seller("fotos@exemplo.com")
	b.get("/anuncios/novo")
	if status, _ := b.post("/anuncios/novo", s.adValues(s.upload(b, testJPEG(t, 400, 300)))); status != 303 {
		t.Fatalf("submit: %d", status)
	}
	s.work()
	var img models.Image
	if err := db.Order("id").First(&img).Error; err != nil {
		t.Fatal(err)
	}
	resp, body := fetch(t, s, s.store.PublicURL(img.LargeKey), "gzip, br")
	if resp.StatusCode != 200 || len(body) == 0 {
		t.Fatalf("photo: %d", resp.StatusCode)
	}
	if enc := resp.Header.Get("Content-Encoding"); enc != "" {
		t.Errorf("a JPEG sent with Content-Encoding %q", enc)
	}
}
