package metrics

import (
	"database/sql"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

// scrape serves reg as /metrics does and returns the text.
func scrape(t *testing.T, reg prometheus.Gatherer) string {
	t.Helper()
	rec := httptest.NewRecorder()
	promhttp.HandlerFor(reg, promhttp.HandlerOpts{}).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != 200 {
		t.Fatalf("/metrics: %d", rec.Code)
	}
	body, _ := io.ReadAll(rec.Body)
	return string(body)
}

func TestMetricSeries(t *testing.T) {
	h := NewHTTP()
	h.Observe("/motos", "GET", 200, 3*time.Millisecond)
	h.Observe("/motos", "GET", 200, 40*time.Millisecond)
	h.Observe("/anuncio/:id/:slug", "GET", 404, time.Millisecond)
	db := newDB(func() sql.DBStats {
		return sql.DBStats{OpenConnections: 3, InUse: 1, Idle: 2, WaitCount: 4, WaitDuration: 1500 * time.Millisecond}
	})
	var dropped int64 = 7
	reg := NewRegistry(h, db, NewCounterFunc("motando_log_lines_dropped_total", "Log lines dropped.", func() int64 { return dropped }))
	out := scrape(t, reg)
	for _, want := range []string{
		`motando_http_requests_total{method="GET",route="/motos",status="200"} 2`,
		`motando_http_requests_total{method="GET",route="/anuncio/:id/:slug",status="404"} 1`,
		`motando_http_request_duration_seconds_bucket{route="/motos",le="0.005"} 1`,
		`motando_http_request_duration_seconds_bucket{route="/motos",le="0.05"} 2`,
		`motando_http_request_duration_seconds_count{route="/motos"} 2`,
		"motando_db_open_connections 3",
		"motando_db_in_use_connections 1",
		"motando_db_idle_connections 2",
		"motando_db_wait_total 4",
		"motando_db_wait_seconds_total 1.5",
		"motando_log_lines_dropped_total 7",
		// The Go runtime and process collectors.
		"go_goroutines ",
		"go_memstats_heap_alloc_bytes ",
		"process_resident_memory_bytes ",
		"process_cpu_seconds_total ",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %s", want)
		}
	}
	// The series follow Prometheus's naming rules.
	problems, err := testutil.GatherAndLint(reg, "motando_http_requests_total", "motando_http_request_duration_seconds",
		"motando_db_open_connections", "motando_db_wait_total", "motando_db_wait_seconds_total", "motando_log_lines_dropped_total")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("lint: %s: %s", p.Metric, p.Text)
	}
}
