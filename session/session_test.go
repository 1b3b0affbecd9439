package session_test

import (
	"context"
	"testing"
	"time"

	"motando/models"
	"motando/models/modelstest"
	"motando/session"
)

// eachStore runs fn on the database store (each dialect) and the Redis store.
func eachStore(t *testing.T, lt session.Lifetimes, fn func(t *testing.T, s session.Store, users [2]uint64)) {
	users := func(db *models.DB) [2]uint64 {
		return [2]uint64{modelstest.CreateUser(t, db, "A").ID, modelstest.CreateUser(t, db, "B").ID}
	}
	modelstest.EachDialect(t, func(t *testing.T, db *models.DB) {
		fn(t, session.NewDBStore(db, lt), users(db))
	})
	t.Run("redis", func(t *testing.T) {
		rdb, prefix := modelstest.Redis(t)
		fn(t, session.NewRedisStore(rdb, prefix, lt), [2]uint64{1, 2})
	})
}

func TestSessionLifecycle(t *testing.T) {
	eachStore(t, session.DefaultLifetimes, func(t *testing.T, s session.Store, users [2]uint64) {
		ctx := context.Background()
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
		s.Delete(ctx, a1)
		if _, ok, _ := s.Lookup(ctx, a1); ok {
			t.Error("a deleted session still works")
		}
	})
}

func TestSessionExpiry(t *testing.T) {
	eachStore(t, session.Lifetimes{Idle: time.Second, Absolute: time.Hour}, func(t *testing.T, s session.Store, users [2]uint64) {
		ctx := context.Background()
		tok, _ := s.Create(ctx, users[0], "")
		time.Sleep(1200 * time.Millisecond)
		if _, ok, _ := s.Lookup(ctx, tok); ok {
			t.Error("an idle session outlived its idle time")
		}
	})
	eachStore(t, session.Lifetimes{Idle: time.Hour, Absolute: time.Second}, func(t *testing.T, s session.Store, users [2]uint64) {
		ctx := context.Background()
		tok, _ := s.Create(ctx, users[0], "")
		time.Sleep(1200 * time.Millisecond)
		if _, ok, _ := s.Lookup(ctx, tok); ok {
			t.Error("a session outlived its absolute lifetime")
		}
	})
}
