package worker

import (
	"context"
	"errors"
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
//
// While a job runs, a heartbeat extends its message every third of the
// queue's visibility timeout, so that a job longer than the timeout is
// neither handed to another worker nor buried while it runs. A failed
// heartbeat is logged and the job goes on. A job whose claim was lost anyway
// (Redis unreachable for longer than the timeout) finishes, but its
// acknowledgement, retry or burial is refused with ErrClaimLost and logged:
// the worker now holding the message settles it.
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
	stopHeartbeat := r.heartbeat(ctx, m, log)
	err := call(ctx, h, m.Job)
	stopHeartbeat()
	if err == nil {
		r.Metrics.jobsDone.Add(1)
		if err := r.Queue.Ack(ctx, m); errors.Is(err, ErrClaimLost) {
			log.Warn("worker: job done after its claim was lost; the worker holding it now settles it", "err", err)
		} else if err != nil {
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
	if err := r.Queue.Retry(ctx, m, delay); errors.Is(err, ErrClaimLost) {
		log.Warn("worker: job failed after its claim was lost; the worker holding it now settles it", "err", err)
	} else if err != nil {
		log.Error("worker: cannot schedule the retry; the reconciler will pick the job up", "err", err)
	}
}

// bury moves the message to the dead letters and runs OnDead, unless the
// claim on the message was lost: then the job belongs to another delivery,
// which may still succeed.
func (r *Runner) bury(ctx context.Context, m Message, reason string, log *slog.Logger) {
	err := r.Queue.Bury(ctx, m, reason)
	if errors.Is(err, ErrClaimLost) {
		log.Warn("worker: job not buried, its claim was lost; the worker holding it now settles it", "reason", reason, "err", err)
		return
	}
	log.Error("worker: job moved to the dead letters", "reason", reason)
	r.Metrics.jobsDead.Add(1)
	if err != nil {
		log.Error("worker: cannot bury the job", "err", err)
	}
	if r.OnDead != nil {
		r.OnDead(ctx, m.Job, reason)
	}
}

// heartbeat extends the message every third of the queue's visibility
// timeout until the returned stop is called; stop returns once the
// heartbeat has ended, so that no Extend runs after it. A failed Extend is
// logged and the job goes on; after a lost claim the heartbeat ends, as the
// message is another delivery's.
func (r *Runner) heartbeat(ctx context.Context, m Message, log *slog.Logger) (stop func()) {
	every := r.Queue.Visibility() / 3
	if every <= 0 {
		return func() {}
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			callCtx, cancelCall := context.WithTimeout(ctx, every)
			err := r.Queue.Extend(callCtx, m)
			cancelCall()
			switch {
			case err == nil:
			case ctx.Err() != nil:
				return
			case errors.Is(err, ErrClaimLost):
				log.Warn("worker: job claim lost while running; another worker may run it too", "err", err)
				return
			default:
				log.Warn("worker: heartbeat failed; the job goes on", "err", err)
			}
		}
	}()
	return func() {
		cancel()
		<-done
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
