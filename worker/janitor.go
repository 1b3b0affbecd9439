package worker

import (
	"context"
	"log/slog"
	"time"

	"motando/models"
	"motando/storage"
)

// Janitor runs the periodic chores: it re-enqueues ads and e-mails that have
// waited for the worker too long (a lost enqueue, Redis down at submit
// time), expires ads past their date, deletes expired sessions and old
// upload records and, for the local backend, sweeps old temporary objects as
// the bucket's lifecycle rule would.
type Janitor struct {
	DB    *models.DB
	Queue Queue
	Store storage.Storage

	Every      time.Duration // how often the chores run
	StaleAfter time.Duration // an ad pending longer than this is re-enqueued

	SweepTemp     bool          // sweep the temporary bucket (local backend)
	TempRetention time.Duration // age of temporary objects the sweep deletes

	// Digests, when set, queues the saved searches' daily e-mails that are
	// due; it runs every ten minutes.
	Digests func(ctx context.Context) (int, error)
}

// Run does the chores every j.Every until ctx ends.
func (j *Janitor) Run(ctx context.Context) {
	t := time.NewTicker(j.Every)
	defer t.Stop()
	lastSweep, lastDigests := time.Time{}, time.Time{}
	for {
		if _, err := j.Reconcile(ctx); err != nil && ctx.Err() == nil {
			slog.Warn("reconciler: failed", "err", err)
		}
		if n, err := j.DB.ExpireAds(ctx, time.Now().UTC()); err != nil && ctx.Err() == nil {
			slog.Warn("janitor: ads not expired", "err", err)
		} else if n > 0 {
			slog.Info("janitor: ads expired", "count", n)
		}
		if j.Digests != nil && time.Since(lastDigests) >= 10*time.Minute {
			lastDigests = time.Now()
			if n, err := j.Digests(ctx); err != nil && ctx.Err() == nil {
				slog.Warn("janitor: daily alerts not sent", "err", err)
			} else if n > 0 {
				slog.Info("janitor: daily alerts queued", "count", n)
			}
		}
		if time.Since(lastSweep) >= time.Hour {
			lastSweep = time.Now()
			j.hourly(ctx)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// hourly removes what has outlived its use: expired sessions and, for the
// local backend, old temporary photos.
func (j *Janitor) hourly(ctx context.Context) {
	if n, err := j.DB.DeleteExpiredSessions(ctx, time.Now().UTC()); err != nil && ctx.Err() == nil {
		slog.Warn("janitor: expired sessions not deleted", "err", err)
	} else if n > 0 {
		slog.Info("janitor: expired sessions deleted", "count", n)
	}
	if n, err := j.DB.DeleteStaleUploads(ctx, time.Now().Add(-j.TempRetention)); err != nil && ctx.Err() == nil {
		slog.Warn("janitor: old uploads not deleted", "err", err)
	} else if n > 0 {
		slog.Info("janitor: old uploads deleted", "count", n)
	}
	if !j.SweepTemp {
		return
	}
	n, err := storage.Sweep(ctx, j.Store, storage.Temp, time.Now().Add(-j.TempRetention))
	if err != nil && ctx.Err() == nil {
		slog.Warn("sweep: failed", "err", err)
	} else if n > 0 {
		slog.Info("sweep: old temporary photos deleted", "count", n)
	}
}

// Reconcile enqueues every ad pending for longer than StaleAfter, every ad
// whose alerts waited as long, and every e-mail never tried, and returns
// how many jobs it enqueued. An ad whose
// enqueue fails is claimed again once StaleAfter has passed.
func (j *Janitor) Reconcile(ctx context.Context) (int, error) {
	emails, err := j.DB.StalePendingEmails(ctx, time.Now().Add(-j.StaleAfter), 500)
	if err != nil {
		return 0, err
	}
	for _, id := range emails {
		if err := j.Queue.Enqueue(ctx, Job{Kind: KindEmail, ID: id}); err != nil {
			return 0, err
		}
	}
	n := len(emails)
	alerts, err := j.DB.ClaimPendingAlerts(ctx, time.Now().Add(-j.StaleAfter), 500)
	if err != nil {
		return n, err
	}
	for _, id := range alerts {
		if err := j.Queue.Enqueue(ctx, Job{Kind: KindAlerts, ID: id}); err != nil {
			return n, err
		}
		n++
	}
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
