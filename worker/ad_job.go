package worker

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	_ "image/jpeg" // the variants are JPEG
	"io"
	"log/slog"
	"runtime"
	"slices"
	"time"

	"golang.org/x/sync/errgroup"

	"motando/models"
	"motando/photo"
	"motando/storage"
)

// AdJob brings an ad in line with its status. For new and update it
// processes each pending photo into the public bucket (skipping what exists),
// deletes the objects of removed photos, publishes the ad in one
// transaction, then deletes the temporary objects. For delete it removes
// every object and then the rows. Every step can run twice.
type AdJob struct {
	db      *models.DB
	store   storage.Storage
	ttl     time.Duration
	metrics *Metrics
	// cpu bounds the photos decoded at once across every job, one per core:
	// more would only add memory and garbage collection, not speed.
	cpu chan struct{}

	// Published, when set, is told of each ad the job published for the
	// first time, after the publication committed.
	Published func(ctx context.Context, adID uint64)
}

// NewAdJob returns the ad job; ttl is how long a newly published ad stays up.
func NewAdJob(db *models.DB, store storage.Storage, ttl time.Duration, metrics *Metrics) *AdJob {
	return &AdJob{db: db, store: store, ttl: ttl, metrics: metrics, cpu: make(chan struct{}, runtime.GOMAXPROCS(0))}
}

// VariantKey is the public-bucket key of an image's variant ("thumb" or
// "large"). It depends only on the ids, so a rerun overwrites, never duplicates.
func VariantKey(adID, imageID uint64, variant string) string {
	return fmt.Sprintf("ads/%d/%d-%s.jpg", adID, imageID, variant)
}

