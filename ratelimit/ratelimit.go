// Package ratelimit counts events per key in fixed windows — failed
// sign-ins per e-mail and per address, messages per sender — in memory on
// the embedded defaults and in Redis when several web processes share the
// count.
//
// A window starts with the key's first event and lasts the counter's
// window: an event at the window's start plus the window belongs to a new
// one. Windows follow the counter's clock (see WithClock), in memory and
// in Redis alike.
//
// To guard work, reserve before doing it: Reserve counts the attempt only
// if the limit is not reached yet, atomically, so that concurrent attempts
// never get past the limit together; Release gives an attempt back when it
// should not count after all.
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
	// Reserve records one event only if the count in the current window
	// is below max, atomically: of any number of concurrent calls with
	// the same max on a fresh key, exactly max succeed. It returns
	// ok=true and the count including this event, or ok=false and the
	// count as it stands (max or more) when the limit is already reached.
	Reserve(ctx context.Context, key string, max int) (ok bool, n int, err error)
	// Release takes one event back from the current window, for a caller
	// that reserved and then decides the event should not count. The
	// count never goes below zero, and the window keeps its start.
	Release(ctx context.Context, key string) error
}

// Option adjusts a counter made by NewMemory or NewRedis.
type Option func(*options)

type options struct {
	now func() time.Time
}

// WithClock makes the counter read the time from now instead of time.Now,
// so that tests can move time by hand: windows start and end by this
// clock. The Redis counter also gives its keys a wall-clock TTL of one
// window, which only collects them (see Redis).
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

// unlimited is the max of Add.
const unlimited = -1

// Memory is a Counter for one process.
type Memory struct {
	window time.Duration
	now    func() time.Time
	mu     sync.Mutex
	keys   map[string]*entry
	sweep  time.Time
}

type entry struct {
	n     int
	until time.Time // the window's end, excluded
}

// NewMemory returns an in-process counter; see WithClock for the options.
func NewMemory(window time.Duration, opts ...Option) *Memory {
	o := buildOptions(opts)
	return &Memory{window: window, now: o.now, keys: map[string]*entry{}}
}

// live returns the key's entry if its window is current; m.mu is held.
func (m *Memory) live(key string, now time.Time) *entry {
	if now.Sub(m.sweep) > m.window {
		for k, e := range m.keys {
			if !now.Before(e.until) {
				delete(m.keys, k)
			}
		}
		m.sweep = now
	}
	e := m.keys[key]
	if e == nil || !now.Before(e.until) {
		return nil
	}
	return e
}

// reserve counts one event if the count is below max (always when max is
// unlimited).
func (m *Memory) reserve(key string, max int) (bool, int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	e := m.live(key, now)
	n := 0
	if e != nil {
		n = e.n
	}
	if max != unlimited && n >= max {
		return false, n
	}
	if e == nil {
		e = &entry{until: now.Add(m.window)}
		m.keys[key] = e
	}
	e.n++
	return true, e.n
}

// Add records an event.
func (m *Memory) Add(ctx context.Context, key string) (int, error) {
	_, n := m.reserve(key, unlimited)
	return n, nil
}

// Reserve records an event if the count is below max.
func (m *Memory) Reserve(ctx context.Context, key string, max int) (bool, int, error) {
	if max < 0 {
		max = 0
	}
	ok, n := m.reserve(key, max)
	return ok, n, nil
}

// Release takes an event back.
func (m *Memory) Release(ctx context.Context, key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if e := m.live(key, m.now()); e != nil && e.n > 0 {
		e.n--
	}
	return nil
}

