package worker

import (
	"context"
	"testing"
	"time"

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
