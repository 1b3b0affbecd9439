package models

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"motando/search"
)

// The alerts' writes: each reads what it needs, records what it did and
// queues its e-mails in one transaction that also clears the ad's pending
// flag, so a run cut short is run again whole and a finished one never
// sends twice.

// AlertMail writes the e-mail telling a person of a new ad matching their
// saved searches.
type AlertMail func(to *User, searches []SavedSearch) (subject, body string, err error)

// PriceDropMail writes the e-mail telling a person that an ad they saved
// costs less.
type PriceDropMail func(to *User) (subject, body string, err error)

// DigestMail writes a saved search's daily e-mail: the newest matching ads
// (at most DigestAds) and how many there are in all.
type DigestMail func(to *User, s *SavedSearch, ads []Ad, total int) (subject, body string, err error)

// DigestAds is how many ads a daily e-mail names.
const DigestAds = 10

// ClaimPendingAlerts finds ads whose alerts have waited since before cutoff
// (their job lost) and touches them, so that concurrent reconcilers each
// claim an ad once. It returns the claimed ids.
func (db *DB) ClaimPendingAlerts(ctx context.Context, cutoff time.Time, limit int) ([]uint64, error) {
	var due []Ad
	err := db.WithContext(ctx).Select("id", "updated").
		Where("(alerts_pending = ? OR price_alerts_pending = ?) AND updated < ?", true, true, cutoff).
		Limit(limit).Find(&due).Error
	if err != nil {
		return nil, fmt.Errorf("find pending alerts: %w", err)
	}
	var ids []uint64
	for _, ad := range due {
		res := db.WithContext(ctx).Model(&Ad{}).Where("id = ? AND updated = ?", ad.ID, ad.Updated).
			UpdateColumn("updated", db.NowFunc())
		if res.Error != nil {
			return ids, fmt.Errorf("claim alerts of ad %d: %w", ad.ID, res.Error)
		}
		if res.RowsAffected == 1 {
			ids = append(ids, ad.ID)
		}
	}
	return ids, nil
}

// AlertsOf reads the ad's pending alert flags and, when its first
// publication's alerts are pending and it is listed, the ad as the search
// index keeps it, for matching.
func (db *DB) AlertsOf(ctx context.Context, adID uint64) (newAd, priceDrop bool, doc *search.Doc, err error) {
	var ad Ad
	if err := db.WithContext(ctx).Select("id", "alerts_pending", "price_alerts_pending").First(&ad, adID).Error; err != nil {
		return false, false, nil, notFound(err, "read alerts of ad %d", adID)
	}
	if ad.AlertsPending {
		docs, _, err := db.searchDocs(ctx, "id = ?", adID)
		if err != nil {
			return false, false, nil, fmt.Errorf("read ad %d for alerts: %w", adID, err)
		}
		if len(docs) == 1 {
			doc = &docs[0]
		}
	}
	return ad.AlertsPending, ad.PriceAlertsPending, doc, nil
}

// clearFlag clears one of the ad's pending flags and reports whether it
// was set: whether this run is the one to act.
func clearFlag(tx *gorm.DB, adID uint64, column string) (bool, error) {
	res := tx.Model(&Ad{}).Where("id = ? AND "+column+" = ?", adID, true).UpdateColumn(column, false)
	return res.RowsAffected == 1, res.Error
}

// RecordNewAdAlerts records that the newly published ad matched the saved
// searches of ids (those still there) and queues an e-mail to each person
// with a search alerting at once, naming their matching searches; the
// ad's own seller and blocked accounts get none. It returns the e-mails
// queued.
func (db *DB) RecordNewAdAlerts(ctx context.Context, adID uint64, ids []uint64, mail AlertMail) ([]uint64, error) {
	var queued []uint64
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if act, err := clearFlag(tx, adID, "alerts_pending"); err != nil || !act {
			return err
		}
		if len(ids) == 0 {
			return nil
		}
		var ad Ad
		if err := tx.Select("id", "user_id", "listed").First(&ad, adID).Error; err != nil {
			return err
		}
		var searches []SavedSearch
		if err := tx.Where("id IN ? AND user_id <> ?", ids, ad.UserID).Order("user_id, id").Find(&searches).Error; err != nil {
			return err
		}
		var matched []uint64
		byUser := map[uint64][]SavedSearch{}
		for _, s := range searches {
			matched = append(matched, s.ID)
			if s.Alert == AlertNow {
				byUser[s.UserID] = append(byUser[s.UserID], s)
			}
		}
		if len(matched) > 0 {
			if err := insertMatches(tx, adID, matched, db.NowFunc()); err != nil {
				return err
			}
		}
		if !ad.Listed {
			return nil
		}
		for userID, list := range byUser {
			id, err := queueTo(ctx, tx, userID, func(u *User) (string, string, error) { return mail(u, list) })
			if err != nil {
				return err
			}
			queued = appendID(queued, id)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("record alerts of ad %d: %w", adID, err)
	}
	return queued, nil
}

