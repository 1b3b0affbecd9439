package handlers

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
)

// readyTimeout is how long each readiness check may take.
const readyTimeout = time.Second

// errNoAnswer is the result of a check still running at readyTimeout.
var errNoAnswer = fmt.Errorf("no answer within %v", readyTimeout)

// Result is the outcome of one readiness check.
type Result struct {
	Name string
	Err  error // nil: it answered
}

// Readiness runs the readiness checks for /readyz: one run at a time, the
// callers that arrive during a run sharing it, and a run's results reused
// for a TTL, so that load balancers, Kubernetes and operators polling every
// /readyz of a process cost one round of pings per TTL at most. Both
// listeners of a process share one.
type Readiness struct {
	checks []Check
	ttl    time.Duration

	mu      sync.Mutex
	results []Result
	at      time.Time     // when results were obtained; zero before the first run
	running chan struct{} // closed when the run in flight ends; nil when none runs
}

// NewReadiness returns a Readiness over checks whose results are reused for
// ttl (a second when zero or less).
func NewReadiness(checks []Check, ttl time.Duration) *Readiness {
	if ttl <= 0 {
		ttl = time.Second
	}
	return &Readiness{checks: checks, ttl: ttl}
}

// readinessOf is cfg's shared Readiness, or one over cfg.Ready.
func readinessOf(cfg Config) *Readiness {
	if cfg.Readiness != nil {
		return cfg.Readiness
	}
	return NewReadiness(cfg.Ready, 0)
}

// Probe returns the result of every check, in order: those of the last run
// while they are fresh, otherwise those of a new run (or of the one in
// flight). It returns within about readyTimeout, or when ctx ends.
func (r *Readiness) Probe(ctx context.Context) []Result {
	r.mu.Lock()
	if !r.at.IsZero() && time.Since(r.at) < r.ttl {
		res := r.results
		r.mu.Unlock()
		return res
	}
	run := r.running
	if run == nil {
		run = make(chan struct{})
		r.running = run
		// Detached from the caller: one caller leaving must not cut the
		// run short for the others.
		go r.run(run)
	}
	r.mu.Unlock()
	select {
	case <-run:
	case <-ctx.Done():
		return []Result{{Name: "readiness", Err: ctx.Err()}}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.results
}

// run checks every dependency at once, each within readyTimeout, and
// publishes the results.
func (r *Readiness) run(done chan struct{}) {
	ctx, cancel := context.WithTimeout(context.Background(), readyTimeout)
	defer cancel()
	type answer struct {
		i   int
		err error
	}
	answers := make(chan answer, len(r.checks))
	res := make([]Result, len(r.checks))
	for i, chk := range r.checks {
		res[i] = Result{Name: chk.Name, Err: errNoAnswer}
		go func() { answers <- answer{i, chk.Check(ctx)} }()
	}
wait:
	for range r.checks {
		select {
		case a := <-answers:
			res[a.i].Err = a.err
		case <-ctx.Done():
			break wait // the checks still running keep errNoAnswer
		}
	}
	for _, x := range res {
		if x.Err != nil {
			slog.Warn("not ready", "dependency", x.Name, "err", x.Err)
		}
	}
	r.mu.Lock()
	r.results, r.at, r.running = res, time.Now(), nil
	r.mu.Unlock()
	close(done)
}

// allReady tells whether every check answered.
func allReady(results []Result) bool {
	for _, x := range results {
		if x.Err != nil {
			return false
		}
	}
	return true
}

// healthCheck answers 200 while the process serves requests.
func (s *Server) healthCheck(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.SendString("ok")
}

// readyCheck is the public /readyz, for load balancers and Kubernetes: 200
// "ok" when every dependency answered within a second, 503 "not ready"
// otherwise, naming nothing internal (the operations listener's /readyz
// does). Results are shared and reused for about a second.
func (s *Server) readyCheck(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set(fiber.HeaderContentType, fiber.MIMETextPlainCharsetUTF8)
	if allReady(s.ready.Probe(c.UserContext())) {
		return c.SendString("ok")
	}
	return c.Status(fiber.StatusServiceUnavailable).SendString("not ready")
}

// readyDetail is the operations listener's /readyz: the same answer as
// readyCheck, with one line per dependency, "name: ok" or "name: error".
func (s *Server) readyDetail(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set(fiber.HeaderContentType, fiber.MIMETextPlainCharsetUTF8)
	results := s.ready.Probe(c.UserContext())
	var b strings.Builder
	for _, x := range results {
		msg := "ok"
		if x.Err != nil {
			msg = strings.Join(strings.Fields(x.Err.Error()), " ") // one line each
		}
		fmt.Fprintf(&b, "%s: %s\n", x.Name, msg)
	}
	status := fiber.StatusOK
	if !allReady(results) {
		status = fiber.StatusServiceUnavailable
	}
	return c.Status(status).SendString(b.String())
}
