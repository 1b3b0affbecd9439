package worker

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"time"
)

// MemoryQueue is the in-process queue of the embedded default: web and
// worker share one process. Jobs live in memory; the reconciler re-enqueues
// whatever a restart loses, from the database. A received message stays
// with its receiver until it is acknowledged, retried or buried: there is
// no visibility timeout, so Extend changes nothing.
type MemoryQueue struct {
	mu      sync.Mutex
	ready   []Message
	held    map[string]struct{} // received, not settled yet
	delayed int64
	dead    []DeadLetter
	seq     int64
	wake    chan struct{}
	wait    time.Duration
}

// NewMemoryQueue returns an empty in-process queue.
func NewMemoryQueue() *MemoryQueue {
	return &MemoryQueue{held: map[string]struct{}{}, wake: make(chan struct{}, 1), wait: time.Second}
}

// Enqueue adds a job.
func (q *MemoryQueue) Enqueue(ctx context.Context, j Job) error {
	q.mu.Lock()
	q.seq++
	q.ready = append(q.ready, Message{ID: strconv.FormatInt(q.seq, 10), Job: j, Deliveries: 1})
	q.mu.Unlock()
	select {
	case q.wake <- struct{}{}:
	default:
	}
	return nil
}

// Receive returns up to max ready messages, waiting up to a second for one.
func (q *MemoryQueue) Receive(ctx context.Context, max int) ([]Message, error) {
	timer := time.NewTimer(q.wait)
	defer timer.Stop()
	for {
		q.mu.Lock()
		if n := min(max, len(q.ready)); n > 0 {
			out := append([]Message(nil), q.ready[:n]...)
			q.ready = q.ready[n:]
			for _, m := range out {
				q.held[m.ID] = struct{}{}
			}
			q.mu.Unlock()
			return out, nil
		}
		q.mu.Unlock()
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-timer.C:
			return nil, nil
		case <-q.wake:
		}
	}
}

// Visibility is 0: a received message is never handed out again.
func (q *MemoryQueue) Visibility() time.Duration { return 0 }

// Extend changes nothing, as a received message never expires; it returns
// ErrClaimLost for a message that is not held (already settled).
func (q *MemoryQueue) Extend(ctx context.Context, m Message) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if _, ok := q.held[m.ID]; !ok {
		return fmt.Errorf("extend %s: %w", m.ID, ErrClaimLost)
	}
	return nil
}

// settle releases a held message; false when it was not held, e.g. when it
// is acknowledged a second time.
func (q *MemoryQueue) settle(m Message) bool {
	if _, ok := q.held[m.ID]; !ok {
		return false
	}
	delete(q.held, m.ID)
	return true
}

// Ack forgets a finished message.
func (q *MemoryQueue) Ack(ctx context.Context, m Message) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if !q.settle(m) {
		return fmt.Errorf("ack %s: %w", m.ID, ErrClaimLost)
	}
	return nil
}

// Retry enqueues the job again after delay.
func (q *MemoryQueue) Retry(ctx context.Context, m Message, delay time.Duration) error {
	q.mu.Lock()
	if !q.settle(m) {
		q.mu.Unlock()
		return fmt.Errorf("schedule retry of %s: %w", m.ID, ErrClaimLost)
	}
	q.delayed++
	q.mu.Unlock()
	j := m.Job
	j.Attempt++
	time.AfterFunc(delay, func() {
		q.mu.Lock()
		q.delayed--
		q.mu.Unlock()
		q.Enqueue(context.Background(), j)
	})
	return nil
}

// Bury keeps the message among the dead letters (the last 1,000).
func (q *MemoryQueue) Bury(ctx context.Context, m Message, reason string) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if !q.settle(m) {
		return fmt.Errorf("bury %s: %w", m.ID, ErrClaimLost)
	}
	q.dead = append(q.dead, DeadLetter{ID: m.ID, Job: m.Job, Reason: reason, FailedAt: time.Now().UTC()})
	if len(q.dead) > 1000 {
		q.dead = q.dead[len(q.dead)-1000:]
	}
	return nil
}

// DeadLetters lists the dead letters, newest first.
func (q *MemoryQueue) DeadLetters(ctx context.Context, limit int) ([]DeadLetter, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	var out []DeadLetter
	for i := len(q.dead) - 1; i >= 0 && len(out) < limit; i-- {
		out = append(out, q.dead[i])
	}
	return out, nil
}

// RemoveDeadLetter deletes a dead letter.
func (q *MemoryQueue) RemoveDeadLetter(ctx context.Context, id string) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	for i, d := range q.dead {
		if d.ID == id {
			q.dead = append(q.dead[:i], q.dead[i+1:]...)
			break
		}
	}
	return nil
}

// Stats counts the jobs in each state.
func (q *MemoryQueue) Stats(ctx context.Context) (Stats, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	return Stats{Ready: int64(len(q.ready)), InFlight: int64(len(q.held)), Delayed: q.delayed, Dead: int64(len(q.dead))}, nil
}
