package models

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Flags of the admin's list of ads.
const (
	FlagHidden   = "oculto"    // hidden by moderation
	FlagReported = "denuncias" // with open reports
	FlagTopOffer = "destaque"  // marked top offer
)

// AdminAdFilter narrows the admin's list of ads; zero values filter nothing.
type AdminAdFilter struct {
	Status string    // one of the statuses
	Owner  string    // part of the owner's e-mail or name
	From   time.Time // posted at or after
	Until  time.Time // posted before
	Flag   string    // FlagHidden, FlagReported or FlagTopOffer
}

func (f AdminAdFilter) apply(q *gorm.DB) *gorm.DB {
	q = q.Where("status <> ?", StatusDelete)
	if f.Status != "" {
		q = q.Where("status = ?", f.Status)
	}
	if f.Owner != "" {
		cond, args := userMatch(f.Owner)
		q = q.Where("user_id IN (SELECT id FROM users WHERE "+cond+")", args...)
	}
	if !f.From.IsZero() {
		q = q.Where("created >= ?", f.From)
	}
	if !f.Until.IsZero() {
		q = q.Where("created < ?", f.Until)
	}
	switch f.Flag {
	case FlagHidden:
		q = q.Where("hidden_at IS NOT NULL")
	case FlagReported:
		q = q.Where("id IN (SELECT classifiedad_id FROM reports WHERE closed_at IS NULL)")
	case FlagTopOffer:
		q = q.Where("top_offer = ?", true)
	}
	return q
}

// AdminAdList is a page of the admin's list of ads with what the list shows
// besides the ads: their owners and open reports.
type AdminAdList struct {
	Ads         []Ad
	Total       int64
	Owners      map[uint64]User
	OpenReports map[uint64]int64
}

// AdminAds lists the ads matching the filter, newest first: four queries.
func (db *DB) AdminAds(ctx context.Context, f AdminAdFilter, offset, limit int) (*AdminAdList, error) {
	out := &AdminAdList{Owners: map[uint64]User{}, OpenReports: map[uint64]int64{}}
	tx := db.WithContext(ctx)
	if err := f.apply(tx.Model(&Ad{})).Count(&out.Total).Error; err != nil {
		return nil, fmt.Errorf("count admin ads: %w", err)
	}
	cols := append([]string{"status_changed"}, cardColumns...)
	if err := f.apply(tx.Select(cols)).Order("id DESC").Offset(offset).Limit(limit).Find(&out.Ads).Error; err != nil {
		return nil, fmt.Errorf("list admin ads: %w", err)
	}
	if len(out.Ads) == 0 {
		return out, nil
	}
	var ads, owners []uint64
	for _, a := range out.Ads {
		ads = append(ads, a.ID)
		owners = append(owners, a.UserID)
	}
	var users []User
	if err := tx.Select("id", "email", "fullname", "blocked_at").Where("id IN ?", owners).Find(&users).Error; err != nil {
		return nil, fmt.Errorf("owners of admin ads: %w", err)
	}
	for _, u := range users {
		out.Owners[u.ID] = u
	}
	var reports []struct {
		AdID uint64
		N    int64
	}
	err := tx.Model(&Report{}).Select("classifiedad_id AS ad_id, COUNT(*) AS n").
		Where("closed_at IS NULL AND classifiedad_id IN ?", ads).Group("classifiedad_id").Scan(&reports).Error
	if err != nil {
		return nil, fmt.Errorf("reports of admin ads: %w", err)
	}
	for _, r := range reports {
		out.OpenReports[r.AdID] = r.N
	}
	return out, nil
}

// ReportsOf lists an ad's reports, open ones first, newest first.
func (db *DB) ReportsOf(ctx context.Context, adID uint64) ([]Report, error) {
	var rs []Report
	err := db.WithContext(ctx).Where("classifiedad_id = ?", adID).
		Order("CASE WHEN closed_at IS NULL THEN 0 ELSE 1 END, id DESC").Find(&rs).Error
	if err != nil {
		return nil, fmt.Errorf("reports of ad %d: %w", adID, err)
	}
	return rs, nil
}

// moderateAd changes an ad that is not being deleted, locked, in a
// transaction with the audit entry; a missing ad is ErrNotFound.
func (db *DB) moderateAd(ctx context.Context, actorID, adID uint64, action string, fn func(tx *gorm.DB, ad *Ad) (string, error)) error {
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var ad Ad
		err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Select("id", "user_id", "status", "hidden_at", "top_offer").
			Where("id = ? AND status <> ?", adID, StatusDelete).First(&ad).Error
		if err != nil {
			return notFound(err, "read ad %d", adID)
		}
		detail, err := fn(tx, &ad)
		if err != nil || detail == "" {
			return err
		}
		return audit(tx, actorID, action, Target(TargetAd, adID), detail)
	})
	if err != nil {
		return fmt.Errorf("%s ad %d: %w", action, adID, err)
	}
	db.AdsChanged(ctx, adID)
	return nil
}

