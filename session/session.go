// Package session keeps signed-in browsers server-side: in the database on
// the embedded defaults, in Redis when Redis is configured. The browser
// holds a random token; the stores keep only its SHA-256.
package session

import (
	"context"
	"time"
)

// Lifetimes bound a session: it ends after Idle without a request, and
// after Absolute whatever happens.
type Lifetimes struct {
	Idle     time.Duration
	Absolute time.Duration
}

// DefaultLifetimes keep a person signed in for a week of inactivity and a
// month at most.
var DefaultLifetimes = Lifetimes{Idle: 7 * 24 * time.Hour, Absolute: 30 * 24 * time.Hour}

// Store keeps sessions.
type Store interface {
	// Create starts a session for the user and returns the cookie's token.
	Create(ctx context.Context, userID uint64, userAgent string) (token string, err error)
	// Lookup returns the user of a live session and extends its idle expiry;
	// ok is false for an unknown or expired token, and for a session that
	// was ended while the lookup ran.
	Lookup(ctx context.Context, token string) (userID uint64, ok bool, err error)
	// Delete ends the session. A session once ended stays ended: no
	// concurrent Lookup brings it back.
	Delete(ctx context.Context, token string) error
	// DeleteOthers ends every session of the user except keepToken's
	// (all of them when keepToken is empty), with the same guarantee as
	// Delete.
	DeleteOthers(ctx context.Context, userID uint64, keepToken string) error
}

// Option adjusts a store made by NewDBStore or NewRedisStore.
type Option func(*options)

type options struct {
	now func() time.Time
}

// WithClock makes the store read the time from now instead of time.Now,
// so that tests can move time by hand. Every lifetime decision (idle and
// absolute expiry, when to extend a session) follows this clock, in both
// stores. The Redis store also sets a wall-clock TTL on its keys, which
// only collects them: it is never shorter than what the clock allows as
// long as the clock does not run faster than real time.
func WithClock(now func() time.Time) Option {
	return func(o *options) {
		if now != nil {
			o.now = now
		}
	}
}

func buildOptions(opts []Option) options {
	o := options{now: time.Now}
	for _, opt := range opts {
		opt(&o)
	}
	return o
}

// touchEvery limits the writes a busy session causes: its idle expiry moves
// at most once a minute.
const touchEvery = time.Minute
