package models

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// ErrPhotoUnavailable is returned when a photo token is not the owner's,
// already used, or unknown.
var ErrPhotoUnavailable = errors.New("photo unavailable")

// MaxPhotos is the most photos an ad may have.
const MaxPhotos = 20

// PhotoRef is one entry of an ad's ordered photo list: an image the ad
// already has, or a new upload.
type PhotoRef struct {
	ImageID uint64
	Token   string
}

// editableColumns are the columns an owner's form sets.
var editableColumns = []string{
	"brand_id", "model_id", "model_version_id", "type", "origin", "fabrication_year", "model_year", "license_plate",
	"mileage", "is_new", "color", "price", "sales_phrase", "description", "optional_alarm", "optional_chest",
	"optional_computer", "optional_gps", "accept_new_offer", "accept_exchange", "doc_ok", "brake_system",
	"ignition_system", "refrigeration", "state_id", "city_id", "search_text", "updated",
}

// claimUploads marks the user's uploads used, in the transaction, and
// returns them by token; any token not available fails the whole call.
func claimUploads(tx *gorm.DB, userID uint64, tokens []string, now time.Time) (map[string]Upload, error) {
	out := map[string]Upload{}
	if len(tokens) == 0 {
		return out, nil
	}
	var ups []Upload
	if err := tx.Where("user_id = ? AND used_at IS NULL AND token IN ?", userID, tokens).Find(&ups).Error; err != nil {
		return nil, err
	}
	res := tx.Model(&Upload{}).Where("user_id = ? AND used_at IS NULL AND token IN ?", userID, tokens).Update("used_at", now)
	if res.Error != nil {
		return nil, res.Error
	}
	if int(res.RowsAffected) != len(tokens) || len(ups) != len(tokens) {
		return nil, ErrPhotoUnavailable
	}
	for _, u := range ups {
		out[u.Token] = u
	}
	return out, nil
}

// CreateAd stores a new ad (status new) and its photos, in the order of the
// tokens, in one transaction; the uploads become used.
func (db *DB) CreateAd(ctx context.Context, ad *Ad, tokens []string) error {
	now := db.NowFunc()
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		ups, err := claimUploads(tx, ad.UserID, tokens, now)
		if err != nil {
			return err
		}
		ad.Status, ad.StatusChanged, ad.Listed = StatusNew, now, false
		ad.Images = nil
		for i, t := range tokens {
			ad.Images = append(ad.Images, Image{Position: i, Status: ImagePending, TmpKey: ups[t].TmpKey})
		}
		if err := tx.Create(ad).Error; err != nil {
			return err
		}
		return tx.Create(&PricePoint{AdID: ad.ID, Price: ad.Price, Changed: now}).Error
	})
	if errors.Is(err, ErrPhotoUnavailable) {
		return err
	}
	if err != nil {
		return fmt.Errorf("create ad: %w", err)
	}
	return nil
}

// OwnedAd reads one of the user's ads with its images in order. Another
// user's ad, or one being deleted, is ErrNotFound.
func (db *DB) OwnedAd(ctx context.Context, userID, adID uint64) (*Ad, error) {
	var ad Ad
	err := db.WithContext(ctx).
		Preload("Images", func(tx *gorm.DB) *gorm.DB {
			return tx.Where("status <> ?", ImageRemoved).Order("position, id")
		}).
		Where("id = ? AND user_id = ? AND status <> ?", adID, userID, StatusDelete).First(&ad).Error
	if err != nil {
		return nil, notFound(err, "read ad %d", adID)
	}
	return &ad, nil
}

// UpdateAd stores the owner's changes: the fields at once (a public ad stays
// public and shows them), and the photo list in its new order — images left
// out are removed, new uploads are added pending; a new price goes into the
// ad's history. It reports what the edit leaves for the worker.
func (db *DB) UpdateAd(ctx context.Context, ad *Ad, photos []PhotoRef) (AdUpdate, error) {
	now := db.NowFunc()
	var up AdUpdate
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var cur Ad
		if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).
			Where("id = ? AND user_id = ? AND status <> ?", ad.ID, ad.UserID, StatusDelete).First(&cur).Error; err != nil {
			return err
		}
		var err error
		if up.PriceDropped, err = changePrice(tx, &cur, ad.Price, now); err != nil {
			return err
		}
		ad.Updated = now
		if err := tx.Model(&Ad{}).Where("id = ?", ad.ID).Select(editableColumns).Updates(ad).Error; err != nil {
			return err
		}
		if up.NeedsJob, err = reorderPhotos(tx, ad, photos, now); err != nil {
			return err
		}
		if !up.NeedsJob && cur.Status != StatusFailed {
			return nil
		}
		up.NeedsJob = true
		status := StatusUpdate
		if cur.PublishedAt == nil {
			status = StatusNew
		}
		return tx.Model(&Ad{}).Where("id = ?", ad.ID).
			Updates(map[string]any{"status": status, "status_changed": now, "status_reason": ""}).Error
	})
	if errors.Is(err, ErrPhotoUnavailable) {
		return AdUpdate{}, err
	}
	if err != nil {
		return AdUpdate{}, notFound(err, "update ad %d", ad.ID)
	}
	db.AdsChanged(ctx, ad.ID)
	return up, nil
}

