package logs

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/oracle/oci-go-sdk/v65/common"
	"github.com/oracle/oci-go-sdk/v65/loggingingestion"
)

// OCIConfig configures the shipping of logs to OCI Logging.
type OCIConfig struct {
	LogID    string // the custom log's OCID (WEBAPP_OCI_LOG_ID, WORKFLOW_OCI_LOG_ID)
	Source   string // where the lines come from, e.g. the host name
	Type     string // the entries' type, e.g. "motando.web"
	Region   string
	Endpoint string // override, for tests
	Provider common.ConfigurationProvider
	Level    slog.Leveler

	Buffer     int           // lines held while waiting to be shipped; more are dropped (default 10,000)
	BatchSize  int           // lines per PutLogs call (default 100)
	FlushEvery time.Duration // longest a line waits for its batch (default 1 s)
	Timeout    time.Duration // of one PutLogs call (default 5 s)
}

// OCIHandler is a slog handler that ships JSON lines to OCI Logging. Handle
// only queues the line: when the queue is full (the service is slow or
// down) the line is dropped and counted, so logging never slows a request.
// A background goroutine sends the lines in batches; Close flushes them.
type OCIHandler struct {
	slog.Handler // a JSON handler writing into the queue
	q            *queue
}

// queue is the bounded buffer between the handlers and the shipper.
type queue struct {
	lines   chan []byte
	dropped atomic.Int64
	sent    atomic.Int64
	done    chan struct{}
	stop    sync.Once
	quit    chan struct{}
}

// Write queues one line (slog's JSON handler writes each record once).
func (q *queue) Write(p []byte) (int, error) {
	line := append([]byte(nil), p...)
	select {
	case q.lines <- line:
	default:
		q.dropped.Add(1)
	}
	return len(p), nil
}

// NewOCIHandler starts the shipper and returns the handler.
func NewOCIHandler(cfg OCIConfig) (*OCIHandler, error) {
	if cfg.LogID == "" || cfg.Provider == nil {
		return nil, fmt.Errorf("oci logging: a log OCID and a configuration provider are needed")
	}
	if cfg.Buffer <= 0 {
		cfg.Buffer = 10_000
	}
	if cfg.BatchSize <= 0 {
		cfg.BatchSize = 100
	}
	if cfg.FlushEvery <= 0 {
		cfg.FlushEvery = time.Second
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 5 * time.Second
	}
	client, err := loggingingestion.NewLoggingClientWithConfigurationProvider(cfg.Provider)
	if err != nil {
		return nil, fmt.Errorf("oci logging: %w", err)
	}
	if cfg.Region != "" {
		client.SetRegion(cfg.Region)
	}
	if cfg.Endpoint != "" {
		client.Host = cfg.Endpoint
	}
	// The shipper retries nothing: a failed batch is counted as dropped and
	// the next one goes on, so a stalled service costs lines, not memory.
	client.BaseClient.Configuration.RetryPolicy = nil
	q := &queue{lines: make(chan []byte, cfg.Buffer), done: make(chan struct{}), quit: make(chan struct{})}
	go ship(client, cfg, q)
	return &OCIHandler{Handler: slog.NewJSONHandler(q, &slog.HandlerOptions{Level: cfg.Level}), q: q}, nil
}

// Dropped is how many lines were lost: queue full or batch refused.
func (h *OCIHandler) Dropped() int64 { return h.q.dropped.Load() }

// Sent is how many lines OCI Logging accepted.
func (h *OCIHandler) Sent() int64 { return h.q.sent.Load() }

// WithAttrs keeps the handler an OCIHandler.
func (h *OCIHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &OCIHandler{Handler: h.Handler.WithAttrs(attrs), q: h.q}
}

// WithGroup keeps the handler an OCIHandler.
func (h *OCIHandler) WithGroup(name string) slog.Handler {
	return &OCIHandler{Handler: h.Handler.WithGroup(name), q: h.q}
}

// Close ships what is queued, waiting until ctx ends at most.
func (h *OCIHandler) Close(ctx context.Context) error {
	h.q.stop.Do(func() { close(h.q.quit) })
	select {
	case <-h.q.done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("oci logging: %d lines not shipped: %w", len(h.q.lines), ctx.Err())
	}
}

// ship sends the queued lines in batches until Close, then flushes.
func ship(client loggingingestion.LoggingClient, cfg OCIConfig, q *queue) {
	defer close(q.done)
	batch := make([][]byte, 0, cfg.BatchSize)
	tick := time.NewTicker(cfg.FlushEvery)
	defer tick.Stop()
	send := func() {
		if len(batch) == 0 {
			return
		}
		if err := putLogs(client, cfg, batch); err != nil {
			q.dropped.Add(int64(len(batch)))
		} else {
			q.sent.Add(int64(len(batch)))
		}
		batch = batch[:0]
	}
	for {
		select {
		case line := <-q.lines:
			if batch = append(batch, line); len(batch) >= cfg.BatchSize {
				send()
			}
		case <-tick.C:
			send()
		case <-q.quit:
			for {
				select {
				case line := <-q.lines:
					if batch = append(batch, line); len(batch) >= cfg.BatchSize {
						send()
					}
				default:
					send()
					return
				}
			}
		}
	}
}

func putLogs(client loggingingestion.LoggingClient, cfg OCIConfig, lines [][]byte) error {
	ctx, cancel := context.WithTimeout(context.Background(), cfg.Timeout)
	defer cancel()
	now := common.SDKTime{Time: time.Now()}
	entries := make([]loggingingestion.LogEntry, len(lines))
	for i, l := range lines {
		entries[i] = loggingingestion.LogEntry{
			Data: common.String(string(trimNewline(l))),
			Id:   common.String(NewRequestID() + NewRequestID()),
			Time: &now,
		}
	}
	_, err := client.PutLogs(ctx, loggingingestion.PutLogsRequest{
		LogId: common.String(cfg.LogID),
		PutLogsDetails: loggingingestion.PutLogsDetails{
			Specversion: common.String("1.0"),
			LogEntryBatches: []loggingingestion.LogEntryBatch{{
				Entries: entries, Source: common.String(cfg.Source), Type: common.String(cfg.Type), Defaultlogentrytime: &now,
			}},
		},
	})
	return err
}

func trimNewline(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] == '\n' {
		return b[:n-1]
	}
	return b
}
