package models

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// PasswordReset is a single-use link sent by e-mail (password_resets).
type PasswordReset struct {
	TokenHash string `gorm:"primaryKey"`
	UserID    uint64
	Created   time.Time
	ExpiresAt time.Time
	UsedAt    *time.Time
}

// TableName maps PasswordReset to its table.
func (PasswordReset) TableName() string { return "password_resets" }

// ResetMail queues, through tx, the message carrying a reset token.
type ResetMail func(tx *gorm.DB, token string) (*Email, error)

// RequestPasswordReset creates a reset link valid for ttl and, in the same
// transaction, queues the e-mail that carries it. It returns the queued
// e-mail.
func (db *DB) RequestPasswordReset(ctx context.Context, u *User, ttl time.Duration, mail ResetMail) (*Email, error) {
	token, hash := NewToken()
	now := db.NowFunc()
	var email *Email
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&PasswordReset{TokenHash: hash, UserID: u.ID, Created: now, ExpiresAt: now.Add(ttl)}).Error; err != nil {
			return err
		}
		var err error
		email, err = mail(tx, token)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("request password reset: %w", err)
	}
	return email, nil
}

// PasswordResetUser returns the account of a valid (unused, unexpired)
// reset token.
func (db *DB) PasswordResetUser(ctx context.Context, token string) (*User, error) {
	var r PasswordReset
	err := db.WithContext(ctx).Where("token_hash = ? AND used_at IS NULL AND expires_at > ?", TokenHash(token), db.NowFunc()).First(&r).Error
	if err != nil {
		return nil, notFound(err, "read password reset")
	}
	return db.UserByID(ctx, r.UserID)
}

// UsePasswordReset spends the token and sets the new password hash, once:
// a token already used or expired is ErrNotFound.
func (db *DB) UsePasswordReset(ctx context.Context, token, hash string) (*User, error) {
	var userID uint64
	now := db.NowFunc()
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var r PasswordReset
		if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).
			Where("token_hash = ? AND used_at IS NULL AND expires_at > ?", TokenHash(token), now).First(&r).Error; err != nil {
			return err
		}
		res := tx.Model(&PasswordReset{}).Where("token_hash = ? AND used_at IS NULL", r.TokenHash).Update("used_at", now)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return gorm.ErrRecordNotFound
		}
		userID = r.UserID
		return tx.Model(&User{}).Where("id = ?", r.UserID).Updates(map[string]any{"password": hash, "updated": now}).Error
	})
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("use password reset: %w", err)
	}
	return db.UserByID(ctx, userID)
}
