package modelstest

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// EnvLog names the variable that sets how much the tests log: debug, info,
// warn (the default: warnings and errors only) or error. It applies to the
// tests' own process and, through MOTANDO_LOG_LEVEL, to the motando
// processes they start: MOTANDO_TEST_LOG=debug go test -v ./... shows
// every line.
const EnvLog = "MOTANDO_TEST_LOG"

// LogLevel is the level the tests log at: MOTANDO_TEST_LOG, or warn.
func LogLevel() slog.Level {
	level := slog.LevelWarn
	if v := os.Getenv(EnvLog); v != "" {
		if err := level.UnmarshalText([]byte(v)); err != nil {
			fmt.Fprintf(os.Stderr, "%s=%q: want debug, info, warn or error; logging warnings and errors\n", EnvLog, v)
			level = slog.LevelWarn
		}
	}
	return level
}

// ProcessEnv is the environment that gives a motando process started by a
// test the tests' log level.
func ProcessEnv() []string {
	return []string{"MOTANDO_LOG_LEVEL=" + strings.ToLower(LogLevel().String())}
}

// Main runs a package's tests with QuietLogs: func TestMain(m *testing.M)
// { modelstest.Main(m) }.
func Main(m *testing.M) {
	QuietLogs()
	os.Exit(m.Run())
}

// testLogs is the default logger's handler once QuietLogs has run: it
// passes each line to the current sink, stderr at LogLevel or a test's
// capture.
type testLogs struct {
	ops []handlerOp // the WithAttrs and WithGroup calls, replayed on the sink
}

// handlerOp is a WithGroup call (group) or a WithAttrs one (attrs).
type handlerOp struct {
	isGroup bool
	group   string
	attrs   []slog.Attr
}

var (
	quietOnce sync.Once
	logSink   atomic.Pointer[slog.Handler]
)

// QuietLogs makes slog's default logger — which the site's request log,
// the worker and GORM write to — drop the lines below LogLevel (warn unless
// MOTANDO_TEST_LOG says otherwise). Loggers made from slog.Default() after
// it (GORM's, when a test opens a database) follow CaptureLogs too. The
// standard log package's lines
// (chromedp's, go-redis's) have no level: they count as warnings, and show.
func QuietLogs() {
	quietOnce.Do(func() {
		var h slog.Handler = slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: LogLevel()})
		logSink.Store(&h)
		slog.SetDefault(slog.New(testLogs{}))
		slog.SetLogLoggerLevel(slog.LevelWarn)
	})
}

// CaptureLogs sends every log line, at every level, to w until the end of
// the test, in place of the quiet default (the tests that check what never
// reaches a log need the info lines).
func CaptureLogs(t testing.TB, w io.Writer) {
	QuietLogs()
	var h slog.Handler = slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug})
	old := logSink.Swap(&h)
	t.Cleanup(func() { logSink.Store(old) })
}

func (l testLogs) handler() slog.Handler {
	h := *logSink.Load()
	for _, op := range l.ops {
		if op.isGroup {
			h = h.WithGroup(op.group)
		} else {
			h = h.WithAttrs(op.attrs)
		}
	}
	return h
}

func (l testLogs) Enabled(ctx context.Context, level slog.Level) bool {
	return (*logSink.Load()).Enabled(ctx, level)
}

func (l testLogs) Handle(ctx context.Context, r slog.Record) error {
	return l.handler().Handle(ctx, r)
}

func (l testLogs) WithAttrs(attrs []slog.Attr) slog.Handler {
	l.ops = append(l.ops[:len(l.ops):len(l.ops)], handlerOp{attrs: attrs})
	return l
}

func (l testLogs) WithGroup(name string) slog.Handler {
	l.ops = append(l.ops[:len(l.ops):len(l.ops)], handlerOp{isGroup: true, group: name})
	return l
}
