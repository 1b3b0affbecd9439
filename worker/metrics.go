package worker

import (
	"context"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics counts what the worker did, for /metrics. It is a
// prometheus.Collector.
type Metrics struct {
	jobsDone   atomic.Int64
	jobsFailed atomic.Int64
	jobsDead   atomic.Int64

	done, failed, dead *prometheus.Desc
	publish            prometheus.Histogram
}

// NewMetrics returns zeroed metrics.
func NewMetrics() *Metrics {
	desc := func(name, help string) *prometheus.Desc { return prometheus.NewDesc(name, help, nil, nil) }
	return &Metrics{
		done:   desc("motando_jobs_done_total", "Jobs finished."),
		failed: desc("motando_jobs_failed_total", "Job runs that failed and were retried or buried."),
		dead:   desc("motando_jobs_dead_total", "Jobs moved to the dead letters."),
		publish: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "motando_publish_latency_seconds",
			Help:    "Time from an ad's submission to its publication.",
			Buckets: []float64{0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 1800},
		}),
	}
}

// ObservePublish records the time from an ad's submission to its publication.
func (m *Metrics) ObservePublish(d time.Duration) {
	m.publish.Observe(d.Seconds())
}

// Describe sends the descriptions of the job series.
func (m *Metrics) Describe(ch chan<- *prometheus.Desc) {
	ch <- m.done
	ch <- m.failed
	ch <- m.dead
	m.publish.Describe(ch)
}

// Collect sends the job counters and the publish latency histogram.
func (m *Metrics) Collect(ch chan<- prometheus.Metric) {
	ch <- prometheus.MustNewConstMetric(m.done, prometheus.CounterValue, float64(m.jobsDone.Load()))
	ch <- prometheus.MustNewConstMetric(m.failed, prometheus.CounterValue, float64(m.jobsFailed.Load()))
	ch <- prometheus.MustNewConstMetric(m.dead, prometheus.CounterValue, float64(m.jobsDead.Load()))
	m.publish.Collect(ch)
}

// queueStatsTimeout bounds the reading of the queue's state at a scrape.
const queueStatsTimeout = 2 * time.Second

// QueueCollector reports the jobs in a queue by state
// (motando_queue_jobs{state="ready|in_flight|delayed|dead"}), read at each
// scrape; when the queue does not answer, the series are left out.
type QueueCollector struct {
	queue Queue
	desc  *prometheus.Desc
}

// NewQueueCollector returns a collector of q's state.
func NewQueueCollector(q Queue) *QueueCollector {
	return &QueueCollector{queue: q, desc: prometheus.NewDesc("motando_queue_jobs", "Jobs in the queue by state.", []string{"state"}, nil)}
}

// Describe sends the description of the queue series.
func (c *QueueCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

// Collect reads the queue's state.
func (c *QueueCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), queueStatsTimeout)
	defer cancel()
	st, err := c.queue.Stats(ctx)
	if err != nil {
		slog.Debug("queue state not read for /metrics", "err", err)
		return
	}
	for _, s := range []struct {
		state string
		n     int64
	}{{"ready", st.Ready}, {"in_flight", st.InFlight}, {"delayed", st.Delayed}, {"dead", st.Dead}} {
		ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, float64(s.n), s.state)
	}
}
