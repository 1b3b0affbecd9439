package session_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"motando/models"
	"motando/models/modelstest"
	"motando/session"
)

// clock is a hand-driven clock: Now returns the current time, then moves
// it forward by step (zero unless a test wants every call to see time pass).
type clock struct {
	mu   sync.Mutex
	t    time.Time
	step time.Duration
}

func newClock() *clock { return &clock{t: time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := c.t
	c.t = c.t.Add(c.step)
	return t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// env is one store under test.
type env struct {
	s     session.Store
	users [2]uint64
	clock *clock
	// index lists the ids in a user's session index (Redis only, nil on
	// the database).
	index func(userID uint64) []string
}

// scenarios run on every store, each on a store of its own (with its own
// users and clock) sharing one database per dialect.
var scenarios = []struct {
	name string
	lt   session.Lifetimes
	fn   func(t *testing.T, e env)
}{
	{"lifecycle", session.DefaultLifetimes, testLifecycle},
	{"idle-expiry", session.Lifetimes{Idle: time.Hour, Absolute: 24 * time.Hour}, testIdleExpiry},
	{"absolute-expiry", session.Lifetimes{Idle: time.Hour, Absolute: 2 * time.Hour}, testAbsoluteExpiry},
	{"ended-stays-ended", session.Lifetimes{Idle: 7 * 24 * time.Hour, Absolute: 365 * 24 * time.Hour}, testEndedStaysEnded},
}

// TestStores runs the scenarios on the database store (each dialect) and
// the Redis store.
func TestStores(t *testing.T) {
	modelstest.EachDialect(t, func(t *testing.T, db *models.DB) {
		for _, sc := range scenarios {
			t.Run(sc.name, func(t *testing.T) {
				c := newClock()
				users := [2]uint64{modelstest.CreateUser(t, db, "A").ID, modelstest.CreateUser(t, db, "B").ID}
				sc.fn(t, env{s: session.NewDBStore(db, sc.lt, session.WithClock(c.Now)), users: users, clock: c})
			})
		}
	})
	t.Run("redis", func(t *testing.T) {
		for _, sc := range scenarios {
			t.Run(sc.name, func(t *testing.T) { sc.fn(t, redisEnv(t, sc.lt)) })
		}
	})
}

// redisEnv returns the Redis store, on a hand-driven clock.
func redisEnv(t *testing.T, lt session.Lifetimes) env {
	rdb, prefix := modelstest.Redis(t)
	c := newClock()
	return env{
		s: session.NewRedisStore(rdb, prefix, lt, session.WithClock(c.Now)), users: [2]uint64{1, 2}, clock: c,
		index: func(userID uint64) []string {
			ids, err := rdb.SMembers(context.Background(), prefix+":user-sessions:"+strconv.FormatUint(userID, 10)).Result()
			if err != nil {
				t.Fatal(err)
			}
			slices.Sort(ids)
			return ids
		},
	}
}

// idOf is the id a store keeps a token under.
func idOf(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

func mustCreate(t *testing.T, s session.Store, userID uint64) string {
	t.Helper()
	tok, err := s.Create(context.Background(), userID, "browser")
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func live(t *testing.T, s session.Store, token string) bool {
	t.Helper()
	_, ok, err := s.Lookup(context.Background(), token)
	if err != nil {
		t.Fatal(err)
	}
	return ok
}

func testLifecycle(t *testing.T, e env) {
	ctx, s, users := context.Background(), e.s, e.users
	a1, _ := s.Create(ctx, users[0], "browser 1")
	a2, _ := s.Create(ctx, users[0], "browser 2")
	b1, _ := s.Create(ctx, users[1], "browser 3")
	if a1 == a2 || len(a1) < 40 {
		t.Fatalf("tokens %q %q", a1, a2)
	}
	if uid, ok, err := s.Lookup(ctx, a1); !ok || err != nil || uid != users[0] {
		t.Fatalf("Lookup: %d %v %v", uid, ok, err)
	}
	if _, ok, _ := s.Lookup(ctx, "forged-token"); ok {
		t.Error("a forged token was accepted")
	}
	if err := s.DeleteOthers(ctx, users[0], a1); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := s.Lookup(ctx, a2); ok {
		t.Error("DeleteOthers kept the other session")
	}
	if _, ok, _ := s.Lookup(ctx, a1); !ok {
		t.Error("DeleteOthers ended the kept session")
	}
	if _, ok, _ := s.Lookup(ctx, b1); !ok {
		t.Error("DeleteOthers ended another user's session")
	}
	if err := s.Delete(ctx, a1); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := s.Lookup(ctx, a1); ok {
		t.Error("a deleted session still works")
	}
	if err := s.Delete(ctx, a1); err != nil {
		t.Errorf("deleting an ended session: %v", err)
	}
	if err := s.DeleteOthers(ctx, users[1], ""); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := s.Lookup(ctx, b1); ok {
		t.Error("DeleteOthers with no session to keep kept one")
	}
}

func testIdleExpiry(t *testing.T, e env) {
	tok := mustCreate(t, e.s, e.users[0])
	for i := 0; i < 3; i++ {
		e.clock.Advance(time.Hour - time.Second)
		if !live(t, e.s, tok) {
			t.Fatalf("a session seen every 59m59s ended after %d visits", i)
		}
	}
	e.clock.Advance(time.Hour)
	if live(t, e.s, tok) {
		t.Error("a session outlived its idle time")
	}

	// A lookup less than a minute after the last touch does not move
	// the idle expiry (touchEvery).
	tok = mustCreate(t, e.s, e.users[0])
	e.clock.Advance(59 * time.Minute)
	if !live(t, e.s, tok) { // touched: ends at +1h59m
		t.Fatal("session ended early")
	}
	e.clock.Advance(30 * time.Second)
	if !live(t, e.s, tok) { // not touched
		t.Fatal("session ended early")
	}
	// +1h59m: the end of the idle time counted from the touch at +59m;
	// had the lookup at +59m30s touched it too, it would live until
	// +1h59m30s.
	e.clock.Advance(time.Hour - 30*time.Second)
	if live(t, e.s, tok) {
		t.Error("a lookup within a minute of the last touch extended the session")
	}
}

func testAbsoluteExpiry(t *testing.T, e env) {
	tok := mustCreate(t, e.s, e.users[0])
	for _, d := range []time.Duration{50 * time.Minute, 50 * time.Minute, 19 * time.Minute} {
		e.clock.Advance(d)
		if !live(t, e.s, tok) {
			t.Fatal("session ended before its lifetime")
		}
	}
	e.clock.Advance(time.Minute)
	if live(t, e.s, tok) {
		t.Error("a session outlived its absolute lifetime")
	}
	if e.index != nil {
		if ids := e.index(e.users[0]); len(ids) != 0 {
			t.Errorf("the expired session is still in the index: %v", ids)
		}
	}
}

// TestRedisIndex checks that the user's session index follows the
// sessions: DeleteOthers reads it.
func TestRedisIndex(t *testing.T) {
	e := redisEnv(t, session.DefaultLifetimes)
	ctx, u := context.Background(), e.users[0]
	a1, a2, a3 := mustCreate(t, e.s, u), mustCreate(t, e.s, u), mustCreate(t, e.s, u)
	want := []string{idOf(a1), idOf(a2), idOf(a3)}
	slices.Sort(want)
	if got := e.index(u); !slices.Equal(got, want) {
		t.Fatalf("index after Create: %v, want %v", got, want)
	}
	if err := e.s.Delete(ctx, a1); err != nil {
		t.Fatal(err)
	}
	want = []string{idOf(a2), idOf(a3)}
	slices.Sort(want)
	if got := e.index(u); !slices.Equal(got, want) {
		t.Fatalf("index after Delete: %v, want %v", got, want)
	}
	if err := e.s.DeleteOthers(ctx, u, a2); err != nil {
		t.Fatal(err)
	}
	if got := e.index(u); !slices.Equal(got, []string{idOf(a2)}) {
		t.Fatalf("index after DeleteOthers: %v, want [%s]", got, idOf(a2))
	}
}

// testEndedStaysEnded races many lookups of a session, each of which
// touches it (the clock moves a minute at every reading), against its
// Delete or DeleteOthers: once they have all returned, the session must be
// ended, and the session DeleteOthers keeps must have stayed alive.
func testEndedStaysEnded(t *testing.T, e env) {
	const lookups = 50
	rounds := 200 // 100 to 130 of them failed before the touch became SET XX
	if e.index == nil {
		// Each touch is a database write, and slow on SQLite; an UPDATE
		// by id cannot bring a deleted row back anyway.
		rounds = 5
	}
	ctx, u := context.Background(), e.users[0]
	keep := mustCreate(t, e.s, u)
	e.clock.step = time.Minute // every Now() is a minute later: every lookup touches
	resurrected := 0
	for round := 0; round < rounds; round++ {
		victim := mustCreate(t, e.s, u)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for g := 0; g < lookups; g++ {
			wg.Go(func() {
				<-start
				tok := victim
				if g%10 == 0 {
					tok = keep
				}
				uid, ok, err := e.s.Lookup(ctx, tok)
				if err != nil {
					t.Error(err)
				}
				if tok == keep && (!ok || uid != u) {
					t.Errorf("round %d: the kept session was not found", round)
				}
			})
		}
		wg.Go(func() {
			<-start
			var err error
			if round%2 == 0 {
				err = e.s.Delete(ctx, victim)
			} else {
				err = e.s.DeleteOthers(ctx, u, keep)
			}
			if err != nil {
				t.Error(err)
			}
		})
		close(start)
		wg.Wait()
		if live(t, e.s, victim) {
			resurrected++
		}
		if e.index != nil {
			if got := e.index(u); !slices.Equal(got, []string{idOf(keep)}) {
				t.Fatalf("round %d: index %v, want only the kept session %s", round, got, idOf(keep))
			}
		}
	}
	if resurrected > 0 {
		t.Errorf("%d of %d ended sessions came back", resurrected, rounds)
	}
	if !live(t, e.s, keep) {
		t.Error("the kept session ended")
	}
}
