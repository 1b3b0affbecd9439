package session

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// RedisStore keeps sessions in Redis: one key per session, expiring when
// idle, and one set per user listing their sessions.
type RedisStore struct {
	rdb    redis.UniversalClient
	prefix string
	lt     Lifetimes
}

// NewRedisStore returns a store on rdb; keys start with prefix.
func NewRedisStore(rdb redis.UniversalClient, prefix string, lt Lifetimes) *RedisStore {
	return &RedisStore{rdb: rdb, prefix: prefix, lt: lt}
}

type redisSession struct {
	UserID   uint64    `json:"u"`
	Created  time.Time `json:"c"`
	LastSeen time.Time `json:"s"`
}

func (s *RedisStore) key(id string) string { return s.prefix + ":session:" + id }
func (s *RedisStore) userKey(userID uint64) string {
	return s.prefix + ":user-sessions:" + strconv.FormatUint(userID, 10)
}

// Create starts a session.
func (s *RedisStore) Create(ctx context.Context, userID uint64, userAgent string) (string, error) {
	token, id := newToken()
	now := time.Now().UTC()
	body, _ := json.Marshal(redisSession{UserID: userID, Created: now, LastSeen: now})
	_, err := s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.Set(ctx, s.key(id), body, s.lt.Idle)
		p.SAdd(ctx, s.userKey(userID), id)
		p.Expire(ctx, s.userKey(userID), s.lt.Absolute)
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("create session: %w", err)
	}
	return token, nil
}

// Lookup finds a live session and extends it.
func (s *RedisStore) Lookup(ctx context.Context, token string) (uint64, bool, error) {
	id := idOf(token)
	raw, err := s.rdb.Get(ctx, s.key(id)).Bytes()
	if errors.Is(err, redis.Nil) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("read session: %w", err)
	}
	var rs redisSession
	if err := json.Unmarshal(raw, &rs); err != nil {
		return 0, false, nil
	}
	now := time.Now().UTC()
	left := rs.Created.Add(s.lt.Absolute).Sub(now)
	if left <= 0 {
		return 0, false, s.rdb.Del(ctx, s.key(id)).Err()
	}
	if now.Sub(rs.LastSeen) >= touchEvery {
		rs.LastSeen = now
		body, _ := json.Marshal(rs)
		if err := s.rdb.Set(ctx, s.key(id), body, min(s.lt.Idle, left)).Err(); err != nil {
			return 0, false, fmt.Errorf("touch session: %w", err)
		}
	}
	return rs.UserID, true, nil
}

// Delete ends a session.
func (s *RedisStore) Delete(ctx context.Context, token string) error {
	if err := s.rdb.Del(ctx, s.key(idOf(token))).Err(); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// DeleteOthers ends the user's other sessions.
func (s *RedisStore) DeleteOthers(ctx context.Context, userID uint64, keepToken string) error {
	keep := ""
	if keepToken != "" {
		keep = idOf(keepToken)
	}
	ids, err := s.rdb.SMembers(ctx, s.userKey(userID)).Result()
	if err != nil {
		return fmt.Errorf("list sessions of user %d: %w", userID, err)
	}
	for _, id := range ids {
		if id == keep {
			continue
		}
		if err := s.rdb.Del(ctx, s.key(id)).Err(); err != nil {
			return fmt.Errorf("delete session: %w", err)
		}
		s.rdb.SRem(ctx, s.userKey(userID), id)
	}
	return nil
}
