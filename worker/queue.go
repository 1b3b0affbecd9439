// Package worker runs the background jobs: the queue (a Redis stream, or an
// in-process queue for the embedded default), the bounded pool that runs
// them, the ad publication/update/deletion job, the reconciler that
// re-enqueues stranded ads, and the dead letters.
package worker

import (
	"context"
	"time"
)

// Job kinds.
const (
	KindAd = "ad" // bring an ad in line with its status: publish, update or delete it
)

// Job is one unit of work. Jobs carry ids only: the handler re-reads the
// database, which is the truth.
type Job struct {
	Kind    string `json:"kind"`
	ID      uint64 `json:"id"`
	Attempt int    `json:"attempt,omitempty"` // failed runs before this one
}

// Message is a delivered job.
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
	// Receive waits briefly for up to max messages; it may return none.
	Receive(ctx context.Context, max int) ([]Message, error)
	// Ack removes a finished message.
	Ack(ctx context.Context, m Message) error
	// Retry removes the message and schedules its job again after delay,
	// with Attempt increased.
	Retry(ctx context.Context, m Message, delay time.Duration) error
	// Bury moves the message to the dead letters with the reason.
	Bury(ctx context.Context, m Message, reason string) error
	// DeadLetters lists the dead letters, newest first, up to limit.
	DeadLetters(ctx context.Context, limit int) ([]DeadLetter, error)
	// RemoveDeadLetter deletes a dead letter (after it was retried).
	RemoveDeadLetter(ctx context.Context, id string) error
	// Stats counts the jobs in each state.
	Stats(ctx context.Context) (Stats, error)
}