// relistExpr is whether an ad belongs on the public pages, from its status
// and listedExpr.
const relistExpr = "CASE WHEN status IN ? THEN " + listedExpr + " ELSE 0 END"

var publicStatuses = []string{StatusPublished, StatusUpdate}

// HideAd takes an ad off the public pages by moderation; its owner sees the
// reason.
func (db *DB) HideAd(ctx context.Context, actorID, adID uint64, reason string) error {
	return db.moderateAd(ctx, actorID, adID, AuditAdHide, func(tx *gorm.DB, ad *Ad) (string, error) {
		err := tx.Model(&Ad{}).Where("id = ?", adID).Updates(map[string]any{
			"hidden_at": gorm.Expr("COALESCE(hidden_at, ?)", db.NowFunc()), "hidden_reason": truncate(reason, 500), "listed": false,
		}).Error
		return "Ocultou o anúncio: " + reason, err
	})
}

// UnhideAd lifts the moderation: the ad is public again if its status and
// its owner allow.
func (db *DB) UnhideAd(ctx context.Context, actorID, adID uint64) error {
	return db.moderateAd(ctx, actorID, adID, AuditAdUnhide, func(tx *gorm.DB, ad *Ad) (string, error) {
		if ad.HiddenAt == nil {
			return "", nil
		}
		// Two statements: in one, MySQL would compute listed from the new
		// hidden_at and SQLite from the old one.
		err := tx.Model(&Ad{}).Where("id = ?", adID).Updates(map[string]any{"hidden_at": nil, "hidden_reason": ""}).Error
		if err != nil {
			return "", err
		}
		err = tx.Model(&Ad{}).Where("id = ?", adID).Update("listed", gorm.Expr(relistExpr, publicStatuses)).Error
		return "Voltou a exibir o anúncio.", err
	})
}

// SetTopOffer marks an ad a top offer, or not.
func (db *DB) SetTopOffer(ctx context.Context, actorID, adID uint64, on bool) error {
	return db.moderateAd(ctx, actorID, adID, AuditAdTopOffer, func(tx *gorm.DB, ad *Ad) (string, error) {
		if ad.TopOffer == on {
			return "", nil
		}
		if err := tx.Model(&Ad{}).Where("id = ?", adID).Update("top_offer", on).Error; err != nil {
			return "", err
		}
		if on {
			return "Marcou o anúncio como oferta em destaque.", nil
		}
		return "Tirou o anúncio das ofertas em destaque.", nil
	})
}

// CloseReports closes the ad's open reports (only reportID's when it is not
// zero) and returns how many it closed.
func (db *DB) CloseReports(ctx context.Context, actorID, adID, reportID uint64) (int64, error) {
	var n int64
	err := db.moderateAd(ctx, actorID, adID, AuditReportsClose, func(tx *gorm.DB, ad *Ad) (string, error) {
		q := tx.Model(&Report{}).Where("classifiedad_id = ? AND closed_at IS NULL", adID)
		if reportID != 0 {
			q = q.Where("id = ?", reportID)
		}
		res := q.Updates(map[string]any{"closed_at": db.NowFunc(), "closed_by": actorID})
		if res.Error != nil || res.RowsAffected == 0 {
			return "", res.Error
		}
		n = res.RowsAffected
		if reportID != 0 {
			return fmt.Sprintf("Fechou a denúncia %d.", reportID), nil
		}
		return fmt.Sprintf("Fechou %d denúncias.", n), nil
	})
	return n, err
}

// StalePendingAds lists the ads waiting for the worker since before cutoff,
// oldest first, without claiming them (the reconciler does).
func (db *DB) StalePendingAds(ctx context.Context, cutoff time.Time, limit int) ([]Ad, error) {
	var ads []Ad
	err := db.WithContext(ctx).Select(append([]string{"status_changed"}, cardColumns...)).
		Where("status IN ? AND status_changed < ?", PendingStatuses, cutoff).
		Order("status_changed").Limit(limit).Find(&ads).Error
	if err != nil {
		return nil, fmt.Errorf("find stale pending ads: %w", err)
	}
	return ads, nil
}

// RetryFailedEmail puts a message the worker gave up on back in the outbox.
// It reports whether the message had failed.
func (db *DB) RetryFailedEmail(ctx context.Context, id uint64) (bool, error) {
	res := db.WithContext(ctx).Model(&Email{}).Where("id = ? AND status = ?", id, EmailFailed).Update("status", EmailPending)
	if res.Error != nil {
		return false, fmt.Errorf("retry e-mail %d: %w", id, res.Error)
	}
	return res.RowsAffected == 1, nil
}
