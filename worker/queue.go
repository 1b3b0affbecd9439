// Package worker runs the background jobs: the queue (a Redis stream, or an
// in-process queue for the embedded default), the bounded pool that runs
// them, the ad publication/update/deletion job, the reconciler that
// re-enqueues stranded ads, and the dead letters.
package worker

import (
	"context"
	"errors"
	"time"
)

// ErrClaimLost reports that a message is no longer held by the delivery that
// received it: its visibility timeout ran out and another worker (or another
// delivery in this one) took it over, or the queue lost it (a Redis restart
// without persistence). Ack, Retry, Bury and Extend return it, wrapped,
// without touching the message, whose current holder decides its fate.
var ErrClaimLost = errors.New("claim on the message lost")

// Job kinds.
const (
	KindAd     = "ad"     // bring an ad in line with its status: publish, update or delete it
	KindAlerts = "alerts" // tell people of an ad: its saved-search matches, its lower price
)

// Job is one unit of work. Jobs carry ids only: the handler re-reads the
// database, which is the truth.
type Job struct {
	Kind    string `json:"kind"`
	ID      uint64 `json:"id"`
	Attempt int    `json:"attempt,omitempty"` // failed runs before this one
}

// Message is a delivered job. ID and Deliveries together name one delivery:
// the Redis queue only acknowledges, retries, buries or extends a message
// still pending for the consumer that received it with that delivery count.
type Message struct {
	ID         string
	Job        Job
	Deliveries int // how many times this message was handed out, this one included
}

// DeadLetter is a job that failed too many times.
type DeadLetter struct {
	ID       string
	Job      Job
	Reason   string
	FailedAt time.Time
}

// Stats describes the queue for metrics and the admin area.
type Stats struct {
	Ready    int64 // waiting to be read
	InFlight int64 // read, not acknowledged yet
	Delayed  int64 // waiting for a retry
	Dead     int64 // dead letters
}

// Queue carries jobs from the web (and the reconciler) to the workers.
type Queue interface {
	// Enqueue adds a job.
	Enqueue(ctx context.Context, j Job) error
	// Receive waits briefly for up to max messages; it may return none. A
	// message received stays with its receiver for the visibility timeout,
	// renewed by each Extend; past it, the queue may hand it to another.
	Receive(ctx context.Context, max int) ([]Message, error)
	// Visibility is how long a received message stays with its receiver
	// without an Extend before it may be handed out again; 0 means forever
	// (the in-process queue), and then Extend is never needed.
	Visibility() time.Duration
	// Extend tells the queue that the message is still being worked on,
	// restarting its visibility timeout without counting a delivery. It
	// returns ErrClaimLost (wrapped) when the message was handed to another
	// delivery meanwhile, and never takes it back.
	Extend(ctx context.Context, m Message) error
	// Ack removes a finished message. When the claim was lost it returns
	// ErrClaimLost (wrapped) and leaves the message to its current holder.
	Ack(ctx context.Context, m Message) error
	// Retry removes the message and schedules its job again after delay,
	// with Attempt increased. When the claim was lost it returns
	// ErrClaimLost (wrapped) and schedules nothing.
	Retry(ctx context.Context, m Message, delay time.Duration) error
	// Bury moves the message to the dead letters with the reason. When the
	// claim was lost it returns ErrClaimLost (wrapped) and buries nothing.
	Bury(ctx context.Context, m Message, reason string) error
	// DeadLetters lists the dead letters, newest first, up to limit.
	DeadLetters(ctx context.Context, limit int) ([]DeadLetter, error)
	// RemoveDeadLetter deletes a dead letter (after it was retried).
	RemoveDeadLetter(ctx context.Context, id string) error
	// Stats counts the jobs in each state.
	Stats(ctx context.Context) (Stats, error)
}
