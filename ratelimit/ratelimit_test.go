package ratelimit_test

import (
	"context"
	"testing"
	"time"

	"motando/models/modelstest"
	"motando/ratelimit"
)

func TestCounters(t *testing.T) {
	run := func(t *testing.T, c ratelimit.Counter) {
		ctx := context.Background()
		for i := 1; i <= 3; i++ {
			if n, err := c.Add(ctx, "k"); err != nil || n != i {
				t.Fatalf("Add #%d: %d %v", i, n, err)
			}
		}
		if n, _ := c.Count(ctx, "k"); n != 3 {
			t.Errorf("Count: %d", n)
		}
		if n, _ := c.Count(ctx, "other"); n != 0 {
			t.Errorf("Count of another key: %d", n)
		}
		time.Sleep(600 * time.Millisecond)
		if n, _ := c.Count(ctx, "k"); n != 0 {
			t.Errorf("Count after the window: %d", n)
		}
		c.Add(ctx, "r")
		c.Reset(ctx, "r")
		if n, _ := c.Count(ctx, "r"); n != 0 {
			t.Errorf("Count after Reset: %d", n)
		}
	}
	t.Run("memory", func(t *testing.T) { run(t, ratelimit.NewMemory(500*time.Millisecond)) })
	t.Run("redis", func(t *testing.T) {
		rdb, prefix := modelstest.Redis(t)
		run(t, ratelimit.NewRedis(rdb, prefix, 500*time.Millisecond))
	})
}