// reorderPhotos makes the ad's photos the list given, in its order: the
// images left out become removed, new uploads are added pending, kept
// images take their new position. It reports whether the worker has
// photos to process or delete.
func reorderPhotos(tx *gorm.DB, ad *Ad, photos []PhotoRef, now time.Time) (bool, error) {
	var images []Image
	if err := tx.Where("classifiedad_id = ? AND status <> ?", ad.ID, ImageRemoved).Find(&images).Error; err != nil {
		return false, err
	}
	kept := map[uint64]bool{}
	var tokens []string
	for _, p := range photos {
		if p.Token != "" {
			tokens = append(tokens, p.Token)
		} else {
			kept[p.ImageID] = true
		}
	}
	ups, err := claimUploads(tx, ad.UserID, tokens, now)
	if err != nil {
		return false, err
	}
	needsJob, owned := false, map[uint64]bool{}
	for _, img := range images {
		owned[img.ID] = true
		if !kept[img.ID] {
			needsJob = true
			if err := tx.Model(&Image{}).Where("id = ?", img.ID).Update("status", ImageRemoved).Error; err != nil {
				return false, err
			}
		}
	}
	for pos, p := range photos {
		switch {
		case p.Token != "":
			needsJob = true
			err = tx.Create(&Image{AdID: ad.ID, Position: pos, Status: ImagePending, TmpKey: ups[p.Token].TmpKey}).Error
		case !owned[p.ImageID]:
			err = ErrPhotoUnavailable
		default:
			err = tx.Model(&Image{}).Where("id = ?", p.ImageID).Update("position", pos).Error
		}
		if err != nil {
			return false, err
		}
	}
	return needsJob, nil
}

// AdUpdate is what an edit of an ad leaves for the worker.
type AdUpdate struct {
	NeedsJob     bool // photos to process or delete
	PriceDropped bool // the people who saved the ad are to be told of its lower price
}

// DeleteOwnAd takes the ad off the public pages at once and leaves its
// objects and rows to the worker.
func (db *DB) DeleteOwnAd(ctx context.Context, userID, adID uint64) error {
	res := db.WithContext(ctx).Model(&Ad{}).Where("id = ? AND user_id = ? AND status <> ?", adID, userID, StatusDelete).
		Updates(map[string]any{"status": StatusDelete, "listed": false, "status_changed": db.NowFunc()})
	if res.Error != nil {
		return fmt.Errorf("delete ad %d: %w", adID, res.Error)
	}
	if res.RowsAffected == 0 {
		return ErrNotFound
	}
	db.AdsChanged(ctx, adID)
	return nil
}

// RetryOwnAd puts the owner's failed ad back in the pipeline.
func (db *DB) RetryOwnAd(ctx context.Context, userID, adID uint64) error {
	if _, err := db.OwnedAd(ctx, userID, adID); err != nil {
		return err
	}
	ok, err := db.RetryFailedAd(ctx, adID)
	if err != nil {
		return err
	}
	if !ok {
		return ErrNotFound
	}
	return nil
}

// RenewAd puts the owner's expired ad back on the public pages for ttl.
func (db *DB) RenewAd(ctx context.Context, userID, adID uint64, ttl time.Duration) error {
	now := db.NowFunc()
	res := db.WithContext(ctx).Model(&Ad{}).Where("id = ? AND user_id = ? AND status = ?", adID, userID, StatusExpired).
		Updates(map[string]any{
			"status": StatusPublished, "status_changed": now, "expires_at": now.Add(ttl),
			"listed": gorm.Expr(listedExpr),
		})
	if res.Error != nil {
		return fmt.Errorf("renew ad %d: %w", adID, res.Error)
	}
	if res.RowsAffected == 0 {
		return ErrNotFound
	}
	db.AdsChanged(ctx, adID)
	return nil
}

// expireBatch is the most ads one ExpireAds call takes down.
const expireBatch = 1000

// ExpireAds takes published ads past their expiry off the public pages, up
// to a thousand a call, and returns how many.
func (db *DB) ExpireAds(ctx context.Context, now time.Time) (int64, error) {
	due := func() *gorm.DB {
		return db.WithContext(ctx).Model(&Ad{}).
			Where("listed = ? AND expires_at <= ? AND status IN ?", true, now, []string{StatusPublished, StatusUpdate})
	}
	var ids []uint64
	if err := due().Order("expires_at").Limit(expireBatch).Pluck("id", &ids).Error; err != nil {
		return 0, fmt.Errorf("expire ads: %w", err)
	}
	if len(ids) == 0 {
		return 0, nil
	}
	res := due().Where("id IN ?", ids).Updates(map[string]any{"status": StatusExpired, "listed": false, "status_changed": now})
	if res.Error != nil {
		return 0, fmt.Errorf("expire ads: %w", res.Error)
	}
	db.AdsChanged(ctx, ids...)
	return res.RowsAffected, nil
}

// listedExpr is whether a published ad belongs on the public pages: not
// hidden by moderation, its owner not blocked.
const listedExpr = "CASE WHEN hidden_at IS NULL AND (SELECT blocked_at FROM users WHERE users.id = classifiedad.user_id) IS NULL THEN 1 ELSE 0 END"

// AdsOf lists the user's ads, newest first, with their images in order.
func (db *DB) AdsOf(ctx context.Context, userID uint64) ([]Ad, error) {
	var ads []Ad
	err := db.WithContext(ctx).
		Preload("Images", func(tx *gorm.DB) *gorm.DB {
			return tx.Where("status <> ?", ImageRemoved).Order("position, id")
		}).
		Where("user_id = ? AND status <> ?", userID, StatusDelete).Order("created DESC, id DESC").Find(&ads).Error
	if err != nil {
		return nil, fmt.Errorf("list ads of user %d: %w", userID, err)
	}
	return ads, nil
}
