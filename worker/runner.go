package worker

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/alitto/pond/v2"
)

// Handler runs one job. An error means "try again later"; problems that no
// retry can fix are recorded by the handler itself and reported as success.
type Handler func(ctx context.Context, j Job) error

// Runner reads jobs from the queue and runs them on a bounded pool. It
// never takes more messages than the pool has free workers, so what it
// does not take stays in the queue for other processes.
type Runner struct {
	Queue    Queue
	Handlers map[string]Handler
	Workers  int
	// MaxDeliveries is how many times a job may be handed out before it
	// goes to the dead letters (5).
	MaxDeliveries int
	// Backoff is the wait before the next attempt, after attempt failures.
	Backoff func(attempt int) time.Duration
	// OnDead runs when a job is buried, e.g. to mark its ad failed.
	OnDead func(ctx context.Context, j Job, reason string)
	// ShutdownTimeout bounds how long Run waits for jobs in flight once its
	// context ends; jobs still running then are cancelled and left for others.
	ShutdownTimeout time.Duration
	Metrics         *Metrics
}

// ExponentialBackoff doubles base per attempt up to limit.
func ExponentialBackoff(base, limit time.Duration) func(int) time.Duration {
	return func(attempt int) time.Duration {
		d := base
		for i := 1; i < attempt && d < limit; i++ {
			d *= 2
		}
		return min(d, limit)
	}
}

// Run reads and runs jobs until ctx ends, then drains the pool.
func (r *Runner) Run(ctx context.Context) error {
	pool := pond.NewPool(r.Workers)
	slots := make(chan struct{}, r.Workers)
	jobCtx, cancelJobs := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelJobs()

	for ctx.Err() == nil {
		n := r.takeSlots(ctx, slots)
		if n == 0 {
			break
		}
		msgs, err := r.Queue.Receive(ctx, n)
		for range n - len(msgs) {
			<-slots
		}
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			slog.Warn("worker: cannot read the queue", "err", err)
			sleep(ctx, time.Second)
			continue
		}
		for _, m := range msgs {
			pool.Submit(func() {
				defer func() { <-slots }()
				r.handle(jobCtx, m)
			})
		}
	}

	done := make(chan struct{})
	go func() { pool.StopAndWait(); close(done) }()
	select {
	case <-done:
	case <-time.After(r.ShutdownTimeout):
		slog.Warn("worker: jobs still running at the shutdown deadline are cancelled and left for others")
		cancelJobs()
		<-done
	}
	return nil
}

// takeSlots waits for one free worker, then takes every other free one.
func (r *Runner) takeSlots(ctx context.Context, slots chan struct{}) int {
	select {
	case slots <- struct{}{}:
	case <-ctx.Done():
		return 0
	}
	n := 1
	for n < r.Workers {
		select {
		case slots <- struct{}{}:
			n++
		default:
			return n
		}
	}
	return n
}

func (r *Runner) handle(ctx context.Context, m Message) {
	log := slog.With("kind", m.Job.Kind, "id", m.Job.ID, "message", m.ID, "deliveries", m.Deliveries, "attempt", m.Job.Attempt)
	h, ok := r.Handlers[m.Job.Kind]
	if !ok {
		r.bury(ctx, m, fmt.Sprintf("unknown job kind %q", m.Job.Kind), log)
		return
	}
	tries := m.Job.Attempt + m.Deliveries
	if tries > r.MaxDeliveries {
		r.bury(ctx, m, fmt.Sprintf("delivered %d times without finishing", tries), log)
		return
	}
	err := call(ctx, h, m.Job)
	if err == nil {
		r.Metrics.jobsDone.Add(1)
		if err := r.Queue.Ack(ctx, m); err != nil {
			log.Warn("worker: ack failed; the job may run again", "err", err)
		}
		return
	}
	if ctx.Err() != nil {
		log.Warn("worker: job cancelled at shutdown; it will be delivered again", "err", err)
		return
	}
	r.Metrics.jobsFailed.Add(1)
	if tries >= r.MaxDeliveries {
		r.bury(ctx, m, err.Error(), log)
		return
	}
	delay := r.Backoff(tries)
	log.Warn("worker: job failed; retrying", "err", err, "in", delay)
	if err := r.Queue.Retry(ctx, m, delay); err != nil {
		log.Error("worker: cannot schedule the retry; the reconciler will pick the job up", "err", err)
	}
}

func (r *Runner) bury(ctx context.Context, m Message, reason string, log *slog.Logger) {
	log.Error("worker: job moved to the dead letters", "reason", reason)
	r.Metrics.jobsDead.Add(1)
	if err := r.Queue.Bury(ctx, m, reason); err != nil {
		log.Error("worker: cannot bury the job", "err", err)
	}
	if r.OnDead != nil {
		r.OnDead(ctx, m.Job, reason)
	}
}

// call runs the handler, turning a panic into an error.
func call(ctx context.Context, h Handler, j Job) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	return h(ctx, j)
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
