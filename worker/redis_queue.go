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
// again with XAUTOCLAIM. A worker still running a job keeps its message with
// Extend (a heartbeat): XCLAIM to itself, which restarts the idle time
// without counting a delivery. Failed jobs wait for their retry in a sorted
// set; dead letters go to a second stream. Acknowledged messages are deleted
// and the streams are capped, so they stay small.
//
// Ack, Retry, Bury and Extend act on one delivery: they check, atomically,
// that the message is still pending for this consumer with the delivery
// count it was received with. A worker that lost its claim anyway (Redis
// stalled or restarted for longer than the visibility timeout, and another
// worker took the message over) gets ErrClaimLost and changes nothing: its
// late Ack cannot delete the message from under the new holder, its Retry
// cannot schedule a second copy, its Bury cannot bury a job another worker
// is running, and its heartbeat cannot take the message back. The new holder
// settles the message; the job itself may then have run twice, which every
// handler tolerates.
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

// owns is the start of the scripts that act on one delivery: they go on only
// while the message is pending for the consumer with the delivery count it
// was received with. KEYS[1] is the stream; ARGV[1] the group, ARGV[2] the
// consumer, ARGV[3] the message id, ARGV[4] the delivery count.
const owns = `
local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[3], ARGV[3], 1, ARGV[2])
if #p == 0 or p[1][4] ~= tonumber(ARGV[4]) then return 0 end
`

// extendScript restarts the idle time of a message still held. XCLAIM with
// JUSTID does not count a delivery; with a minimum idle time of 0 it always
// applies, which is why owns must come first: it never takes back a message
// another consumer claimed.
var extendScript = redis.NewScript(owns + `
return #redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[3], 'JUSTID')`)

// ackScript acknowledges and deletes a message still held.
var ackScript = redis.NewScript(owns + `
redis.call('XACK', KEYS[1], ARGV[1], ARGV[3])
redis.call('XDEL', KEYS[1], ARGV[3])
return 1`)

// retryScript schedules the job (ARGV[6]) at ARGV[5] in the sorted set
// KEYS[2] and removes a message still held.
var retryScript = redis.NewScript(owns + `
redis.call('ZADD', KEYS[2], ARGV[5], ARGV[6])
redis.call('XACK', KEYS[1], ARGV[1], ARGV[3])
redis.call('XDEL', KEYS[1], ARGV[3])
return 1`)

// buryScript moves a message still held to the dead-letter stream KEYS[2],
// capped at ARGV[5], with its job, reason and time (ARGV[6..8]).
var buryScript = redis.NewScript(owns + `
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[5], '*', 'job', ARGV[6], 'reason', ARGV[7], 'failed_at', ARGV[8])
redis.call('XACK', KEYS[1], ARGV[1], ARGV[3])
redis.call('XDEL', KEYS[1], ARGV[3])
return 1`)

// claimScript takes over the messages idle for ARGV[3] ms or more, up to
// ARGV[4], and returns each with its fields and delivery count, read in the
// same step so that the count is exact.
var claimScript = redis.NewScript(`
local r = redis.call('XAUTOCLAIM', KEYS[1], ARGV[1], ARGV[2], ARGV[3], '0-0', 'COUNT', ARGV[4])
local out = {}
for _, e in ipairs(r[2]) do
  local p = redis.call('XPENDING', KEYS[1], ARGV[1], e[1], e[1], 1)
  local n = 0
  if #p == 1 then n = p[1][4] end
  out[#out + 1] = {e[1], e[2], n}
end
return out`)

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
	res, err := claimScript.Run(ctx, q.rdb, []string{q.stream},
		q.group, q.consumer, q.visibility.Milliseconds(), max).Slice()
	if err != nil && !errors.Is(err, redis.Nil) {
		q.forgetGroupIfMissing(err)
		return nil, fmt.Errorf("claim stalled jobs: %w", err)
	}
	out := make([]Message, 0, len(res))
	for _, r := range res {
		e, _ := r.([]any)
		if len(e) != 3 {
			return out, fmt.Errorf("claim stalled jobs: unexpected reply %v", r)
		}
		xm := redis.XMessage{Values: map[string]any{}}
		xm.ID, _ = e[0].(string)
		fields, _ := e[1].([]any)
		for i := 0; i+1 < len(fields); i += 2 {
			if k, ok := fields[i].(string); ok {
				xm.Values[k] = fields[i+1]
			}
		}
		deliveries, _ := e[2].(int64)
		out = append(out, q.message(xm, int(deliveries)))
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

// Visibility is how long a received message stays with this consumer
// without an Extend before another may claim it.
func (q *RedisQueue) Visibility() time.Duration { return q.visibility }

// Extend restarts the visibility timeout of a message this consumer still
// holds, without counting a delivery.
func (q *RedisQueue) Extend(ctx context.Context, m Message) error {
	return q.settle(ctx, extendScript, "extend", m, nil)
}

// Ack acknowledges and deletes the message, atomically, if this delivery
// still holds it.
func (q *RedisQueue) Ack(ctx context.Context, m Message) error {
	return q.settle(ctx, ackScript, "ack", m, nil)
}

// Retry schedules the job again and removes the message, atomically, if
// this delivery still holds it.
func (q *RedisQueue) Retry(ctx context.Context, m Message, delay time.Duration) error {
	j := m.Job
	j.Attempt++
	body, _ := json.Marshal(j)
	return q.settle(ctx, retryScript, "schedule retry of", m, []string{q.delayed},
		time.Now().Add(delay).UnixMilli(), string(body))
}

// Bury moves the message to the dead-letter stream, atomically, if this
// delivery still holds it.
func (q *RedisQueue) Bury(ctx context.Context, m Message, reason string) error {
	body, _ := json.Marshal(m.Job)
	return q.settle(ctx, buryScript, "bury", m, []string{q.dead},
		deadMaxLen, string(body), reason, strconv.FormatInt(time.Now().Unix(), 10))
}

// settle runs one of the scripts that act on a delivery, with the extra keys
// and arguments after the common ones. A message no longer held, or a lost
// consumer group, is ErrClaimLost.
func (q *RedisQueue) settle(ctx context.Context, s *redis.Script, op string, m Message, keys []string, args ...any) error {
	all := append([]any{q.group, q.consumer, m.ID, m.Deliveries}, args...)
	n, err := s.Run(ctx, q.rdb, append([]string{q.stream}, keys...), all...).Int64()
	switch {
	case err != nil && strings.Contains(err.Error(), "NOGROUP"):
		q.forgetGroupIfMissing(err)
		return fmt.Errorf("%s %s: %w (%v)", op, m.ID, ErrClaimLost, err)
	case err != nil:
		return fmt.Errorf("%s %s: %w", op, m.ID, err)
	case n == 0:
		return fmt.Errorf("%s %s (delivery %d of consumer %s): %w", op, m.ID, m.Deliveries, q.consumer, ErrClaimLost)
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
