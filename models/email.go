package models

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// Email statuses.
const (
	EmailPending = "pending"
	EmailSent    = "sent"
	EmailFailed  = "failed"
)

// Email is a message waiting in, or sent from, the outbox (email_outbox).
type Email struct {
	ID        uint64 `gorm:"primaryKey"`
	ToAddr    string
	Subject   string
	Body      string
	Status    string
	Attempts  int
	LastError string
	Created   time.Time `gorm:"autoCreateTime"`
	SentAt    *time.Time
}

// TableName maps Email to its table.
func (Email) TableName() string { return "email_outbox" }

// QueueEmail stores a message for the worker to send; tx may be a
// transaction of the caller's.
func QueueEmail(ctx context.Context, tx *gorm.DB, to, subject, body string) (*Email, error) {
	e := &Email{ToAddr: to, Subject: truncate(subject, 255), Body: body, Status: EmailPending}
	if err := tx.WithContext(ctx).Create(e).Error; err != nil {
		return nil, fmt.Errorf("queue e-mail: %w", err)
	}
	return e, nil
}

// EmailByID reads a message.
func (db *DB) EmailByID(ctx context.Context, id uint64) (*Email, error) {
	var e Email
	if err := db.WithContext(ctx).First(&e, id).Error; err != nil {
		return nil, notFound(err, "read e-mail %d", id)
	}
	return &e, nil
}

// MarkEmailSent records a delivery.
func (db *DB) MarkEmailSent(ctx context.Context, id uint64) error {
	now := db.NowFunc()
	err := db.WithContext(ctx).Model(&Email{}).Where("id = ?", id).
		Updates(map[string]any{"status": EmailSent, "sent_at": now, "attempts": gorm.Expr("attempts + 1"), "last_error": ""}).Error
	if err != nil {
		return fmt.Errorf("mark e-mail %d sent: %w", id, err)
	}
	return nil
}

// MarkEmailAttempt records a failed delivery; failed is true when the
// worker gave up.
func (db *DB) MarkEmailAttempt(ctx context.Context, id uint64, reason string, failed bool) error {
	upd := map[string]any{"attempts": gorm.Expr("attempts + 1"), "last_error": truncate(reason, 1000)}
	if failed {
		upd["status"] = EmailFailed
	}
	if err := db.WithContext(ctx).Model(&Email{}).Where("id = ?", id).Updates(upd).Error; err != nil {
		return fmt.Errorf("record e-mail %d attempt: %w", id, err)
	}
	return nil
}

// StalePendingEmails lists messages created before cutoff and never tried
// (their job was lost), for the reconciler.
func (db *DB) StalePendingEmails(ctx context.Context, cutoff time.Time, limit int) ([]uint64, error) {
	var ids []uint64
	err := db.WithContext(ctx).Model(&Email{}).Where("status = ? AND attempts = 0 AND created < ?", EmailPending, cutoff).
		Order("id").Limit(limit).Pluck("id", &ids).Error
	if err != nil {
		return nil, fmt.Errorf("find stale e-mails: %w", err)
	}
	return ids, nil
}
