package models

import (
	"context"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// AdForJob reads an ad with all its images, in position order, for the
// worker. A deleted ad is ErrNotFound.
func (db *DB) AdForJob(ctx context.Context, id uint64) (*Ad, error) {
	var ad Ad
	err := db.WithContext(ctx).
		Preload("Images", func(tx *gorm.DB) *gorm.DB { return tx.Order("position, id") }).
		First(&ad, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("read ad %d: %w", id, err)
	}
	return &ad, nil
}

// ImageResult is what the worker made of one pending image.
type ImageResult struct {
	ImageID                 uint64
	ThumbKey, LargeKey      string
	ThumbWidth, ThumbHeight int
	LargeWidth, LargeHeight int
	Error                   string // non-empty: the photo failed for good
}

// SyncOutcome says where FinishSync left the ad.
type SyncOutcome string

// Outcomes of FinishSync.
const (
	SyncPublished SyncOutcome = "published" // the ad is public with its ready photos
	SyncFailed    SyncOutcome = "failed"    // no photo could be processed
	SyncUnchanged SyncOutcome = "unchanged" // the ad changed meanwhile (new photos, deleted); another job follows
)

// FinishSync records the processed images and, in the same transaction,
// publishes the ad: its images point at the public bucket, the rows of the
// removed images whose objects the worker deleted (removed) go, and the ad
// becomes published (listed unless hidden or its owner is blocked), with its
// publication and expiry times set, and its alerts pending, the first
// time. An ad left without any ready photo becomes failed instead. An ad whose owner added or removed
// photos meanwhile stays as it is, for the job their edit queued.
func (db *DB) FinishSync(ctx context.Context, adID uint64, results []ImageResult, removed []uint64, ttl time.Duration) (SyncOutcome, error) {
	now := db.NowFunc()
	outcome := SyncUnchanged
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var ad Ad
		if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Select("id", "status", "published_at").First(&ad, adID).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return ErrNotFound
			}
			return err
		}
		failures, err := recordResults(tx, adID, results, removed)
		if err != nil || (ad.Status != StatusNew && ad.Status != StatusUpdate) {
			return err
		}
		outcome, err = settle(tx, &ad, failures, now, ttl)
		return err
	})
	if err != nil {
		return "", fmt.Errorf("finish ad %d: %w", adID, err)
	}
	if outcome != SyncUnchanged {
		db.AdsChanged(ctx, adID)
	}
	return outcome, nil
}

// recordResults stores what the worker made of each pending image and drops
// the rows of the removed images whose objects it deleted. It returns the
// reasons of the photos that failed.
func recordResults(tx *gorm.DB, adID uint64, results []ImageResult, removed []uint64) ([]string, error) {
	var failures []string
	for _, r := range results {
		upd := map[string]any{"status": ImageReady, "thumb_key": r.ThumbKey, "large_key": r.LargeKey,
			"thumb_width": r.ThumbWidth, "thumb_height": r.ThumbHeight,
			"large_width": r.LargeWidth, "large_height": r.LargeHeight, "error": ""}
		if r.Error != "" {
			upd = map[string]any{"status": ImageFailed, "error": truncate(r.Error, 500)}
			failures = append(failures, r.Error)
		}
		if err := tx.Model(&Image{}).Where("id = ? AND classifiedad_id = ? AND status = ?", r.ImageID, adID, ImagePending).
			Updates(upd).Error; err != nil {
			return nil, err
		}
	}
	if len(removed) > 0 {
		if err := tx.Where("classifiedad_id = ? AND status = ? AND id IN ?", adID, ImageRemoved, removed).Delete(&Image{}).Error; err != nil {
			return nil, err
		}
	}
	return failures, nil
}

