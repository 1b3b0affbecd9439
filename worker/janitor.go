package worker

import (
	"context"
	"log/slog"
	"time"

	"motando/models"
	"motando/storage"
)

// Janitor runs the periodic chores: it re-enqueues ads that have waited for
// the worker too long (a lost enqueue, Redis down at submit time), and, for
// the local backend, sweeps old temporary objects as the bucket's lifecycle
// rule would.
type Janitor struct {
	DB    *models.DB
	Queue Queue
	Store storage.Storage

	Every      time.Duration // how often the chores run
	StaleAfter time.Duration // an ad pending longer than this is re-enqueued

	SweepTemp     bool          // sweep the temporary bucket (local backend)
	TempRetention time.Duration // age of temporary objects the sweep deletes
}

// Run does the chores every j.Every until ctx ends.
func (j *Janitor) Run(ctx context.Context) {
	t := time.NewTicker(j.Every)
	defer t.Stop()
	lastSweep := time.Time{}
	for {
		if _, err := j.Reconcile(ctx); err != nil && ctx.Err() == nil {
			slog.Warn("reconciler: failed", "err", err)
		}
		if j.SweepTemp && time.Since(lastSweep) >= time.Hour {
			lastSweep = time.Now()
			n, err := storage.Sweep(ctx, j.Store, storage.Temp, time.Now().Add(-j.TempRetention))
			if err != nil && ctx.Err() == nil {
				slog.Warn("sweep: failed", "err", err)
			} else if n > 0 {
				slog.Info("sweep: old temporary photos deleted", "count", n)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Reconcile enqueues every ad pending for longer than StaleAfter and returns
// how many it enqueued. An ad whose enqueue fails is claimed again once
// StaleAfter has passed.
func (j *Janitor) Reconcile(ctx context.Context) (int, error) {
	n := 0
	for {
		ids, err := j.DB.ClaimStalePending(ctx, time.Now().Add(-j.StaleAfter), 500)
		if err != nil {
			return n, err
		}
		for _, id := range ids {
			if err := j.Queue.Enqueue(ctx, Job{Kind: KindAd, ID: id}); err != nil {
				return n, err
			}
			n++
		}
		if len(ids) < 500 {
			if n > 0 {
				slog.Info("reconciler: stranded ads enqueued again", "count", n)
			}
			return n, nil
		}
	}
}
