package session

import (
	"context"
	"errors"
	"fmt"
	"time"

	"motando/models"
)

// DBStore keeps sessions in the sessions table.
//
// A session ended by Delete or DeleteOthers cannot come back through a
// concurrent Lookup: the lookup's touch is an UPDATE of the row by id,
// which changes nothing once the row is deleted.
type DBStore struct {
	db  *models.DB
	lt  Lifetimes
	now func() time.Time
}

// NewDBStore returns a store on the database; see WithClock for the
// options.
func NewDBStore(db *models.DB, lt Lifetimes, opts ...Option) *DBStore {
	o := buildOptions(opts)
	return &DBStore{db: db, lt: lt, now: o.now}
}

// Create starts a session.
func (s *DBStore) Create(ctx context.Context, userID uint64, userAgent string) (string, error) {
	token, id := models.NewToken()
	now := s.now().UTC()
	err := s.db.CreateSession(ctx, &models.Session{
		ID: id, UserID: userID, Created: now, LastSeen: now, ExpiresAt: s.expiry(now, now), UserAgent: truncate(userAgent, 255),
	})
	if err != nil {
		return "", fmt.Errorf("session store: %w", err)
	}
	return token, nil
}

// expiry is when a session created at created and seen at seen ends if
// it is not seen again.
func (s *DBStore) expiry(created, seen time.Time) time.Time {
	expires := seen.Add(s.lt.Idle)
	if end := created.Add(s.lt.Absolute); end.Before(expires) {
		expires = end
	}
	return expires
}

// Lookup finds a live session and extends it.
func (s *DBStore) Lookup(ctx context.Context, token string) (uint64, bool, error) {
	now := s.now().UTC()
	sess, err := s.db.SessionByID(ctx, models.TokenHash(token), now)
	if errors.Is(err, models.ErrNotFound) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("session store: %w", err)
	}
	if now.Sub(sess.Created) >= s.lt.Absolute {
		if err := s.db.DeleteSession(ctx, sess.ID); err != nil {
			return 0, false, fmt.Errorf("session store: end a session past its lifetime: %w", err)
		}
		return 0, false, nil
	}
	if now.Sub(sess.LastSeen) >= touchEvery {
		// An UPDATE by id: if Delete or DeleteOthers removed the row since
		// it was read, this writes nothing and the session stays ended.
		if err := s.db.TouchSession(ctx, sess.ID, now, s.expiry(sess.Created, now)); err != nil {
			return 0, false, fmt.Errorf("session store: %w", err)
		}
	}
	return sess.UserID, true, nil
}

// Delete ends a session.
func (s *DBStore) Delete(ctx context.Context, token string) error {
	if err := s.db.DeleteSession(ctx, models.TokenHash(token)); err != nil {
		return fmt.Errorf("session store: %w", err)
	}
	return nil
}

// DeleteOthers ends the user's other sessions.
func (s *DBStore) DeleteOthers(ctx context.Context, userID uint64, keepToken string) error {
	keep := ""
	if keepToken != "" {
		keep = models.TokenHash(keepToken)
	}
	if err := s.db.DeleteUserSessions(ctx, userID, keep); err != nil {
		return fmt.Errorf("session store: %w", err)
	}
	return nil
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
