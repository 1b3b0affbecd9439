package worker

import (
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"
)

// Metrics counts what the worker did, for /metrics.
type Metrics struct {
	jobsDone   atomic.Int64
	jobsFailed atomic.Int64
	jobsDead   atomic.Int64

	mu      sync.Mutex
	buckets []float64 // upper bounds, seconds
	counts  []int64   // per bucket, plus +Inf last
	sum     float64
	n       int64
}

// NewMetrics returns zeroed metrics.
func NewMetrics() *Metrics {
	b := []float64{0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 1800}
	return &Metrics{buckets: b, counts: make([]int64, len(b)+1)}
}

// ObservePublish records the time from an ad's submission to its publication.
func (m *Metrics) ObservePublish(d time.Duration) {
	s := d.Seconds()
	m.mu.Lock()
	defer m.mu.Unlock()
	i := 0
	for i < len(m.buckets) && s > m.buckets[i] {
		i++
	}
	m.counts[i]++
	m.sum += s
	m.n++
}

// WritePrometheus writes the metrics in the Prometheus text format, with the
// queue's state when it could be read.
func (m *Metrics) WritePrometheus(w io.Writer, st *Stats) {
	counter := func(name, help string, v int64) {
		fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s counter\n%s %d\n", name, help, name, name, v)
	}
	counter("motando_jobs_done_total", "Jobs finished.", m.jobsDone.Load())
	counter("motando_jobs_failed_total", "Job runs that failed and were retried or buried.", m.jobsFailed.Load())
	counter("motando_jobs_dead_total", "Jobs moved to the dead letters.", m.jobsDead.Load())
	if st != nil {
		fmt.Fprintf(w, "# HELP motando_queue_jobs Jobs in the queue by state.\n# TYPE motando_queue_jobs gauge\n")
		fmt.Fprintf(w, "motando_queue_jobs{state=\"ready\"} %d\nmotando_queue_jobs{state=\"in_flight\"} %d\n", st.Ready, st.InFlight)
		fmt.Fprintf(w, "motando_queue_jobs{state=\"delayed\"} %d\nmotando_queue_jobs{state=\"dead\"} %d\n", st.Delayed, st.Dead)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	const h = "motando_publish_latency_seconds"
	fmt.Fprintf(w, "# HELP %s Time from an ad's submission to its publication.\n# TYPE %s histogram\n", h, h)
	var cum int64
	for i, b := range m.buckets {
		cum += m.counts[i]
		fmt.Fprintf(w, "%s_bucket{le=\"%g\"} %d\n", h, b, cum)
	}
	cum += m.counts[len(m.buckets)]
	fmt.Fprintf(w, "%s_bucket{le=\"+Inf\"} %d\n%s_sum %g\n%s_count %d\n", h, cum, h, m.sum, h, m.n)
}
