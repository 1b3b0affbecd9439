package worker

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"motando/models/modelstest"
)

// eachQueue runs fn on the in-process queue and, when Redis is available, on
// a Redis queue of its own.
func eachQueue(t *testing.T, fn func(t *testing.T, q Queue)) {
	t.Run("memory", func(t *testing.T) { fn(t, NewMemoryQueue()) })
	t.Run("redis", func(t *testing.T) {
		rdb, prefix := modelstest.Redis(t)
		fn(t, NewRedisQueue(rdb, RedisOptions{Prefix: prefix, Block: 200 * time.Millisecond}))
	})
}

func receiveN(t *testing.T, q Queue, n int, within time.Duration) []Message {
	t.Helper()
	ctx := context.Background()
	deadline := time.Now().Add(within)
	var got []Message
	for len(got) < n && time.Now().Before(deadline) {
		msgs, err := q.Receive(ctx, n-len(got))
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, msgs...)
	}
	if len(got) != n {
		t.Fatalf("received %d messages, want %d", len(got), n)
	}
	return got
}

func TestQueueDeliversAcksAndCounts(t *testing.T) {
	eachQueue(t, func(t *testing.T, q Queue) {
		ctx := context.Background()
		for id := uint64(1); id <= 3; id++ {
			if err := q.Enqueue(ctx, Job{Kind: KindAd, ID: id}); err != nil {
				t.Fatal(err)
			}
		}
		msgs := receiveN(t, q, 2, 2*time.Second)
		if msgs[0].Job.ID != 1 || msgs[1].Job.ID != 2 || msgs[0].Deliveries != 1 {
			t.Errorf("first two messages: %+v", msgs)
		}
		st, err := q.Stats(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if st.Ready != 1 || st.InFlight != 2 {
			t.Errorf("stats with 2 in flight: %+v", st)
		}
		for _, m := range msgs {
			if err := q.Ack(ctx, m); err != nil {
				t.Fatal(err)
			}
		}
		last := receiveN(t, q, 1, 2*time.Second)
		q.Ack(ctx, last[0])
		if st, _ := q.Stats(ctx); st.Ready != 0 || st.InFlight != 0 {
			t.Errorf("stats when drained: %+v", st)
		}
	})
}

func TestQueueRetryWaitsAndCountsAttempts(t *testing.T) {
	eachQueue(t, func(t *testing.T, q Queue) {
		ctx := context.Background()
		q.Enqueue(ctx, Job{Kind: KindAd, ID: 7})
		m := receiveN(t, q, 1, 2*time.Second)[0]
		retried := time.Now()
		if err := q.Retry(ctx, m, 700*time.Millisecond); err != nil {
			t.Fatal(err)
		}
		if st, _ := q.Stats(ctx); st.Delayed != 1 {
			t.Errorf("stats after a retry: %+v", st)
		}
		again := receiveN(t, q, 1, 3*time.Second)[0]
		if waited := time.Since(retried); waited < 700*time.Millisecond {
			t.Errorf("the retry came back after %v, before its delay", waited)
		}
		if again.Job.ID != 7 || again.Job.Attempt != 1 {
			t.Errorf("retried job: %+v", again.Job)
		}
	})
}

func TestQueueDeadLetters(t *testing.T) {
	eachQueue(t, func(t *testing.T, q Queue) {
		ctx := context.Background()
		q.Enqueue(ctx, Job{Kind: KindAd, ID: 9})
		m := receiveN(t, q, 1, 2*time.Second)[0]
		if err := q.Bury(ctx, m, "storage down"); err != nil {
			t.Fatal(err)
		}
		dead, err := q.DeadLetters(ctx, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(dead) != 1 || dead[0].Job.ID != 9 || dead[0].Reason != "storage down" || dead[0].FailedAt.IsZero() {
			t.Fatalf("dead letters: %+v", dead)
		}
		if st, _ := q.Stats(ctx); st.Dead != 1 || st.InFlight != 0 {
			t.Errorf("stats: %+v", st)
		}
		if err := q.RemoveDeadLetter(ctx, dead[0].ID); err != nil {
			t.Fatal(err)
		}
		if dead, _ := q.DeadLetters(ctx, 10); len(dead) != 0 {
			t.Errorf("dead letters after removal: %+v", dead)
		}
	})
}

// A worker that dies holding a message: after the visibility timeout
// another consumer gets it, with the delivery counted.
func TestRedisQueueReclaimsAbandonedMessages(t *testing.T) {
	rdb, prefix := modelstest.Redis(t)
	ctx := context.Background()
	opts := RedisOptions{Prefix: prefix, Visibility: 500 * time.Millisecond, Block: 100 * time.Millisecond}
	dying := NewRedisQueue(rdb, opts)
	dying.Enqueue(ctx, Job{Kind: KindAd, ID: 42})
	receiveN(t, dying, 1, 2*time.Second) // never acknowledged

	heir := NewRedisQueue(rdb, opts)
	heir.consumer = "heir"
	if early, _ := heir.Receive(ctx, 1); len(early) != 0 {
		t.Fatalf("claimed before the visibility timeout: %+v", early)
	}
	time.Sleep(1100 * time.Millisecond)
	got := receiveN(t, heir, 1, 3*time.Second)[0]
	if got.Job.ID != 42 || got.Deliveries != 2 {
		t.Errorf("reclaimed message: %+v", got)
	}
	heir.Ack(ctx, got)
	if n, _ := rdb.XLen(ctx, prefix).Result(); n != 0 {
		t.Errorf("stream keeps %d entries after the ack", n)
	}
}

// A Redis restart without persistence loses the consumer group; the queue
// recreates it.
func TestRedisQueueRecreatesALostGroup(t *testing.T) {
	rdb, prefix := modelstest.Redis(t)
	ctx := context.Background()
	q := NewRedisQueue(rdb, RedisOptions{Prefix: prefix, Block: 100 * time.Millisecond})
	q.Enqueue(ctx, Job{Kind: KindAd, ID: 1})
	m := receiveN(t, q, 1, 2*time.Second)[0]
	q.Ack(ctx, m)
	rdb.Del(ctx, prefix)
	q.Receive(ctx, 1) // fails with NOGROUP and forgets the group
	q.Enqueue(ctx, Job{Kind: KindAd, ID: 2})
	if got := receiveN(t, q, 1, 3*time.Second)[0]; got.Job.ID != 2 {
		t.Errorf("after the group was lost: %+v", got)
	}
}

// claimNow runs the queue's claim of stalled messages at once, regardless of
// its once-a-second pace.
func claimNow(t *testing.T, q *RedisQueue, max int) []Message {
	t.Helper()
	q.mu.Lock()
	q.lastClaim = time.Time{}
	q.mu.Unlock()
	got, err := q.claim(context.Background(), max)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// Extend keeps a message with its consumer past the visibility timeout:
// XCLAIM with JUSTID restarts the idle time and counts no delivery.
func TestRedisQueueExtendKeepsTheClaim(t *testing.T) {
	rdb, prefix := modelstest.Redis(t)
	ctx := context.Background()
	opts := RedisOptions{Prefix: prefix, Visibility: 300 * time.Millisecond, Block: 100 * time.Millisecond}
	holder := NewRedisQueue(rdb, opts)
	holder.consumer = "holder"
	holder.Enqueue(ctx, Job{Kind: KindAd, ID: 3})
	m := receiveN(t, holder, 1, 2*time.Second)[0]

	heir := NewRedisQueue(rdb, opts)
	heir.consumer = "heir"
	for range 6 { // twice the visibility timeout
		time.Sleep(100 * time.Millisecond)
		if err := holder.Extend(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	if got := claimNow(t, heir, 1); len(got) != 0 {
		t.Fatalf("claimed a message that was extended: %+v", got)
	}
	pend, err := rdb.XPendingExt(ctx, &redis.XPendingExtArgs{Stream: prefix, Group: "workers", Start: "-", End: "+", Count: 10}).Result()
	if err != nil {
		t.Fatal(err)
	}
	if len(pend) != 1 || pend[0].Consumer != "holder" || pend[0].RetryCount != 1 || pend[0].Idle >= opts.Visibility {
		t.Errorf("pending entry after the heartbeats: %+v", pend)
	}
	if err := holder.Ack(ctx, m); err != nil {
		t.Fatal(err)
	}
}

// A delivery whose claim was lost changes nothing: its heartbeat does not
// take the message back, its Ack, Retry and Bury are refused, and the
// delivery now holding the message settles it, once.
func TestRedisQueueLostClaimChangesNothing(t *testing.T) {
	rdb, prefix := modelstest.Redis(t)
	ctx := context.Background()
	opts := RedisOptions{Prefix: prefix, Visibility: 200 * time.Millisecond, Block: 100 * time.Millisecond}
	slow := NewRedisQueue(rdb, opts)
	slow.consumer = "slow"
	heir := NewRedisQueue(rdb, opts)
	heir.consumer = "heir"
	slow.Enqueue(ctx, Job{Kind: KindAd, ID: 8})
	stale := receiveN(t, slow, 1, 2*time.Second)[0]

	// The slow worker's own next delivery of the message is a lost claim
	// too, for the delivery before it.
	time.Sleep(300 * time.Millisecond)
	again := claimNow(t, slow, 1)
	if len(again) != 1 || again[0].Deliveries != 2 {
		t.Fatalf("claim by the same consumer: %+v", again)
	}
	if err := slow.Ack(ctx, stale); !errors.Is(err, ErrClaimLost) {
		t.Errorf("ack of an earlier delivery by the same consumer: %v", err)
	}

	time.Sleep(300 * time.Millisecond)
	got := claimNow(t, heir, 1)
	if len(got) != 1 || got[0].Deliveries != 3 || got[0].Job.ID != 8 {
		t.Fatalf("claim by the heir: %+v", got)
	}
	for name, settle := range map[string]func(Message) error{
		"extend": func(m Message) error { return slow.Extend(ctx, m) },
		"ack":    func(m Message) error { return slow.Ack(ctx, m) },
		"retry":  func(m Message) error { return slow.Retry(ctx, m, time.Millisecond) },
		"bury":   func(m Message) error { return slow.Bury(ctx, m, "too slow") },
	} {
		for _, m := range []Message{stale, again[0]} {
			if err := settle(m); !errors.Is(err, ErrClaimLost) {
				t.Errorf("%s of delivery %d after the claim was lost: %v", name, m.Deliveries, err)
			}
		}
	}
	pend, err := rdb.XPendingExt(ctx, &redis.XPendingExtArgs{Stream: prefix, Group: "workers", Start: "-", End: "+", Count: 10}).Result()
	if err != nil {
		t.Fatal(err)
	}
	if len(pend) != 1 || pend[0].Consumer != "heir" || pend[0].RetryCount != 3 {
		t.Errorf("the message must stay with the heir: %+v", pend)
	}
	if st, _ := heir.Stats(ctx); st != (Stats{InFlight: 1}) {
		t.Errorf("stats after the refused settlements: %+v", st)
	}

	if err := heir.Ack(ctx, got[0]); err != nil {
		t.Fatal(err)
	}
	if err := heir.Ack(ctx, got[0]); !errors.Is(err, ErrClaimLost) {
		t.Errorf("second ack: %v", err)
	}
	if st, _ := heir.Stats(ctx); st != (Stats{}) {
		t.Errorf("stats after the ack: %+v", st)
	}
}

// A Redis restart without persistence loses the message being run: its
// heartbeat and its Ack report a lost claim, and the queue works again.
func TestRedisQueueClaimLostWithTheGroup(t *testing.T) {
	rdb, prefix := modelstest.Redis(t)
	ctx := context.Background()
	q := NewRedisQueue(rdb, RedisOptions{Prefix: prefix, Block: 100 * time.Millisecond})
	q.Enqueue(ctx, Job{Kind: KindAd, ID: 4})
	m := receiveN(t, q, 1, 2*time.Second)[0]
	rdb.Del(ctx, prefix)
	if err := q.Extend(ctx, m); !errors.Is(err, ErrClaimLost) {
		t.Errorf("extend after the group was lost: %v", err)
	}
	if err := q.Ack(ctx, m); !errors.Is(err, ErrClaimLost) {
		t.Errorf("ack after the group was lost: %v", err)
	}
	q.Enqueue(ctx, Job{Kind: KindAd, ID: 5})
	if got := receiveN(t, q, 1, 3*time.Second)[0]; got.Job.ID != 5 || q.Ack(ctx, got) != nil {
		t.Errorf("after the group was lost: %+v", got)
	}
}

// A message is settled once: a second Ack, Retry or Bury is refused and
// leaves the counts alone.
func TestQueueSettlesAMessageOnce(t *testing.T) {
	eachQueue(t, func(t *testing.T, q Queue) {
		ctx := context.Background()
		q.Enqueue(ctx, Job{Kind: KindAd, ID: 6})
		m := receiveN(t, q, 1, 2*time.Second)[0]
		if err := q.Extend(ctx, m); err != nil {
			t.Fatalf("extend of a held message: %v", err)
		}
		if err := q.Ack(ctx, m); err != nil {
			t.Fatal(err)
		}
		if err := q.Ack(ctx, m); !errors.Is(err, ErrClaimLost) {
			t.Errorf("second ack: %v", err)
		}
		if err := q.Retry(ctx, m, time.Millisecond); !errors.Is(err, ErrClaimLost) {
			t.Errorf("retry after the ack: %v", err)
		}
		if err := q.Bury(ctx, m, "late"); !errors.Is(err, ErrClaimLost) {
			t.Errorf("bury after the ack: %v", err)
		}
		if err := q.Extend(ctx, m); !errors.Is(err, ErrClaimLost) {
			t.Errorf("extend after the ack: %v", err)
		}
		if st, _ := q.Stats(ctx); st != (Stats{}) {
			t.Errorf("stats: %+v", st)
		}
	})
}
