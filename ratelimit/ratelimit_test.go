package ratelimit_test

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"motando/models/modelstest"
	"motando/ratelimit"
)

// clock is a hand-driven clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

const window = 15 * time.Minute

// each runs fn on the memory counter and the Redis counter, each with a
// window of 15 minutes on its own hand-driven clock.
func each(t *testing.T, fn func(t *testing.T, c ratelimit.Counter, clk *clock)) {
	t.Run("memory", func(t *testing.T) {
		clk := newClock()
		fn(t, ratelimit.NewMemory(window, ratelimit.WithClock(clk.Now)), clk)
	})
	t.Run("redis", func(t *testing.T) {
		rdb, prefix := modelstest.Redis(t)
		clk := newClock()
		fn(t, ratelimit.NewRedis(rdb, prefix, window, ratelimit.WithClock(clk.Now)), clk)
	})
}

func count(t *testing.T, c ratelimit.Counter, key string) int {
	t.Helper()
	n, err := c.Count(context.Background(), key)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func reserve(t *testing.T, c ratelimit.Counter, key string, max int) (bool, int) {
	t.Helper()
	ok, n, err := c.Reserve(context.Background(), key, max)
	if err != nil {
		t.Fatal(err)
	}
	return ok, n
}

func TestCounters(t *testing.T) {
	each(t, func(t *testing.T, c ratelimit.Counter, clk *clock) {
		ctx := context.Background()
		for i := 1; i <= 3; i++ {
			if n, err := c.Add(ctx, "k"); err != nil || n != i {
				t.Fatalf("Add #%d: %d %v", i, n, err)
			}
			clk.Advance(time.Minute)
		}
		if n := count(t, c, "k"); n != 3 {
			t.Errorf("Count: %d", n)
		}
		if n := count(t, c, "other"); n != 0 {
			t.Errorf("Count of another key: %d", n)
		}
		// The window started with the first Add, 3 minutes ago.
		clk.Advance(window - 3*time.Minute - time.Millisecond)
		if n := count(t, c, "k"); n != 3 {
			t.Errorf("Count at the window's last millisecond: %d", n)
		}
		clk.Advance(time.Millisecond)
		if n := count(t, c, "k"); n != 0 {
			t.Errorf("Count after the window: %d", n)
		}
		if n, err := c.Add(ctx, "k"); err != nil || n != 1 {
			t.Errorf("Add after the window: %d %v", n, err)
		}
		c.Add(ctx, "r")
		if err := c.Reset(ctx, "r"); err != nil {
			t.Fatal(err)
		}
		if n := count(t, c, "r"); n != 0 {
			t.Errorf("Count after Reset: %d", n)
		}
	})
}

func TestReserve(t *testing.T) {
	each(t, func(t *testing.T, c ratelimit.Counter, clk *clock) {
		ctx := context.Background()
		for i := 1; i <= 3; i++ {
			if ok, n := reserve(t, c, "k", 3); !ok || n != i {
				t.Fatalf("Reserve #%d: %v %d", i, ok, n)
			}
		}
		if ok, n := reserve(t, c, "k", 3); ok || n != 3 {
			t.Fatalf("Reserve past the limit: %v %d, want false 3", ok, n)
		}
		if n := count(t, c, "k"); n != 3 {
			t.Errorf("a refused Reserve counted: %d", n)
		}
		if err := c.Release(ctx, "k"); err != nil {
			t.Fatal(err)
		}
		if ok, n := reserve(t, c, "k", 3); !ok || n != 3 {
			t.Errorf("Reserve after Release: %v %d, want true 3", ok, n)
		}
		// Add counts whatever the limit; Reserve then refuses with the count.
		c.Add(ctx, "k")
		if ok, n := reserve(t, c, "k", 3); ok || n != 4 {
			t.Errorf("Reserve over the limit: %v %d, want false 4", ok, n)
		}
		clk.Advance(window)
		if ok, n := reserve(t, c, "k", 3); !ok || n != 1 {
			t.Errorf("Reserve in a new window: %v %d, want true 1", ok, n)
		}

		// A limit of zero (or less) lets nothing through and stores nothing.
		for _, max := range []int{0, -5} {
			if ok, n := reserve(t, c, "zero", max); ok || n != 0 {
				t.Errorf("Reserve with max %d: %v %d", max, ok, n)
			}
		}
	})
}

func TestRelease(t *testing.T) {
	each(t, func(t *testing.T, c ratelimit.Counter, clk *clock) {
		ctx := context.Background()
		if err := c.Release(ctx, "none"); err != nil {
			t.Fatal(err)
		}
		if n := count(t, c, "none"); n != 0 {
			t.Errorf("Release of an unknown key: count %d", n)
		}
		c.Add(ctx, "k")
		c.Release(ctx, "k")
		c.Release(ctx, "k")
		if n := count(t, c, "k"); n != 0 {
			t.Errorf("two Releases after one Add: count %d, want 0", n)
		}
		if n, _ := c.Add(ctx, "k"); n != 1 {
			t.Errorf("Add after going down to zero: %d, want 1", n)
		}
		// Release keeps the window's start: 10 minutes on, the window
		// started by the first Add ends after 5 more.
		clk.Advance(10 * time.Minute)
		c.Add(ctx, "k")
		c.Release(ctx, "k")
		clk.Advance(5 * time.Minute)
		if n := count(t, c, "k"); n != 0 {
			t.Errorf("Release moved the window: count %d after it", n)
		}
		// Release after the window does nothing to the next one.
		c.Release(ctx, "k")
		if n, _ := c.Add(ctx, "k"); n != 1 {
			t.Errorf("Add after a Release in an ended window: %d, want 1", n)
		}
	})
}

// TestReserveConcurrently lets 500 goroutines at once reserve against a
// limit of 30: exactly 30 get through, numbered 1 to 30.
func TestReserveConcurrently(t *testing.T) {
	const attempts, limit = 500, 30
	each(t, func(t *testing.T, c ratelimit.Counter, clk *clock) {
		ctx := context.Background()
		start := make(chan struct{})
		var (
			wg  sync.WaitGroup
			mu  sync.Mutex
			got []int
		)
		for range attempts {
			wg.Go(func() {
				<-start
				ok, n, err := c.Reserve(ctx, "k", limit)
				if err != nil {
					t.Error(err)
					return
				}
				if !ok {
					if n != limit {
						t.Errorf("refused with count %d, want %d", n, limit)
					}
					return
				}
				mu.Lock()
				got = append(got, n)
				mu.Unlock()
			})
		}
		close(start)
		wg.Wait()
		slices.Sort(got)
		want := make([]int, limit)
		for i := range want {
			want[i] = i + 1
		}
		if !slices.Equal(got, want) {
			t.Errorf("%d reservations got through (%v), want exactly %d", len(got), got, limit)
		}
		if n := count(t, c, "k"); n != limit {
			t.Errorf("count %d, want %d", n, limit)
		}
	})
}

// TestReserveReleaseConcurrently has 500 goroutines reserve, hold and
// release: never more than the limit hold a reservation at once, and the
// count is back to zero at the end.
func TestReserveReleaseConcurrently(t *testing.T) {
	const attempts, limit = 500, 30
	each(t, func(t *testing.T, c ratelimit.Counter, clk *clock) {
		ctx := context.Background()
		var held, most, through atomic.Int64
		start := make(chan struct{})
		var wg sync.WaitGroup
		for range attempts {
			wg.Go(func() {
				<-start
				ok, _, err := c.Reserve(ctx, "k", limit)
				if err != nil {
					t.Error(err)
					return
				}
				if !ok {
					return
				}
				through.Add(1)
				h := held.Add(1)
				for m := most.Load(); h > m && !most.CompareAndSwap(m, h); m = most.Load() {
				}
				held.Add(-1)
				if err := c.Release(ctx, "k"); err != nil {
					t.Error(err)
				}
			})
		}
		close(start)
		wg.Wait()
		if m := most.Load(); m > limit {
			t.Errorf("%d reservations held at once, limit %d", m, limit)
		}
		if through.Load() < limit {
			t.Errorf("only %d reservations got through", through.Load())
		}
		if n := count(t, c, "k"); n != 0 {
			t.Errorf("count %d after every reservation was released", n)
		}
	})
}

// TestAddConcurrently checks that concurrent Adds all count.
func TestAddConcurrently(t *testing.T) {
	const attempts = 500
	each(t, func(t *testing.T, c ratelimit.Counter, clk *clock) {
		ctx := context.Background()
		var wg sync.WaitGroup
		for range attempts {
			wg.Go(func() {
				if _, err := c.Add(ctx, "k"); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		if n := count(t, c, "k"); n != attempts {
			t.Errorf("count %d, want %d", n, attempts)
		}
	})
}
