package models

import (
	"context"
	"fmt"
	"strings"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// userMatch is the condition of a search of accounts by part of the e-mail
// or of the name.
func userMatch(text string) (string, []any) {
	text = strings.TrimSpace(text)
	return "(email LIKE ? ESCAPE '!' OR fullname LIKE ? ESCAPE '!')",
		[]any{"%" + escapeLike(NormalizeEmail(text)) + "%", "%" + escapeLike(text) + "%"}
}

// UserList is a page of the admin's search of accounts, with each account's
// number of ads.
type UserList struct {
	Users []User
	Total int64
	Ads   map[uint64]int64
}

// FindUsers lists the accounts whose e-mail or name contains text (every
// account when it is empty), newest first, with their numbers of ads.
func (db *DB) FindUsers(ctx context.Context, text string, offset, limit int) (*UserList, error) {
	out := &UserList{Ads: map[uint64]int64{}}
	matching := func() *gorm.DB {
		q := db.WithContext(ctx).Model(&User{})
		if strings.TrimSpace(text) != "" {
			cond, args := userMatch(text)
			q = q.Where(cond, args...)
		}
		return q
	}
	if err := matching().Count(&out.Total).Error; err != nil {
		return nil, fmt.Errorf("count users: %w", err)
	}
	if err := matching().Order("id DESC").Offset(offset).Limit(limit).Find(&out.Users).Error; err != nil {
		return nil, fmt.Errorf("find users: %w", err)
	}
	if len(out.Users) == 0 {
		return out, nil
	}
	ids := make([]uint64, len(out.Users))
	for i, u := range out.Users {
		ids[i] = u.ID
	}
	var counts []struct {
		UserID uint64
		N      int64
	}
	err := db.WithContext(ctx).Model(&Ad{}).Select("user_id, COUNT(*) AS n").
		Where("user_id IN ? AND status <> ?", ids, StatusDelete).Group("user_id").Scan(&counts).Error
	if err != nil {
		return nil, fmt.Errorf("count ads of users: %w", err)
	}
	for _, c := range counts {
		out.Ads[c.UserID] = c.N
	}
	return out, nil
}

// accountTx changes an account, locked, in a transaction with the audit
// entry; a missing account is ErrNotFound.
func (db *DB) accountTx(ctx context.Context, actorID, userID uint64, action string, fn func(tx *gorm.DB, u *User) (string, error)) error {
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var u User
		if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).First(&u, userID).Error; err != nil {
			return notFound(err, "read user %d", userID)
		}
		detail, err := fn(tx, &u)
		if err != nil || detail == "" {
			return err
		}
		return audit(tx, actorID, action, Target(TargetUser, userID), detail)
	})
	if err != nil {
		return fmt.Errorf("%s user %d: %w", action, userID, err)
	}
	if action == AuditUserBlock || action == AuditUserUnblock {
		db.AdsChanged(ctx) // the account's ads leave or come back
	}
	return nil
}

// BlockUser blocks an account: it cannot sign in any more and its ads leave
// the public pages. The caller ends its sessions (they may live in Redis).
func (db *DB) BlockUser(ctx context.Context, actorID, userID uint64, reason string) error {
	return db.accountTx(ctx, actorID, userID, AuditUserBlock, func(tx *gorm.DB, u *User) (string, error) {
		err := tx.Model(&User{}).Where("id = ?", userID).Updates(map[string]any{
			"blocked_at": gorm.Expr("COALESCE(blocked_at, ?)", db.NowFunc()), "blocked_reason": truncate(reason, 500),
		}).Error
		if err != nil {
			return "", err
		}
		if err := tx.Model(&Ad{}).Where("user_id = ? AND listed = ?", userID, true).Update("listed", false).Error; err != nil {
			return "", err
		}
		return "Bloqueou a conta " + u.Email + ": " + reason, nil
	})
}

// UnblockUser lifts an account's block: it can sign in again and its ads
// come back to the public pages (those not hidden by moderation).
func (db *DB) UnblockUser(ctx context.Context, actorID, userID uint64) error {
	return db.accountTx(ctx, actorID, userID, AuditUserUnblock, func(tx *gorm.DB, u *User) (string, error) {
		if u.BlockedAt == nil {
			return "", nil
		}
		err := tx.Model(&User{}).Where("id = ?", userID).Updates(map[string]any{"blocked_at": nil, "blocked_reason": ""}).Error
		if err != nil {
			return "", err
		}
		err = tx.Model(&Ad{}).Where("user_id = ? AND status IN ?", userID, publicStatuses).
			Update("listed", gorm.Expr(relistExpr, publicStatuses)).Error
		return "Desbloqueou a conta " + u.Email + ".", err
	})
}

// escapeLike makes a text match literally in LIKE ... ESCAPE '!'.
func escapeLike(s string) string {
	return strings.NewReplacer("!", "!!", "%", "!%", "_", "!_").Replace(s)
}
