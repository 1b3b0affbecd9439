package worker

import (
	"bytes"
	"context"
	"sync/atomic"
	"testing"
	"time"

	"motando/models"
	"motando/models/modelstest"
	"motando/storage"
	"motando/storage/ocitest"
)

// With the OCI backend failing every call, the job is retried with backoff;
// after five deliveries the ad is failed and a dead letter exists. Once the
// fault clears, retrying the ad publishes it.
func TestOCIOutageEndsFailedThenRetryPublishes(t *testing.T) {
	modelstest.EachDialect(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		srv := ocitest.New(t)
		cfg := srv.Config()
		cfg.DisableCircuitBreaker = true
		store, err := storage.NewOCIWithProvider(cfg, srv.Provider())
		if err != nil {
			t.Fatal(err)
		}
		owner := modelstest.CreateUser(t, db, "Vendedor")
		photo := testJPEG(t, 640, 480, 0)
		if err := store.Put(ctx, storage.Temp, "uploads/oci.jpg", bytes.NewReader(photo), int64(len(photo)), "image/jpeg"); err != nil {
			t.Fatal(err)
		}
		ad := modelstest.CreateAd(t, db, modelstest.NewAd(t, db, owner), "uploads/oci.jpg")

		job := NewAdJob(db, store, time.Hour, NewMetrics())
		var runs atomic.Int64
		q := NewMemoryQueue()
		r := newTestRunner(q, 2, func(ctx context.Context, j Job) error { runs.Add(1); return job.Run(ctx, j) })
		r.Backoff = ExponentialBackoff(50*time.Millisecond, time.Second)
		r.OnDead = func(ctx context.Context, j Job, reason string) { db.MarkAdFailed(ctx, j.ID, "falhou") }

		srv.FailAll(503)
		q.Enqueue(ctx, Job{Kind: KindAd, ID: ad.ID})
		runFor(t, r, func() bool {
			st, _ := q.Stats(ctx)
			return st.Dead == 1
		}, 60*time.Second)
		if runs.Load() != 5 {
			t.Errorf("the job ran %d times, want 5", runs.Load())
		}
		got, _ := db.AdForJob(ctx, ad.ID)
		if got.Status != models.StatusFailed || got.StatusReason == "" {
			t.Fatalf("after the outage: status %s reason %q", got.Status, got.StatusReason)
		}

		srv.Heal()
		if ok, err := db.RetryFailedAd(ctx, ad.ID); !ok || err != nil {
			t.Fatalf("RetryFailedAd: %v %v", ok, err)
		}
		q.Enqueue(ctx, Job{Kind: KindAd, ID: ad.ID})
		runFor(t, r, func() bool {
			got, _ := db.AdForJob(ctx, ad.ID)
			return got.Status == models.StatusPublished
		}, 30*time.Second)
		if keys := srv.Keys(cfg.PublicBucket); len(keys) != 2 {
			t.Errorf("public bucket after the retry: %v", keys)
		}
		if keys := srv.Keys(cfg.TempBucket); len(keys) != 0 {
			t.Errorf("temporary bucket after the retry: %v", keys)
		}
	})
}