// Run is the job's Handler.
func (a *AdJob) Run(ctx context.Context, j Job) error {
	ad, err := a.db.AdForJob(ctx, j.ID)
	if errors.Is(err, models.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	switch ad.Status {
	case models.StatusNew, models.StatusUpdate:
		return a.sync(ctx, ad)
	case models.StatusDelete:
		return a.remove(ctx, ad)
	}
	// A settled ad: an earlier run may have stopped between its last
	// transaction and deleting the temporary objects.
	a.dropTemps(ctx, ad.Images, models.ImageReady, models.ImageFailed)
	return nil
}

func (a *AdJob) sync(ctx context.Context, ad *models.Ad) error {
	var pending []models.Image
	var removed []uint64
	for _, img := range ad.Images {
		switch img.Status {
		case models.ImageRemoved:
			if err := a.deleteObjects(ctx, ad.ID, img); err != nil {
				return err
			}
			removed = append(removed, img.ID)
		case models.ImagePending:
			pending = append(pending, img)
		}
	}

	results := make([]models.ImageResult, len(pending))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(cap(a.cpu))
	for i, img := range pending {
		g.Go(func() error {
			r, err := a.process(gctx, ad.ID, img)
			results[i] = r
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}

	outcome, err := a.db.FinishSync(ctx, ad.ID, results, removed, a.ttl)
	if errors.Is(err, models.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	// Every photo left in the ad is processed now, including those of an
	// earlier run that stopped before deleting their temporary objects.
	a.dropTemps(ctx, ad.Images, models.ImagePending, models.ImageReady, models.ImageFailed)
	slog.Info("worker: ad synced", "ad", ad.ID, "from", ad.Status, "outcome", outcome, "photos", len(pending))
	if outcome == models.SyncPublished && ad.Status == models.StatusNew {
		a.metrics.ObservePublish(time.Since(ad.StatusChanged))
		if a.Published != nil {
			a.Published(ctx, ad.ID)
		}
	}
	return nil
}

// dropTemps deletes the temporary objects of the images in one of the
// statuses; what cannot be deleted now is left to the lifecycle sweep.
func (a *AdJob) dropTemps(ctx context.Context, imgs []models.Image, statuses ...string) {
	for _, img := range imgs {
		if img.TmpKey == "" || !slices.Contains(statuses, img.Status) {
			continue
		}
		if err := a.store.Delete(ctx, storage.Temp, img.TmpKey); err != nil {
			slog.Warn("worker: temporary photo not deleted; the lifecycle sweep will", "key", img.TmpKey, "err", err)
		}
	}
}

// process turns one pending photo into its public variants. A photo that can
// never be processed comes back with Error set; storage problems are errors
// (the job is retried).
func (a *AdJob) process(ctx context.Context, adID uint64, img models.Image) (models.ImageResult, error) {
	res := models.ImageResult{
		ImageID:  img.ID,
		ThumbKey: VariantKey(adID, img.ID, "thumb"),
		LargeKey: VariantKey(adID, img.ID, "large"),
	}
	if ok, err := a.readExisting(ctx, &res); err != nil || ok {
		return res, err
	}
	rc, _, err := a.store.Get(ctx, storage.Temp, img.TmpKey)
	if errors.Is(err, storage.ErrNotExist) {
		res.Error = "A foto enviada não está mais disponível; envie-a de novo."
		return res, nil
	}
	if err != nil {
		return res, err
	}
	// Fetch first, then wait for a core: slow storage never holds one.
	original, err := io.ReadAll(io.LimitReader(rc, photo.MaxBytes+1))
	rc.Close()
	if err != nil {
		return res, fmt.Errorf("photo %d: read %s: %w", img.ID, img.TmpKey, err)
	}
	select {
	case a.cpu <- struct{}{}:
	case <-ctx.Done():
		return res, ctx.Err()
	}
	variants, err := photo.Process(bytes.NewReader(original))
	<-a.cpu
	var perr *photo.Error
	if errors.As(err, &perr) {
		res.Error = perr.Message
		return res, nil
	}
	if err != nil {
		return res, fmt.Errorf("photo %d: %w", img.ID, err)
	}
	for _, v := range variants {
		key := res.LargeKey
		if v.Name == "thumb" {
			key = res.ThumbKey
			res.ThumbWidth, res.ThumbHeight = v.Width, v.Height
		} else {
			res.LargeWidth, res.LargeHeight = v.Width, v.Height
		}
		if err := a.store.Put(ctx, storage.Public, key, bytes.NewReader(v.Data), int64(len(v.Data)), "image/jpeg"); err != nil {
			return res, err
		}
	}
	return res, nil
}

// readExisting fills the variants' sizes when both already exist (an
// earlier run wrote them) and reports whether they do.
func (a *AdJob) readExisting(ctx context.Context, res *models.ImageResult) (bool, error) {
	for _, v := range []struct {
		key  string
		w, h *int
	}{{res.ThumbKey, &res.ThumbWidth, &res.ThumbHeight}, {res.LargeKey, &res.LargeWidth, &res.LargeHeight}} {
		rc, _, err := a.store.Get(ctx, storage.Public, v.key)
		if errors.Is(err, storage.ErrNotExist) {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		cfg, _, err := image.DecodeConfig(rc)
		rc.Close()
		if err != nil {
			return false, nil // unreadable: make it again
		}
		*v.w, *v.h = cfg.Width, cfg.Height
	}
	return true, nil
}

func (a *AdJob) remove(ctx context.Context, ad *models.Ad) error {
	for _, img := range ad.Images {
		if err := a.deleteObjects(ctx, ad.ID, img); err != nil {
			return err
		}
	}
	if err := a.db.DeleteAdRows(ctx, ad.ID); err != nil {
		return err
	}
	slog.Info("worker: ad deleted", "ad", ad.ID, "photos", len(ad.Images))
	return nil
}

// deleteObjects removes every object an image may have in either bucket.
func (a *AdJob) deleteObjects(ctx context.Context, adID uint64, img models.Image) error {
	for _, key := range []string{VariantKey(adID, img.ID, "thumb"), VariantKey(adID, img.ID, "large")} {
		if err := a.store.Delete(ctx, storage.Public, key); err != nil {
			return err
		}
	}
	if img.TmpKey != "" {
		return a.store.Delete(ctx, storage.Temp, img.TmpKey)
	}
	return nil
}
