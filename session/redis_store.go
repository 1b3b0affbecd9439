package session

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"motando/models"

	"github.com/redis/go-redis/v9"
)

// RedisStore keeps sessions in Redis: one key per session, expiring when
// idle, and one set per user listing their sessions (the index that
// DeleteOthers reads).
//
// Invariants: every live session's id is in its user's set (Create adds
// it to the set before writing the session, and the set outlives every
// session it lists); Delete and DeleteOthers remove ids from the set as
// they delete the sessions; and a session's periodic touch only ever
// overwrites an existing key (SET XX), so it cannot bring back a session
// that was deleted after the lookup read it.
//
// Lifetimes are checked against the store's clock (see WithClock) from the
// times kept in the session; the keys' Redis TTLs, which are wall-clock,
// only collect what the clock already considers expired.
type RedisStore struct {
	rdb    redis.UniversalClient
	prefix string
	lt     Lifetimes
	now    func() time.Time
}

// NewRedisStore returns a store on rdb; keys start with prefix. See
// WithClock for the options.
func NewRedisStore(rdb redis.UniversalClient, prefix string, lt Lifetimes, opts ...Option) *RedisStore {
	o := buildOptions(opts)
	return &RedisStore{rdb: rdb, prefix: prefix, lt: lt, now: o.now}
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
	token, id := models.NewToken()
	now := s.now().UTC()
	body, err := json.Marshal(redisSession{UserID: userID, Created: now, LastSeen: now})
	if err != nil {
		return "", fmt.Errorf("create session: %w", err)
	}
	_, err = s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		// The index first: should the commands ever run apart (a cluster
		// splits a transaction by slot), a live session is never missing
		// from it. Its TTL is the longest any session can live.
		p.SAdd(ctx, s.userKey(userID), id)
		p.Expire(ctx, s.userKey(userID), s.lt.Absolute)
		p.Set(ctx, s.key(id), body, ttl(min(s.lt.Idle, s.lt.Absolute)))
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("create session: %w", err)
	}
	return token, nil
}

// Lookup finds a live session and extends it.
func (s *RedisStore) Lookup(ctx context.Context, token string) (uint64, bool, error) {
	id := models.TokenHash(token)
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
	now := s.now().UTC()
	end := rs.Created.Add(s.lt.Absolute)
	if !now.Before(end) || !now.Before(rs.LastSeen.Add(s.lt.Idle)) {
		if err := s.remove(ctx, rs.UserID, id); err != nil {
			return 0, false, fmt.Errorf("end expired session: %w", err)
		}
		return 0, false, nil
	}
	if now.Sub(rs.LastSeen) >= touchEvery {
		rs.LastSeen = now
		body, err := json.Marshal(rs)
		if err != nil {
			return 0, false, fmt.Errorf("touch session: %w", err)
		}
		// XX: only if the key still exists. A Delete or DeleteOthers that
		// ran since the GET wins, and this lookup reports the session
		// ended.
		err = s.rdb.SetArgs(ctx, s.key(id), body, redis.SetArgs{Mode: "XX", TTL: ttl(min(s.lt.Idle, end.Sub(now)))}).Err()
		if errors.Is(err, redis.Nil) {
			return 0, false, nil
		}
		if err != nil {
			return 0, false, fmt.Errorf("touch session: %w", err)
		}
	}
	return rs.UserID, true, nil
}

// Delete ends a session.
func (s *RedisStore) Delete(ctx context.Context, token string) error {
	id := models.TokenHash(token)
	raw, err := s.rdb.Get(ctx, s.key(id)).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("delete session: read it: %w", err)
	}
	var rs redisSession
	if err := json.Unmarshal(raw, &rs); err != nil {
		// Unreadable: there is no user whose index to update.
		if err := s.rdb.Del(ctx, s.key(id)).Err(); err != nil {
			return fmt.Errorf("delete session: %w", err)
		}
		return nil
	}
	if err := s.remove(ctx, rs.UserID, id); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// DeleteOthers ends the user's other sessions.
func (s *RedisStore) DeleteOthers(ctx context.Context, userID uint64, keepToken string) error {
	keep := ""
	if keepToken != "" {
		keep = models.TokenHash(keepToken)
	}
	ids, err := s.rdb.SMembers(ctx, s.userKey(userID)).Result()
	if err != nil {
		return fmt.Errorf("list sessions of user %d: %w", userID, err)
	}
	ended := make([]string, 0, len(ids))
	for _, id := range ids {
		if id != keep {
			ended = append(ended, id)
		}
	}
	if err := s.remove(ctx, userID, ended...); err != nil {
		return fmt.Errorf("delete sessions of user %d: %w", userID, err)
	}
	return nil
}

// remove deletes the sessions and takes them out of the user's index.
func (s *RedisStore) remove(ctx context.Context, userID uint64, ids ...string) error {
	if len(ids) == 0 {
		return nil
	}
	_, err := s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		for _, id := range ids {
			// One key per DEL: a cluster can route each on its own.
			p.Del(ctx, s.key(id))
		}
		members := make([]any, len(ids))
		for i, id := range ids {
			members[i] = id
		}
		p.SRem(ctx, s.userKey(userID), members...)
		return nil
	})
	return err
}

// ttl keeps a Redis TTL at one millisecond or more, the smallest that
// Redis expresses (SET ... PX).
func ttl(d time.Duration) time.Duration {
	return max(d, time.Millisecond)
}
