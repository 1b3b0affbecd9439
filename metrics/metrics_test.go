package metrics

import (
	"bytes"
	"database/sql"
	"strings"
	"testing"
	"time"
)

func TestHTTPSeries(t *testing.T) {
	h := NewHTTP()
	h.Observe("/motos", "GET", 200, 3*time.Millisecond)
	h.Observe("/motos", "GET", 200, 40*time.Millisecond)
	h.Observe("/anuncio/:id/:slug", "GET", 404, time.Millisecond)
	var buf bytes.Buffer
	h.WritePrometheus(&buf)
	WriteDBStats(&buf, sql.DBStats{OpenConnections: 3, InUse: 1, Idle: 2})
	out := buf.String()
	for _, want := range []string{
		`motando_http_requests_total{route="/motos",method="GET",status="200"} 2`,
		`motando_http_requests_total{route="/anuncio/:id/:slug",method="GET",status="404"} 1`,
		`motando_http_request_duration_seconds_bucket{route="/motos",le="0.005"} 1`,
		`motando_http_request_duration_seconds_bucket{route="/motos",le="0.05"} 2`,
		`motando_http_request_duration_seconds_count{route="/motos"} 2`,
		"motando_db_open_connections 3",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %s", want)
		}
	}
}
