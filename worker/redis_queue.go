package worker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// RedisQueue is the queue shared by separate web and worker processes: a
// Redis stream read by a consumer group. A message read but not
// acknowledged within the visibility timeout (its worker died) is claimed
// again with XAUTOCLAIM. Failed jobs wait for their retry in a sorted set;
// dead letters go to a second stream. Acknowledged messages are deleted and
// the streams are capped, so they stay small.
type RedisQueue struct {
	rdb        redis.UniversalClient
	stream     string
	delayed    string
	dead       string
	group      string
	consumer   string
	visibility time.Duration
	block      time.Duration

	mu        sync.Mutex
	grouped   bool
	lastClaim time.Time
}

// RedisOptions configures a RedisQueue.
type RedisOptions struct {
	Prefix     string        // key prefix, default "motando:jobs"
	Visibility time.Duration // default 60s
	Block      time.Duration // longest wait in Receive, default 2s
}

const (
	streamMaxLen = 1_000_000
	deadMaxLen   = 10_000
)

// NewRedisQueue returns a queue on rdb.
func NewRedisQueue(rdb redis.UniversalClient, o RedisOptions) *RedisQueue {
	if o.Prefix == "" {
		o.Prefix = "motando:jobs"
	}
	if o.Visibility <= 0 {
		o.Visibility = 60 * time.Second
	}
	if o.Block <= 0 {
		o.Block = 2 * time.Second
	}
	host, _ := os.Hostname()
	return &RedisQueue{
		rdb:        rdb,
		stream:     o.Prefix,
		delayed:    o.Prefix + ":delayed",
		dead:       o.Prefix + ":dead",
		group:      "workers",
		consumer:   fmt.Sprintf("%s-%d-%d", host, os.Getpid(), time.Now().UnixNano()%1e6),
		visibility: o.Visibility,
		block:      o.Block,
	}
}

// Enqueue appends the job to the stream.
func (q *RedisQueue) Enqueue(ctx context.Context, j Job) error {
	body, _ := json.Marshal(j)
	err := q.rdb.XAdd(ctx, &redis.XAddArgs{Stream: q.stream, MaxLen: streamMaxLen, Approx: true, Values: []any{"job", body}}).Err()
	if err != nil {
		return fmt.Errorf("enqueue %s %d: %w", j.Kind, j.ID, err)
	}
	return nil
}

func (q *RedisQueue) ensureGroup(ctx context.Context) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.grouped {
		return nil
	}
	err := q.rdb.XGroupCreateMkStream(ctx, q.stream, q.group, "0").Err()
	if err != nil && !strings.HasPrefix(err.Error(), "BUSYGROUP") {
		return fmt.Errorf("create consumer group: %w", err)
	}
	q.grouped = true
	return nil
}

// promoteScript moves due retries from the sorted set to the stream.
var promoteScript = redis.NewScript(`
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, 100)
for _, job in ipairs(due) do
  redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], '*', 'job', job)
  redis.call('ZREM', KEYS[1], job)
end
return #due`)

// Receive promotes due retries, re-claims messages whose worker went
// silent, then reads new messages, waiting up to the block time.
func (q *RedisQueue) Receive(ctx context.Context, max int) ([]Message, error) {
	if err := q.ensureGroup(ctx); err != nil {
		return nil, err
	}
	if err := promoteScript.Run(ctx, q.rdb, []string{q.delayed, q.stream},
		time.Now().UnixMilli(), streamMaxLen).Err(); err != nil && !errors.Is(err, redis.Nil) {
		return nil, fmt.Errorf("promote retries: %w", err)
	}
	out, err := q.claim(ctx, max)
	if err != nil {
		return nil, err
	}
	if len(out) >= max {
		return out, nil
	}
	streams, err := q.rdb.XReadGroup(ctx, &redis.XReadGroupArgs{
		Group: q.group, Consumer: q.consumer, Streams: []string{q.stream, ">"},
		Count: int64(max - len(out)), Block: q.blockFor(ctx),
	}).Result()
	if errors.Is(err, redis.Nil) {
		return out, nil
	}
	if err != nil {
		q.forgetGroupIfMissing(err)
		return out, fmt.Errorf("read jobs: %w", err)
	}
	for _, s := range streams {
		for _, xm := range s.Messages {
			out = append(out, q.message(xm, 1))
		}
	}
	return out, nil
}

// blockFor is how long a read may wait: the block time, or less when a
// retry falls due sooner.
func (q *RedisQueue) blockFor(ctx context.Context) time.Duration {
	next, err := q.rdb.ZRangeWithScores(ctx, q.delayed, 0, 0).Result()
	if err != nil || len(next) == 0 {
		return q.block
	}
	until := time.Until(time.UnixMilli(int64(next[0].Score)))
	return max(min(until, q.block), time.Millisecond)
}

