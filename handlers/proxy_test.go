package handlers

import (
	"fmt"
	"motando/flows"
	"net/url"
	"testing"

	"motando/models/modelstest"
)

// Behind a trusted load balancer the per-address limits count the client
// its X-Forwarded-For names; the header of anyone else is ignored.
func TestClientAddressBehindTrustedProxies(t *testing.T) {
	db := modelstest.Open(t, "sqlite")
	try := func(app *browser, forwardedFor string, n int) int {
		status := 0
		for i := range n {
			req := newFormRequest("/entrar", url.Values{"email": {fmt.Sprintf("ninguem%d@exemplo.com", i)}, "senha": {"errada demais"}, "csrf_token": {app.csrf}})
			req.Header.Set("X-Forwarded-For", forwardedFor)
			status, _ = app.do(req)
		}
		return status
	}
	trusting := newBrowser(t, newTestApp(t, db, func(c *Config) { c.TrustedProxies = []string{"0.0.0.0"} }))
	trusting.get("/entrar")
	if status := try(trusting, "203.0.113.7", flows.MaxFailedSigninsPerAddr+1); status != 429 {
		t.Errorf("one client through the proxy: last status %d, want 429", status)
	}
	if status := try(trusting, "198.51.100.9", 1); status != 422 {
		t.Errorf("another client through the same proxy: %d, want 422", status)
	}

	direct := newBrowser(t, newTestApp(t, db))
	direct.get("/entrar")
	try(direct, "203.0.113.7", flows.MaxFailedSigninsPerAddr)
	if status := try(direct, "198.51.100.9", 1); status != 429 {
		t.Errorf("an untrusted X-Forwarded-For changed the client address: %d, want 429", status)
	}
}
