package session

import (
	"context"
	"errors"
	"time"

	"motando/models"
)

// DBStore keeps sessions in the sessions table.
type DBStore struct {
	db *models.DB
	lt Lifetimes
}

// NewDBStore returns a store on the database.
func NewDBStore(db *models.DB, lt Lifetimes) *DBStore { return &DBStore{db: db, lt: lt} }

// Create starts a session.
func (s *DBStore) Create(ctx context.Context, userID uint64, userAgent string) (string, error) {
	token, id := newToken()
	now := time.Now().UTC()
	err := s.db.CreateSession(ctx, &models.Session{
		ID: id, UserID: userID, Created: now, LastSeen: now, ExpiresAt: now.Add(s.lt.Idle), UserAgent: truncate(userAgent, 255),
	})
	return token, err
}

// Lookup finds a live session and extends it.
func (s *DBStore) Lookup(ctx context.Context, token string) (uint64, bool, error) {
	now := time.Now().UTC()
	sess, err := s.db.SessionByID(ctx, idOf(token), now)
	if errors.Is(err, models.ErrNotFound) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, err
	}
	if now.Sub(sess.Created) >= s.lt.Absolute {
		return 0, false, s.db.DeleteSession(ctx, sess.ID)
	}
	if now.Sub(sess.LastSeen) >= touchEvery {
		expires := now.Add(s.lt.Idle)
		if end := sess.Created.Add(s.lt.Absolute); end.Before(expires) {
			expires = end
		}
		if err := s.db.TouchSession(ctx, sess.ID, now, expires); err != nil {
			return 0, false, err
		}
	}
	return sess.UserID, true, nil
}

// Delete ends a session.
func (s *DBStore) Delete(ctx context.Context, token string) error {
	return s.db.DeleteSession(ctx, idOf(token))
}

// DeleteOthers ends the user's other sessions.
func (s *DBStore) DeleteOthers(ctx context.Context, userID uint64, keepToken string) error {
	keep := ""
	if keepToken != "" {
		keep = idOf(keepToken)
	}
	return s.db.DeleteUserSessions(ctx, userID, keep)
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
