// Package metrics holds the web application's request counters and latency
// histograms, the database pool's collector and the registry the
// operations listener serves at /metrics, on the Prometheus client library.
package metrics

import (
	"database/sql"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// latencyBuckets are the upper bounds, in seconds, of the request latency
// histograms.
var latencyBuckets = []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5}

// NewRegistry returns a registry with the Go runtime and process
// collectors and the given ones.
func NewRegistry(cs ...prometheus.Collector) *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	reg.MustRegister(cs...)
	return reg
}

// HTTP counts requests by route, method and status, with a latency
// histogram per route. It is a prometheus.Collector.
type HTTP struct {
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
}

// NewHTTP returns empty counters.
func NewHTTP() *HTTP {
	return &HTTP{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "motando_http_requests_total",
			Help: "HTTP requests by route, method and status.",
		}, []string{"route", "method", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "motando_http_request_duration_seconds",
			Help:    "Time to answer a request, by route.",
			Buckets: latencyBuckets,
		}, []string{"route"}),
	}
}

// Observe records one request; route is the route's pattern
// ("/anuncio/:id/:slug"), never the raw path, so the series stay few.
func (h *HTTP) Observe(route, method string, status int, d time.Duration) {
	h.requests.WithLabelValues(route, method, strconv.Itoa(status)).Inc()
	h.latency.WithLabelValues(route).Observe(d.Seconds())
}

// Describe sends the descriptions of the request series.
func (h *HTTP) Describe(ch chan<- *prometheus.Desc) {
	h.requests.Describe(ch)
	h.latency.Describe(ch)
}

// Collect sends the request series.
func (h *HTTP) Collect(ch chan<- prometheus.Metric) {
	h.requests.Collect(ch)
	h.latency.Collect(ch)
}

// DB reports a database connection pool's state. It is a
// prometheus.Collector.
type DB struct {
	stats                                 func() sql.DBStats
	open, inUse, idle, waits, waitSeconds *prometheus.Desc
}

// NewDB returns a collector of db's pool.
func NewDB(db *sql.DB) *DB {
	return newDB(db.Stats)
}

func newDB(stats func() sql.DBStats) *DB {
	desc := func(name, help string) *prometheus.Desc { return prometheus.NewDesc(name, help, nil, nil) }
	return &DB{
		stats:       stats,
		open:        desc("motando_db_open_connections", "Open database connections."),
		inUse:       desc("motando_db_in_use_connections", "Database connections in use."),
		idle:        desc("motando_db_idle_connections", "Idle database connections."),
		waits:       desc("motando_db_wait_total", "Times a query waited for a free connection."),
		waitSeconds: desc("motando_db_wait_seconds_total", "Time spent waiting for a free connection."),
	}
}

// Describe sends the descriptions of the pool series.
func (c *DB) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.open, c.inUse, c.idle, c.waits, c.waitSeconds} {
		ch <- d
	}
}

// Collect reads the pool's state.
func (c *DB) Collect(ch chan<- prometheus.Metric) {
	st := c.stats()
	ch <- prometheus.MustNewConstMetric(c.open, prometheus.GaugeValue, float64(st.OpenConnections))
	ch <- prometheus.MustNewConstMetric(c.inUse, prometheus.GaugeValue, float64(st.InUse))
	ch <- prometheus.MustNewConstMetric(c.idle, prometheus.GaugeValue, float64(st.Idle))
	ch <- prometheus.MustNewConstMetric(c.waits, prometheus.CounterValue, float64(st.WaitCount))
	ch <- prometheus.MustNewConstMetric(c.waitSeconds, prometheus.CounterValue, st.WaitDuration.Seconds())
}

// NewCounterFunc returns a counter whose value f reads when it is
// collected (a count kept elsewhere, such as the log lines shipped).
func NewCounterFunc(name, help string, f func() int64) prometheus.Collector {
	return prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help}, func() float64 { return float64(f()) })
}
