// Package metrics keeps the web application's request counters and
// latency histograms, and writes them, with the database pool's state, in
// the Prometheus text format.
package metrics

import (
	"database/sql"
	"fmt"
	"io"
	"sort"
	"strconv"
	"sync"
	"time"
)

// latencyBuckets are the upper bounds, in seconds, of the latency
// histograms.
var latencyBuckets = []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5}

// HTTP counts requests by route, method and status, with a latency
// histogram per route.
type HTTP struct {
	mu       sync.Mutex
	requests map[requestKey]int64
	latency  map[string]*histogram
}

type requestKey struct {
	route, method string
	status        int
}

type histogram struct {
	counts []int64 // per bucket, plus +Inf
	sum    float64
	n      int64
}

// NewHTTP returns empty counters.
func NewHTTP() *HTTP {
	return &HTTP{requests: map[requestKey]int64{}, latency: map[string]*histogram{}}
}

// Observe records one request; route is the route's pattern
// ("/anuncio/:id/:slug"), never the raw path, so the series stay few.
func (h *HTTP) Observe(route, method string, status int, d time.Duration) {
	s := d.Seconds()
	i := sort.SearchFloat64s(latencyBuckets, s)
	h.mu.Lock()
	defer h.mu.Unlock()
	h.requests[requestKey{route, method, status}]++
	hist := h.latency[route]
	if hist == nil {
		hist = &histogram{counts: make([]int64, len(latencyBuckets)+1)}
		h.latency[route] = hist
	}
	hist.counts[i]++
	hist.sum += s
	hist.n++
}

// WritePrometheus writes the request counters and latency histograms.
func (h *HTTP) WritePrometheus(w io.Writer) {
	h.mu.Lock()
	defer h.mu.Unlock()
	keys := make([]requestKey, 0, len(h.requests))
	for k := range h.requests {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if a.route != b.route {
			return a.route < b.route
		}
		if a.method != b.method {
			return a.method < b.method
		}
		return a.status < b.status
	})
	fmt.Fprint(w, "# HELP motando_http_requests_total HTTP requests by route, method and status.\n# TYPE motando_http_requests_total counter\n")
	for _, k := range keys {
		fmt.Fprintf(w, "motando_http_requests_total{route=%q,method=%q,status=\"%d\"} %d\n", k.route, k.method, k.status, h.requests[k])
	}
	routes := make([]string, 0, len(h.latency))
	for r := range h.latency {
		routes = append(routes, r)
	}
	sort.Strings(routes)
	const name = "motando_http_request_duration_seconds"
	fmt.Fprintf(w, "# HELP %s Time to answer a request, by route.\n# TYPE %s histogram\n", name, name)
	for _, r := range routes {
		hist := h.latency[r]
		var cum int64
		for i, b := range latencyBuckets {
			cum += hist.counts[i]
			fmt.Fprintf(w, "%s_bucket{route=%q,le=\"%s\"} %d\n", name, r, strconv.FormatFloat(b, 'g', -1, 64), cum)
		}
		cum += hist.counts[len(latencyBuckets)]
		fmt.Fprintf(w, "%s_bucket{route=%q,le=\"+Inf\"} %d\n%s_sum{route=%q} %g\n%s_count{route=%q} %d\n", name, r, cum, name, r, hist.sum, name, r, hist.n)
	}
}

// WriteDBStats writes the database connection pool's state.
func WriteDBStats(w io.Writer, st sql.DBStats) {
	gauge := func(name, help string, v int64) {
		fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s gauge\n%s %d\n", name, help, name, name, v)
	}
	counter := func(name, help string, v float64) {
		fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s counter\n%s %g\n", name, help, name, name, v)
	}
	gauge("motando_db_open_connections", "Open database connections.", int64(st.OpenConnections))
	gauge("motando_db_in_use_connections", "Database connections in use.", int64(st.InUse))
	gauge("motando_db_idle_connections", "Idle database connections.", int64(st.Idle))
	counter("motando_db_wait_total", "Times a query waited for a free connection.", float64(st.WaitCount))
	counter("motando_db_wait_seconds_total", "Time spent waiting for a free connection.", st.WaitDuration.Seconds())
}

// WriteCounter writes one counter.
func WriteCounter(w io.Writer, name, help string, v int64) {
	fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s counter\n%s %d\n", name, help, name, name, v)
}