// Count returns the current count.
func (m *Memory) Count(ctx context.Context, key string) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if e := m.live(key, m.now()); e != nil {
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
//
// Each key is a hash holding the count (n) and the window's start (s, in
// Unix milliseconds of the counter's clock), updated by Lua scripts so
// that every operation is atomic. Whether a window is over is decided from
// s and the clock, never from Redis' own time; the key's TTL, set to one
// window of wall-clock time when the window starts, only collects it.
// The processes sharing the keys should have synchronized clocks (a
// process whose clock runs ahead ends windows early), and a test clock
// must not run slower than real time for longer than a window, or Redis
// drops keys the clock considers current.
//
// The keys are prefix + "w:" + key: the format changed from the plain
// INCR counters kept at prefix + key, and the new names keep a process of
// either version from reading the other's keys as the wrong type.
type Redis struct {
	rdb    redis.UniversalClient
	prefix string
	window time.Duration
	now    func() time.Time
}

// NewRedis returns a counter whose keys start with prefix; see WithClock
// for the options.
func NewRedis(rdb redis.UniversalClient, prefix string, window time.Duration, opts ...Option) *Redis {
	o := buildOptions(opts)
	return &Redis{rdb: rdb, prefix: prefix, window: window, now: o.now}
}

func (r *Redis) key(key string) string { return r.prefix + "w:" + key }

// The scripts take KEYS[1], the counter's key; ARGV[1], the clock's time
// in Unix milliseconds; ARGV[2], the window in milliseconds.
const liveWindow = `
local now, window = tonumber(ARGV[1]), tonumber(ARGV[2])
local v = redis.call('HMGET', KEYS[1], 'n', 's')
local n, s = tonumber(v[1]), tonumber(v[2])
local fresh = n == nil or s == nil or now >= s + window
if fresh then n = 0 end
`

// reserveScript counts one event if the count is below ARGV[3] (always
// when ARGV[3] is negative) and returns {1 if counted else 0, count}.
var reserveScript = redis.NewScript(liveWindow + `
local max = tonumber(ARGV[3])
if max >= 0 and n >= max then return {0, n} end
n = n + 1
if fresh then
	redis.call('HSET', KEYS[1], 'n', n, 's', ARGV[1])
	redis.call('PEXPIRE', KEYS[1], window)
else
	redis.call('HSET', KEYS[1], 'n', n)
end
return {1, n}`)

// countScript returns the count of the current window.
var countScript = redis.NewScript(liveWindow + `
return n`)

// releaseScript takes one event back from the current window and returns
// the count.
var releaseScript = redis.NewScript(liveWindow + `
if n > 0 then
	n = n - 1
	redis.call('HSET', KEYS[1], 'n', n)
end
return n`)

func (r *Redis) args(extra ...any) []any {
	return append([]any{r.now().UnixMilli(), max(r.window.Milliseconds(), 1)}, extra...)
}

func (r *Redis) reserve(ctx context.Context, key string, max int) (bool, int, error) {
	res, err := reserveScript.Run(ctx, r.rdb, []string{r.key(key)}, r.args(max)...).Int64Slice()
	if err != nil {
		return false, 0, fmt.Errorf("rate limit %s: %w", key, err)
	}
	if len(res) != 2 {
		return false, 0, fmt.Errorf("rate limit %s: the script answered %v", key, res)
	}
	return res[0] == 1, int(res[1]), nil
}

// Add records an event.
func (r *Redis) Add(ctx context.Context, key string) (int, error) {
	_, n, err := r.reserve(ctx, key, unlimited)
	return n, err
}

// Reserve records an event if the count is below max.
func (r *Redis) Reserve(ctx context.Context, key string, max int) (bool, int, error) {
	if max < 0 {
		max = 0
	}
	return r.reserve(ctx, key, max)
}

// Release takes an event back.
func (r *Redis) Release(ctx context.Context, key string) error {
	if err := releaseScript.Run(ctx, r.rdb, []string{r.key(key)}, r.args()...).Err(); err != nil {
		return fmt.Errorf("rate limit %s: release: %w", key, err)
	}
	return nil
}

// Count returns the current count.
func (r *Redis) Count(ctx context.Context, key string) (int, error) {
	n, err := countScript.Run(ctx, r.rdb, []string{r.key(key)}, r.args()...).Int()
	if err != nil {
		return 0, fmt.Errorf("rate limit %s: %w", key, err)
	}
	return n, nil
}

// Reset forgets the key.
func (r *Redis) Reset(ctx context.Context, key string) error {
	if err := r.rdb.Del(ctx, r.key(key)).Err(); err != nil {
		return fmt.Errorf("rate limit %s: %w", key, err)
	}
	return nil
}
