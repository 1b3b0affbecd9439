package worker

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"motando/models/modelstest"
)

func newTestRunner(q Queue, workers int, h Handler) *Runner {
	return &Runner{
		Queue:           q,
		Handlers:        map[string]Handler{KindAd: h},
		Workers:         workers,
		MaxDeliveries:   5,
		Backoff:         ExponentialBackoff(20*time.Millisecond, time.Second),
		ShutdownTimeout: 5 * time.Second,
		Metrics:         NewMetrics(),
	}
}

func runFor(t *testing.T, r *Runner, until func() bool, within time.Duration) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { r.Run(ctx); close(done) }()
	deadline := time.Now().Add(within)
	for !until() {
		if time.Now().After(deadline) {
			cancel()
			<-done
			t.Fatal("condition not reached in time")
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	<-done
}

func TestRunnerBuriesAfterFiveDeliveries(t *testing.T) {
	eachQueue(t, func(t *testing.T, q Queue) {
		var mu sync.Mutex
		var calls []time.Time
		r := newTestRunner(q, 2, func(ctx context.Context, j Job) error {
			mu.Lock()
			calls = append(calls, time.Now())
			mu.Unlock()
			return errors.New("bucket unavailable")
		})
		// Waits longer than a Redis read blocks, so that each step shows.
		r.Backoff = ExponentialBackoff(250*time.Millisecond, 2*time.Second)
		var dead atomic.Value
		r.OnDead = func(ctx context.Context, j Job, reason string) { dead.Store(reason) }
		q.Enqueue(context.Background(), Job{Kind: KindAd, ID: 5})
		runFor(t, r, func() bool { return dead.Load() != nil }, 20*time.Second)

		mu.Lock()
		defer mu.Unlock()
		if len(calls) != 5 {
			t.Errorf("the handler ran %d times, want 5", len(calls))
		}
		for i := 2; i < len(calls); i++ {
			if calls[i].Sub(calls[i-1]) < calls[i-1].Sub(calls[i-2]) {
				t.Errorf("retries do not back off: gaps %v then %v", calls[i-1].Sub(calls[i-2]), calls[i].Sub(calls[i-1]))
			}
		}
		if dead.Load() != "bucket unavailable" {
			t.Errorf("OnDead reason: %v", dead.Load())
		}
		letters, _ := q.DeadLetters(context.Background(), 5)
		if len(letters) != 1 || letters[0].Job.ID != 5 {
			t.Errorf("dead letters: %+v", letters)
		}
	})
}

// countingQueue records how many messages the runner asks for at once.
type countingQueue struct {
	Queue
	mu      sync.Mutex
	maxWant int
}

func (c *countingQueue) Receive(ctx context.Context, n int) ([]Message, error) {
	c.mu.Lock()
	c.maxWant = max(c.maxWant, n)
	c.mu.Unlock()
	return c.Queue.Receive(ctx, n)
}

func TestRunnerNeverTakesMoreThanThePoolHolds(t *testing.T) {
	eachQueue(t, func(t *testing.T, inner Queue) {
		q := &countingQueue{Queue: inner}
		var running, peak, done atomic.Int64
		r := newTestRunner(q, 3, func(ctx context.Context, j Job) error {
			n := running.Add(1)
			for {
				p := peak.Load()
				if n <= p || peak.CompareAndSwap(p, n) {
					break
				}
			}
			time.Sleep(50 * time.Millisecond)
			running.Add(-1)
			done.Add(1)
			return nil
		})
		for id := uint64(1); id <= 12; id++ {
			q.Enqueue(context.Background(), Job{Kind: KindAd, ID: id})
		}
		var inFlightSeen atomic.Int64
		stop := make(chan struct{})
		go func() {
			for {
				select {
				case <-stop:
					return
				case <-time.After(5 * time.Millisecond):
					if st, err := inner.Stats(context.Background()); err == nil {
						for {
							p := inFlightSeen.Load()
							if st.InFlight <= p || inFlightSeen.CompareAndSwap(p, st.InFlight) {
								break
							}
						}
					}
				}
			}
		}()
		runFor(t, r, func() bool { return done.Load() == 12 }, 20*time.Second)
		close(stop)
		if peak.Load() > 3 || q.maxWant > 3 || inFlightSeen.Load() > 3 {
			t.Errorf("pool of 3: peak running %d, asked for up to %d, up to %d messages held", peak.Load(), q.maxWant, inFlightSeen.Load())
		}
	})
}

func TestRunnerFinishesJobsInFlightAtShutdown(t *testing.T) {
	q := NewMemoryQueue()
	var finished atomic.Bool
	started := make(chan struct{})
	r := newTestRunner(q, 1, func(ctx context.Context, j Job) error {
		close(started)
		select {
		case <-time.After(300 * time.Millisecond):
			finished.Store(true)
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	})
	q.Enqueue(context.Background(), Job{Kind: KindAd, ID: 1})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { r.Run(ctx); close(done) }()
	<-started
	cancel()
	<-done
	if !finished.Load() {
		t.Error("the job in flight was not allowed to finish")
	}
}

func TestRunnerCancelsJobsPastTheShutdownDeadline(t *testing.T) {
	rdb, prefix := modelstest.Redis(t)
	q := NewRedisQueue(rdb, RedisOptions{Prefix: prefix, Block: 100 * time.Millisecond})
	started := make(chan struct{})
	r := newTestRunner(q, 1, func(ctx context.Context, j Job) error {
		close(started)
		<-ctx.Done()
		return ctx.Err()
	})
	r.ShutdownTimeout = 200 * time.Millisecond
	q.Enqueue(context.Background(), Job{Kind: KindAd, ID: 1})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { r.Run(ctx); close(done) }()
	<-started
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after the shutdown deadline")
	}
	st, _ := q.Stats(context.Background())
	if st.InFlight != 1 || st.Dead != 0 {
		t.Errorf("the cancelled job must stay pending for another worker: %+v", st)
	}
}

// A job that runs several times the visibility timeout, with two worker
// processes on the same queue: its heartbeat keeps the claim, so the other
// process never takes it over, and it runs once, is acknowledged and never
// reaches the dead letters.
func TestRunnerHeartbeatKeepsALongJobFromOtherWorkers(t *testing.T) {
	rdb, prefix := modelstest.Redis(t)
	opts := RedisOptions{Prefix: prefix, Visibility: 300 * time.Millisecond, Block: 100 * time.Millisecond}
	first, second := NewRedisQueue(rdb, opts), NewRedisQueue(rdb, opts)
	first.consumer, second.consumer = "first", "second"

	var runs, finished atomic.Int64
	handler := func(ctx context.Context, j Job) error {
		runs.Add(1)
		defer finished.Add(1)
		select {
		case <-time.After(1500 * time.Millisecond): // five visibility timeouts
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	var dead atomic.Int64
	runners := []*Runner{newTestRunner(first, 1, handler), newTestRunner(second, 1, handler)}
	for _, r := range runners {
		r.MaxDeliveries = 2
		r.OnDead = func(ctx context.Context, j Job, reason string) { dead.Add(1) }
	}
	if err := first.Enqueue(context.Background(), Job{Kind: KindAd, ID: 77}); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for _, r := range runners {
		wg.Go(func() { r.Run(ctx) })
	}
	deadline := time.Now().Add(15 * time.Second)
	for {
		n, err := rdb.XLen(context.Background(), prefix).Result()
		if err == nil && n == 0 && finished.Load() > 0 && finished.Load() == runs.Load() {
			break
		}
		if time.Now().After(deadline) {
			cancel()
			wg.Wait()
			t.Fatalf("the job was not acknowledged in time: %d runs, %d finished", runs.Load(), finished.Load())
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	wg.Wait()

	if n := runs.Load(); n != 1 {
		t.Errorf("the job ran %d times, want once", n)
	}
	letters, err := first.DeadLetters(context.Background(), 10)
	if err != nil {
		t.Fatal(err)
	}
	if dead.Load() != 0 || len(letters) != 0 {
		t.Errorf("the running job reached the dead letters: OnDead %d times, %+v", dead.Load(), letters)
	}
	st, err := first.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if st != (Stats{}) {
		t.Errorf("queue after the job: %+v", st)
	}
}

// flakyHeartbeatQueue is an in-process queue with a visibility timeout
// whose every Extend fails; it notes an Extend after the message is settled.
type flakyHeartbeatQueue struct {
	*MemoryQueue
	extends   atomic.Int64
	settled   atomic.Bool
	lateCalls atomic.Int64
}

func (q *flakyHeartbeatQueue) Visibility() time.Duration { return 30 * time.Millisecond }

func (q *flakyHeartbeatQueue) Extend(ctx context.Context, m Message) error {
	q.extends.Add(1)
	if q.settled.Load() {
		q.lateCalls.Add(1)
	}
	return errors.New("redis: connection refused")
}

func (q *flakyHeartbeatQueue) Ack(ctx context.Context, m Message) error {
	q.settled.Store(true)
	return q.MemoryQueue.Ack(ctx, m)
}

// A failing heartbeat is logged; the job goes on, is acknowledged, and the
// heartbeat has stopped before the acknowledgement.
func TestRunnerHeartbeatFailureDoesNotStopTheJob(t *testing.T) {
	q := &flakyHeartbeatQueue{MemoryQueue: NewMemoryQueue()}
	var done atomic.Bool
	r := newTestRunner(q, 1, func(ctx context.Context, j Job) error {
		select {
		case <-time.After(200 * time.Millisecond):
			done.Store(true)
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	})
	q.Enqueue(context.Background(), Job{Kind: KindAd, ID: 1})
	runFor(t, r, func() bool { return q.settled.Load() }, 10*time.Second)
	if !done.Load() {
		t.Error("the job did not finish")
	}
	if q.extends.Load() == 0 {
		t.Error("no heartbeat while the job ran")
	}
	if n := q.lateCalls.Load(); n != 0 {
		t.Errorf("%d heartbeats after the ack", n)
	}
	if st, _ := q.Stats(context.Background()); st != (Stats{}) {
		t.Errorf("stats: %+v", st)
	}
}

// lostClaimQueue refuses every settlement, as for a message another worker
// has taken over.
type lostClaimQueue struct {
	*MemoryQueue
	buries atomic.Int64
}

func (q *lostClaimQueue) Bury(ctx context.Context, m Message, reason string) error {
	q.buries.Add(1)
	return fmt.Errorf("bury %s: %w", m.ID, ErrClaimLost)
}

// A job that fails for good after its claim was lost is not marked dead:
// the delivery now holding it may still succeed.
func TestRunnerDoesNotBuryALostClaim(t *testing.T) {
	q := &lostClaimQueue{MemoryQueue: NewMemoryQueue()}
	r := newTestRunner(q, 1, func(ctx context.Context, j Job) error { return errors.New("bucket unavailable") })
	r.MaxDeliveries = 1
	var dead atomic.Int64
	r.OnDead = func(ctx context.Context, j Job, reason string) { dead.Add(1) }
	q.Enqueue(context.Background(), Job{Kind: KindAd, ID: 1})
	runFor(t, r, func() bool { return q.buries.Load() > 0 }, 10*time.Second)
	if dead.Load() != 0 || r.Metrics.jobsDead.Load() != 0 {
		t.Errorf("a lost claim was marked dead: OnDead %d times, %d counted", dead.Load(), r.Metrics.jobsDead.Load())
	}
}
