package models

import (
	"context"
	"fmt"
	"time"
)

// Session is a signed-in browser (sessions). ID is the SHA-256 of the
// cookie's token, so a database leak does not hand out sessions.
type Session struct {
	ID        string `gorm:"primaryKey"`
	UserID    uint64
	Created   time.Time
	LastSeen  time.Time
	ExpiresAt time.Time
	UserAgent string
}

// TableName maps Session to its table.
func (Session) TableName() string { return "sessions" }

// CreateSession stores a session.
func (db *DB) CreateSession(ctx context.Context, s *Session) error {
	if err := db.WithContext(ctx).Create(s).Error; err != nil {
		return fmt.Errorf("create session: %w", err)
	}
	return nil
}

// SessionByID reads a session that has not expired.
func (db *DB) SessionByID(ctx context.Context, id string, now time.Time) (*Session, error) {
	var s Session
	if err := db.WithContext(ctx).Where("id = ? AND expires_at > ?", id, now).First(&s).Error; err != nil {
		return nil, notFound(err, "read session")
	}
	return &s, nil
}

// TouchSession moves a session's idle expiry.
func (db *DB) TouchSession(ctx context.Context, id string, seen, expires time.Time) error {
	err := db.WithContext(ctx).Model(&Session{}).Where("id = ?", id).
		Updates(map[string]any{"last_seen": seen, "expires_at": expires}).Error
	if err != nil {
		return fmt.Errorf("touch session: %w", err)
	}
	return nil
}

// DeleteSession ends one session.
func (db *DB) DeleteSession(ctx context.Context, id string) error {
	if err := db.WithContext(ctx).Delete(&Session{}, "id = ?", id).Error; err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// DeleteUserSessions ends every session of the user but keepID's.
func (db *DB) DeleteUserSessions(ctx context.Context, userID uint64, keepID string) error {
	err := db.WithContext(ctx).Delete(&Session{}, "user_id = ? AND id <> ?", userID, keepID).Error
	if err != nil {
		return fmt.Errorf("delete sessions of user %d: %w", userID, err)
	}
	return nil
}

// DeleteExpiredSessions removes sessions past their expiry.
func (db *DB) DeleteExpiredSessions(ctx context.Context, now time.Time) (int64, error) {
	res := db.WithContext(ctx).Delete(&Session{}, "expires_at <= ?", now)
	if res.Error != nil {
		return 0, fmt.Errorf("delete expired sessions: %w", res.Error)
	}
	return res.RowsAffected, nil
}
