package logs_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"motando/logs"
	"motando/storage/ocitest"
)

const logID = "ocid1.log.oc1.sa-saopaulo-1.test"

func newHandler(t *testing.T, srv *ocitest.Server, buffer int) *logs.OCIHandler {
	h, err := logs.NewOCIHandler(logs.OCIConfig{
		LogID: logID, Source: "test-host", Type: "motando.web", Region: srv.Region, Endpoint: srv.URL,
		Provider: srv.Provider(), Buffer: buffer, BatchSize: 10, FlushEvery: 20 * time.Millisecond, Timeout: time.Minute,
	})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func TestLinesReachOCILogging(t *testing.T) {
	srv := ocitest.New(t)
	h := newHandler(t, srv, 100)
	log := slog.New(logs.ContextHandler{Handler: h})
	ctx := logs.WithRequestID(context.Background(), "req-42")
	for i := range 25 {
		log.InfoContext(ctx, "anúncio publicado", "ad", i)
	}
	if err := h.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	got := srv.Logs(logID)
	if len(got) != 25 || h.Sent() != 25 || h.Dropped() != 0 {
		t.Fatalf("%d lines received, sent %d, dropped %d", len(got), h.Sent(), h.Dropped())
	}
	if !strings.Contains(got[0], `"msg":"anúncio publicado"`) || !strings.Contains(got[0], `"request_id":"req-42"`) {
		t.Errorf("line: %s", got[0])
	}
}

// With OCI Logging stalled, logging still returns at once: the lines that
// do not fit the buffer are dropped and counted, none is waited for.
func TestStalledLoggingNeverBlocks(t *testing.T) {
	srv := ocitest.New(t)
	srv.Delay(time.Hour)
	h := newHandler(t, srv, 50)
	log := slog.New(h)
	for i := range 1000 {
		log.Info("linha", "n", i)
	}
	// Every call returned although the service has not answered once.
	if h.Sent() != 0 {
		t.Fatalf("%d lines sent to a stalled service", h.Sent())
	}
	if d := h.Dropped(); d < 900 {
		t.Errorf("dropped %d lines, want at least 900 of 1000 with a buffer of 50", d)
	}
}

// A wrong key is refused by the service: the lines are counted as dropped.
func TestRefusedBatchesAreCounted(t *testing.T) {
	srv := ocitest.New(t)
	h, err := logs.NewOCIHandler(logs.OCIConfig{LogID: logID, Source: "x", Type: "t", Endpoint: srv.URL,
		Provider: srv.WrongKeyProvider(), BatchSize: 5, FlushEvery: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(h)
	for range 5 {
		log.Info("x")
	}
	h.Close(context.Background())
	if h.Dropped() != 5 || len(srv.Logs(logID)) != 0 {
		t.Errorf("dropped %d, received %d", h.Dropped(), len(srv.Logs(logID)))
	}
}