// claim takes over messages idle for longer than the visibility timeout, at
// most once a second.
func (q *RedisQueue) claim(ctx context.Context, max int) ([]Message, error) {
	q.mu.Lock()
	due := time.Since(q.lastClaim) >= time.Second
	if due {
		q.lastClaim = time.Now()
	}
	q.mu.Unlock()
	if !due {
		return nil, nil
	}
	xms, _, err := q.rdb.XAutoClaim(ctx, &redis.XAutoClaimArgs{
		Stream: q.stream, Group: q.group, Consumer: q.consumer,
		MinIdle: q.visibility, Start: "0-0", Count: int64(max),
	}).Result()
	if err != nil && !errors.Is(err, redis.Nil) {
		q.forgetGroupIfMissing(err)
		return nil, fmt.Errorf("claim stalled jobs: %w", err)
	}
	out := make([]Message, 0, len(xms))
	for _, xm := range xms {
		deliveries := 2
		pend, err := q.rdb.XPendingExt(ctx, &redis.XPendingExtArgs{
			Stream: q.stream, Group: q.group, Start: xm.ID, End: xm.ID, Count: 1,
		}).Result()
		if err == nil && len(pend) == 1 {
			deliveries = int(pend[0].RetryCount)
		}
		out = append(out, q.message(xm, deliveries))
	}
	return out, nil
}

// forgetGroupIfMissing makes the next Receive recreate the consumer group,
// which a Redis restart without persistence loses.
func (q *RedisQueue) forgetGroupIfMissing(err error) {
	if strings.Contains(err.Error(), "NOGROUP") {
		q.mu.Lock()
		q.grouped = false
		q.mu.Unlock()
	}
}

func (q *RedisQueue) message(xm redis.XMessage, deliveries int) Message {
	m := Message{ID: xm.ID, Deliveries: deliveries}
	raw, _ := xm.Values["job"].(string)
	if err := json.Unmarshal([]byte(raw), &m.Job); err != nil {
		m.Job = Job{Kind: "invalid"}
	}
	return m
}

// Ack acknowledges and deletes the message.
func (q *RedisQueue) Ack(ctx context.Context, m Message) error {
	_, err := q.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.XAck(ctx, q.stream, q.group, m.ID)
		p.XDel(ctx, q.stream, m.ID)
		return nil
	})
	if err != nil {
		return fmt.Errorf("ack %s: %w", m.ID, err)
	}
	return nil
}

// Retry schedules the job again and removes the message, atomically.
func (q *RedisQueue) Retry(ctx context.Context, m Message, delay time.Duration) error {
	j := m.Job
	j.Attempt++
	body, _ := json.Marshal(j)
	_, err := q.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.ZAdd(ctx, q.delayed, redis.Z{Score: float64(time.Now().Add(delay).UnixMilli()), Member: string(body)})
		p.XAck(ctx, q.stream, q.group, m.ID)
		p.XDel(ctx, q.stream, m.ID)
		return nil
	})
	if err != nil {
		return fmt.Errorf("schedule retry of %s: %w", m.ID, err)
	}
	return nil
}

// Bury moves the message to the dead-letter stream, atomically.
func (q *RedisQueue) Bury(ctx context.Context, m Message, reason string) error {
	body, _ := json.Marshal(m.Job)
	_, err := q.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.XAdd(ctx, &redis.XAddArgs{Stream: q.dead, MaxLen: deadMaxLen, Approx: true, Values: []any{
			"job", body, "reason", reason, "failed_at", strconv.FormatInt(time.Now().Unix(), 10),
		}})
		p.XAck(ctx, q.stream, q.group, m.ID)
		p.XDel(ctx, q.stream, m.ID)
		return nil
	})
	if err != nil {
		return fmt.Errorf("bury %s: %w", m.ID, err)
	}
	return nil
}

// DeadLetters lists the dead letters, newest first.
func (q *RedisQueue) DeadLetters(ctx context.Context, limit int) ([]DeadLetter, error) {
	xms, err := q.rdb.XRevRangeN(ctx, q.dead, "+", "-", int64(limit)).Result()
	if err != nil {
		return nil, fmt.Errorf("list dead letters: %w", err)
	}
	out := make([]DeadLetter, 0, len(xms))
	for _, xm := range xms {
		d := DeadLetter{ID: xm.ID}
		raw, _ := xm.Values["job"].(string)
		json.Unmarshal([]byte(raw), &d.Job) //nolint:errcheck // a malformed entry is listed without its job
		d.Reason, _ = xm.Values["reason"].(string)
		if s, ok := xm.Values["failed_at"].(string); ok {
			if sec, err := strconv.ParseInt(s, 10, 64); err == nil {
				d.FailedAt = time.Unix(sec, 0).UTC()
			}
		}
		out = append(out, d)
	}
	return out, nil
}

// RemoveDeadLetter deletes a dead letter.
func (q *RedisQueue) RemoveDeadLetter(ctx context.Context, id string) error {
	if err := q.rdb.XDel(ctx, q.dead, id).Err(); err != nil {
		return fmt.Errorf("remove dead letter %s: %w", id, err)
	}
	return nil
}

// Stats counts the jobs in each state.
func (q *RedisQueue) Stats(ctx context.Context) (Stats, error) {
	var s Stats
	p := q.rdb.Pipeline()
	total := p.XLen(ctx, q.stream)
	pending := p.XPending(ctx, q.stream, q.group)
	delayed := p.ZCard(ctx, q.delayed)
	dead := p.XLen(ctx, q.dead)
	_, err := p.Exec(ctx)
	if err != nil && !errors.Is(err, redis.Nil) && !strings.Contains(err.Error(), "NOGROUP") {
		return s, fmt.Errorf("queue stats: %w", err)
	}
	if pi, err := pending.Result(); err == nil {
		s.InFlight = pi.Count
	}
	s.Ready = total.Val() - s.InFlight
	s.Delayed = delayed.Val()
	s.Dead = dead.Val()
	return s, nil
}
