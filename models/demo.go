package models

import (
	"context"
	"fmt"

	"gorm.io/gorm"
)

// DemoUsers lists the demo accounts (is_demo), by e-mail.
func (db *DB) DemoUsers(ctx context.Context) (map[string]User, error) {
	var users []User
	if err := db.WithContext(ctx).Where("is_demo = ?", true).Find(&users).Error; err != nil {
		return nil, fmt.Errorf("list demo users: %w", err)
	}
	out := make(map[string]User, len(users))
	for _, u := range users {
		out[u.Email] = u
	}
	return out, nil
}

// DemoFootprint is what the demo accounts own that lives outside the
// database: their ads' images and their pending uploads.
type DemoFootprint struct {
	Ads     int
	Images  []Image
	Uploads []Upload
}

// DemoFootprintOf lists the demo accounts' ads' images and uploads.
func (db *DB) DemoFootprintOf(ctx context.Context) (*DemoFootprint, error) {
	fp := &DemoFootprint{}
	demo := db.WithContext(ctx).Model(&User{}).Select("id").Where("is_demo = ?", true)
	ads := db.WithContext(ctx).Model(&Ad{}).Select("id").Where("user_id IN (?)", demo)
	var n int64
	if err := db.WithContext(ctx).Model(&Ad{}).Where("user_id IN (?)", demo).Count(&n).Error; err != nil {
		return nil, fmt.Errorf("count demo ads: %w", err)
	}
	fp.Ads = int(n)
	if err := db.WithContext(ctx).Where("classifiedad_id IN (?)", ads).Find(&fp.Images).Error; err != nil {
		return nil, fmt.Errorf("list demo images: %w", err)
	}
	if err := db.WithContext(ctx).Where("user_id IN (?)", demo).Find(&fp.Uploads).Error; err != nil {
		return nil, fmt.Errorf("list demo uploads: %w", err)
	}
	return fp, nil
}

// HideDemoAds takes every demo ad off the public pages at once.
func (db *DB) HideDemoAds(ctx context.Context) error {
	demo := db.WithContext(ctx).Model(&User{}).Select("id").Where("is_demo = ?", true)
	err := db.WithContext(ctx).Model(&Ad{}).Where("user_id IN (?)", demo).
		Updates(map[string]any{"listed": false, "status": StatusDelete, "status_changed": db.NowFunc()}).Error
	if err != nil {
		return fmt.Errorf("hide demo ads: %w", err)
	}
	db.AdsChanged(ctx)
	return nil
}

// DeleteDemoRows removes the demo accounts and every row they own or wrote:
// their ads (with images, conversations and reports, by cascade), their
// messages and conversations on other people's ads, their reports, the
// e-mails sent to them, then the accounts (with profiles, sessions,
// uploads and reset links, by cascade). Nobody else's row is touched.
func (db *DB) DeleteDemoRows(ctx context.Context) (int64, error) {
	var users int64
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		sub := func(col string) *gorm.DB {
			return tx.Session(&gorm.Session{NewDB: true}).Model(&User{}).Select(col).Where("is_demo = ?", true)
		}
		demo, demoEmails := sub("id"), sub("email")
		steps := []struct {
			what  string
			model any
			where string
			arg   any
		}{
			{"messages", &Message{}, "author_user_id IN (?)", demo},
			{"conversations", &Conversation{}, "buyer_id IN (?)", demo},
			{"reports", &Report{}, "reporter_user_id IN (?)", demo},
			{"e-mails", &Email{}, "to_addr IN (?)", demoEmails},
			{"ads", &Ad{}, "user_id IN (?)", demo},
		}
		for _, st := range steps {
			if err := tx.Where(st.where, st.arg).Delete(st.model).Error; err != nil {
				return fmt.Errorf("delete demo %s: %w", st.what, err)
			}
		}
		res := tx.Where("is_demo = ?", true).Delete(&User{})
		users = res.RowsAffected
		return res.Error
	})
	if err != nil {
		return 0, fmt.Errorf("delete demo data: %w", err)
	}
	return users, nil
}

// StatusCounts counts the ads among ids by status, and returns one that
// failed, if any.
func (db *DB) StatusCounts(ctx context.Context, ids []uint64) (map[string]int, *Ad, error) {
	var ads []Ad
	counts := map[string]int{}
	for start := 0; start < len(ids); start += 1000 {
		var part []Ad
		end := min(start+1000, len(ids))
		if err := db.WithContext(ctx).Select("id", "status", "status_reason").Where("id IN ?", ids[start:end]).Find(&part).Error; err != nil {
			return nil, nil, fmt.Errorf("read ad statuses: %w", err)
		}
		ads = append(ads, part...)
	}
	var failed *Ad
	for i, ad := range ads {
		counts[ad.Status]++
		if ad.Status == StatusFailed && failed == nil {
			failed = &ads[i]
		}
	}
	return counts, failed, nil
}