// settle publishes the ad once none of its photos waits for the worker —
// or fails it when none is ready — and says which it did.
func settle(tx *gorm.DB, ad *Ad, failures []string, now time.Time, ttl time.Duration) (SyncOutcome, error) {
	var waiting, ready int64
	if err := tx.Model(&Image{}).Where("classifiedad_id = ? AND status IN ?", ad.ID, []string{ImagePending, ImageRemoved}).
		Count(&waiting).Error; err != nil || waiting > 0 {
		return SyncUnchanged, err
	}
	if err := tx.Model(&Image{}).Where("classifiedad_id = ? AND status = ?", ad.ID, ImageReady).Count(&ready).Error; err != nil {
		return SyncUnchanged, err
	}
	if ready == 0 {
		reason := "Nenhuma foto pôde ser processada."
		if len(failures) > 0 {
			reason += " " + failures[0]
		}
		return SyncFailed, tx.Model(&Ad{}).Where("id = ?", ad.ID).Updates(map[string]any{
			"status": StatusFailed, "status_reason": truncate(reason, 1000), "status_changed": now, "listed": false,
		}).Error
	}
	upd := map[string]any{
		"status":         StatusPublished,
		"status_reason":  "",
		"status_changed": now,
		"listed":         gorm.Expr(listedExpr),
		"published_at":   gorm.Expr("COALESCE(published_at, ?)", now),
		"expires_at":     gorm.Expr("COALESCE(expires_at, ?)", now.Add(ttl)),
	}
	if ad.PublishedAt == nil {
		upd["alerts_pending"] = true // the first publication: saved searches are to be matched
	}
	return SyncPublished, tx.Model(&Ad{}).Where("id = ?", ad.ID).Updates(upd).Error
}

// MarkAdFailed records that the worker gave up on the ad. A public ad whose
// update failed stays public with its previous photos.
func (db *DB) MarkAdFailed(ctx context.Context, adID uint64, reason string) error {
	err := db.WithContext(ctx).Model(&Ad{}).
		Where("id = ? AND status IN ?", adID, PendingStatuses).
		Updates(map[string]any{"status": StatusFailed, "status_reason": truncate(reason, 1000), "status_changed": db.NowFunc()}).Error
	if err != nil {
		return fmt.Errorf("mark ad %d failed: %w", adID, err)
	}
	return nil
}

// RetryFailedAd puts a failed ad back in the pipeline: back to new if it was
// never published, to update otherwise. It reports whether the ad was failed.
func (db *DB) RetryFailedAd(ctx context.Context, adID uint64) (bool, error) {
	res := db.WithContext(ctx).Model(&Ad{}).
		Where("id = ? AND status = ?", adID, StatusFailed).
		Updates(map[string]any{
			"status":         gorm.Expr("CASE WHEN published_at IS NULL THEN ? ELSE ? END", StatusNew, StatusUpdate),
			"status_reason":  "",
			"status_changed": db.NowFunc(),
		})
	if res.Error != nil {
		return false, fmt.Errorf("retry ad %d: %w", adID, res.Error)
	}
	return res.RowsAffected == 1, nil
}

// DeleteAdRows removes the ad and, by cascade, its images, conversations and
// reports.
func (db *DB) DeleteAdRows(ctx context.Context, adID uint64) error {
	if err := db.WithContext(ctx).Delete(&Ad{}, adID).Error; err != nil {
		return fmt.Errorf("delete ad %d: %w", adID, err)
	}
	db.AdsChanged(ctx, adID)
	return nil
}

// ClaimStalePending finds ads waiting for the worker since before cutoff and
// touches them, so that concurrent reconcilers each claim an ad once. It
// returns the claimed ids.
func (db *DB) ClaimStalePending(ctx context.Context, cutoff time.Time, limit int) ([]uint64, error) {
	var stale []Ad
	err := db.WithContext(ctx).Select("id", "status_changed").
		Where("status IN ? AND status_changed < ?", PendingStatuses, cutoff).
		Order("status_changed").Limit(limit).Find(&stale).Error
	if err != nil {
		return nil, fmt.Errorf("find stale ads: %w", err)
	}
	now := db.NowFunc()
	var ids []uint64
	for _, ad := range stale {
		res := db.WithContext(ctx).Model(&Ad{}).
			Where("id = ? AND status_changed = ?", ad.ID, ad.StatusChanged).
			Update("status_changed", now)
		if res.Error != nil {
			return ids, fmt.Errorf("claim ad %d: %w", ad.ID, res.Error)
		}
		if res.RowsAffected == 1 {
			ids = append(ids, ad.ID)
		}
	}
	return ids, nil
}

// truncate cuts s to at most n bytes without splitting a character.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