// RecordPriceDropAlerts queues an e-mail to each person who saved the ad
// telling of its lower price, while the ad is listed; the seller and
// blocked accounts get none. It returns the e-mails queued.
func (db *DB) RecordPriceDropAlerts(ctx context.Context, adID uint64, mail PriceDropMail) ([]uint64, error) {
	var queued []uint64
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if act, err := clearFlag(tx, adID, "price_alerts_pending"); err != nil || !act {
			return err
		}
		var ad Ad
		if err := tx.Select("id", "user_id", "listed").First(&ad, adID).Error; err != nil || !ad.Listed {
			return err
		}
		var savers []uint64
		if err := tx.Model(&Favorite{}).Where("classifiedad_id = ? AND user_id <> ?", adID, ad.UserID).
			Order("user_id").Pluck("user_id", &savers).Error; err != nil {
			return err
		}
		for _, userID := range savers {
			id, err := queueTo(ctx, tx, userID, mail)
			if err != nil {
				return err
			}
			queued = appendID(queued, id)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("record price drop alerts of ad %d: %w", adID, err)
	}
	return queued, nil
}

// SendDigests queues the daily e-mail of each saved search alerting daily
// whose last e-mail is a day old (or that never had one) and that matched
// ads since, at most limit searches a call. It returns the e-mails queued.
func (db *DB) SendDigests(ctx context.Context, limit int, mail DigestMail) ([]uint64, error) {
	now := db.NowFunc()
	var due []SavedSearch
	err := db.WithContext(ctx).
		Where("alert = ? AND (digest_at IS NULL OR digest_at <= ?)", AlertDaily, now.Add(-24*time.Hour)).
		Where("EXISTS (SELECT 1 FROM saved_search_matches m WHERE m.saved_search_id = saved_searches.id AND m.id > saved_searches.digest_match_id)").
		Order("id").Limit(limit).Find(&due).Error
	if err != nil {
		return nil, fmt.Errorf("find daily alerts due: %w", err)
	}
	var queued []uint64
	for i := range due {
		id, err := db.sendDigest(ctx, &due[i], now, mail)
		if err != nil {
			return queued, err
		}
		queued = appendID(queued, id)
	}
	return queued, nil
}

// sendDigest queues one saved search's daily e-mail and moves its cursor
// past the matches it tells of, unless another run did so first.
func (db *DB) sendDigest(ctx context.Context, s *SavedSearch, now time.Time, mail DigestMail) (uint64, error) {
	var queued uint64
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var last uint64
		if err := tx.Model(&savedMatch{}).Where("saved_search_id = ?", s.ID).Select("COALESCE(MAX(id), 0)").Scan(&last).Error; err != nil {
			return err
		}
		res := tx.Model(&SavedSearch{}).Where("id = ? AND digest_match_id = ?", s.ID, s.DigestMatchID).
			UpdateColumns(map[string]any{"digest_match_id": last, "digest_at": now})
		if res.Error != nil || res.RowsAffected == 0 {
			return res.Error
		}
		listed := tx.Model(&savedMatch{}).
			Joins("JOIN classifiedad a ON a.id = saved_search_matches.classifiedad_id AND a.listed = ?", true).
			Where("saved_search_matches.saved_search_id = ? AND saved_search_matches.id > ? AND saved_search_matches.id <= ?", s.ID, s.DigestMatchID, last)
		var total int64
		if err := listed.Count(&total).Error; err != nil || total == 0 {
			return err
		}
		var ids []uint64
		if err := listed.Order("saved_search_matches.id DESC").Limit(DigestAds).Pluck("a.id", &ids).Error; err != nil {
			return err
		}
		var ads []Ad
		if err := tx.Where("id IN ?", ids).Order("published_at DESC, id DESC").Find(&ads).Error; err != nil {
			return err
		}
		var err error
		queued, err = queueTo(ctx, tx, s.UserID, func(u *User) (string, string, error) { return mail(u, s, ads, int(total)) })
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("send daily alert of saved search %d: %w", s.ID, err)
	}
	return queued, nil
}

// queueTo queues the e-mail mail writes for the user, unless the account
// is blocked or gone (then it returns 0).
func queueTo(ctx context.Context, tx *gorm.DB, userID uint64, mail func(*User) (string, string, error)) (uint64, error) {
	var u User
	err := tx.Where("id = ? AND blocked_at IS NULL", userID).First(&u).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	subject, body, err := mail(&u)
	if err != nil {
		return 0, fmt.Errorf("write e-mail to user %d: %w", userID, err)
	}
	e, err := QueueEmail(ctx, tx, u.Email, subject, body)
	if err != nil {
		return 0, err
	}
	return e.ID, nil
}

// appendID appends a queued e-mail's id, if one was queued.
func appendID(ids []uint64, id uint64) []uint64 {
	if id == 0 {
		return ids
	}
	return append(ids, id)
}

// DropPendingAlerts gives up the ad's pending alerts (their job failed for
// good), so that the reconciler stops sending it again.
func (db *DB) DropPendingAlerts(ctx context.Context, adID uint64) error {
	err := db.WithContext(ctx).Model(&Ad{}).Where("id = ?", adID).
		UpdateColumns(map[string]any{"alerts_pending": false, "price_alerts_pending": false}).Error
	if err != nil {
		return fmt.Errorf("drop pending alerts of ad %d: %w", adID, err)
	}
	return nil
}
