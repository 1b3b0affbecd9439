package models

import (
	"context"
	"fmt"
	"regexp"
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

// privateLink matches the private links e-mails carry (a password reset,
// an anonymous buyer's conversation, an alert's stop link): their tokens
// open an account or a conversation, or stop an alert.
var privateLink = regexp.MustCompile(`(/senha/redefinir/|/conversa/|/parar\?t=)[A-Za-z0-9_-]+`)

// withoutLinks is an e-mail body with its private links' tokens removed.
func withoutLinks(body string) string {
	return privateLink.ReplaceAllString(body, "${1}(link removido após o envio)")
}

// MarkEmailSent records a delivery. The outbox keeps the message without
// its private links: they were for the recipient only.
func (db *DB) MarkEmailSent(ctx context.Context, id uint64) error {
	return db.endEmail(ctx, id, map[string]any{"status": EmailSent, "sent_at": db.NowFunc(), "last_error": ""})
}

// endEmail records the last attempt at a message and removes its private
// links.
func (db *DB) endEmail(ctx context.Context, id uint64, upd map[string]any) error {
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var e Email
		if err := tx.Select("id", "body").First(&e, id).Error; err != nil {
			return err
		}
		upd["attempts"] = gorm.Expr("attempts + 1")
		upd["body"] = withoutLinks(e.Body)
		return tx.Model(&Email{}).Where("id = ?", id).Updates(upd).Error
	})
	if err != nil {
		return notFound(err, "record e-mail %d", id)
	}
	return nil
}

// MarkEmailAttempt records a failed delivery; failed is true when the
// worker gave up (the message then loses its private links too).
func (db *DB) MarkEmailAttempt(ctx context.Context, id uint64, reason string, failed bool) error {
	if failed {
		return db.endEmail(ctx, id, map[string]any{"status": EmailFailed, "last_error": truncate(reason, 1000)})
	}
	upd := map[string]any{"attempts": gorm.Expr("attempts + 1"), "last_error": truncate(reason, 1000)}
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
