// Package ratelimit counts events per key in fixed windows — failed
// sign-ins per e-mail and per address, messages per sender — in memory on
// the embedded defaults and in Redis when several web processes share the
// count.
package ratelimit

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// Counter counts events per key within a window that starts with the key's
// first event.
type Counter interface {
	// Add records one event and returns the count in the current window.
	Add(ctx context.Context, key string) (int, error)
	// Count returns the count in the current window without adding.
	Count(ctx context.Context, key string) (int, error)
	// Reset forgets the key.
	Reset(ctx context.Context, key string) error
}

// Memory is a Counter for one process.
type Memory struct {
	window time.Duration
	mu     sync.Mutex
	keys   map[string]*entry
	sweep  time.Time
}

type entry struct {
	n     int
	until time.Time
}

// NewMemory returns an in-process counter.
func NewMemory(window time.Duration) *Memory {
	return &Memory{window: window, keys: map[string]*entry{}}
}

func (m *Memory) live(key string, now time.Time) *entry {
	if now.Sub(m.sweep) > m.window {
		for k, e := range m.keys {
			if now.After(e.until) {
				delete(m.keys, k)
			}
		}
		m.sweep = now
	}
	e := m.keys[key]
	if e == nil || now.After(e.until) {
		return nil
	}
	return e
}

// Add records an event.
func (m *Memory) Add(ctx context.Context, key string) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := time.Now()
	e := m.live(key, now)
	if e == nil {
		e = &entry{until: now.Add(m.window)}
		m.keys[key] = e
	}
	e.n++
	return e.n, nil
}

// Count returns the current count.
func (m *Memory) Count(ctx context.Context, key string) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if e := m.live(key, time.Now()); e != nil {
		return e.n, nil
	}
	return 0, nil
}

// Reset forgets the key.
func (m *Memory) Reset(ctx context.Context, key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.keys, key)
	return nil
}

// Redis is a Counter shared by every process using the Redis server.
type Redis struct {
	rdb    redis.UniversalClient
	prefix string
	window time.Duration
}

// NewRedis returns a counter whose keys start with prefix.
func NewRedis(rdb redis.UniversalClient, prefix string, window time.Duration) *Redis {
	return &Redis{rdb: rdb, prefix: prefix, window: window}
}

var addScript = redis.NewScript(`
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n`)

// Add records an event.
func (r *Redis) Add(ctx context.Context, key string) (int, error) {
	n, err := addScript.Run(ctx, r.rdb, []string{r.prefix + key}, r.window.Milliseconds()).Int()
	if err != nil {
		return 0, fmt.Errorf("rate limit %s: %w", key, err)
	}
	return n, nil
}

// Count returns the current count.
func (r *Redis) Count(ctx context.Context, key string) (int, error) {
	n, err := r.rdb.Get(ctx, r.prefix+key).Int()
	if err == redis.Nil {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("rate limit %s: %w", key, err)
	}
	return n, nil
}

// Reset forgets the key.
func (r *Redis) Reset(ctx context.Context, key string) error {
	if err := r.rdb.Del(ctx, r.prefix+key).Err(); err != nil {
		return fmt.Errorf("rate limit %s: %w", key, err)
	}
	return nil
}
