package handlers

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"

	"motando/models/modelstest"
)

// Each route takes bodies up to its own limit: forms of text 1 MiB, a
// photo upload a photo's size, the ad form its photos; past that, 413
// before the body is read.
func TestBodyLimits(t *testing.T) {
	app := newTestApp(t, modelstest.Open(t, "sqlite"))
	for _, tc := range []struct {
		path string
		size int
		want int
	}{
		{"/entrar", 2 << 20, http.StatusRequestEntityTooLarge},
		{"/", 2 << 20, http.StatusRequestEntityTooLarge},
		{"/anuncio/1/mensagens", 2 << 20, http.StatusRequestEntityTooLarge},
		{"/anuncios/fotos", photoBody + 1, http.StatusRequestEntityTooLarge},
		{"/anuncios/novo", formBody + 1, http.StatusRequestEntityTooLarge},
		{"/entrar", 1000, http.StatusForbidden},            // within the limit: on to CSRF
		{"/anuncios/fotos", 3 << 20, http.StatusForbidden}, // a photo's size: on to CSRF
	} {
		req := httptest.NewRequest(http.MethodPost, tc.path, bytes.NewReader(make([]byte, tc.size)))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := app.Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("POST %s with %d bytes: %d, want %d", tc.path, tc.size, resp.StatusCode, tc.want)
		}
	}
}
