package modelstest

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// EnvRedis names the variable holding the test Redis address.
const EnvRedis = "MOTANDO_TEST_REDIS_ADDR"

// Redis returns a client for the test Redis and a key prefix of the test's
// own, whose keys are deleted at the end. Without MOTANDO_TEST_REDIS_ADDR
// it skips the test (and fails it under CI=true).
func Redis(t testing.TB) (*redis.Client, string) {
	t.Helper()
	addr := os.Getenv(EnvRedis)
	if addr == "" {
		Require(t, EnvRedis)
		t.Skip(EnvRedis + " is not set")
	}
	rdb := redis.NewClient(&redis.Options{Addr: addr})
	if err := rdb.Ping(context.Background()).Err(); err != nil {
		t.Fatalf("Redis at %s: %v", addr, err)
	}
	prefix := fmt.Sprintf("motando-test:%s:%d", strings.ReplaceAll(t.Name(), "/", "_"), time.Now().UnixNano())
	t.Cleanup(func() {
		ctx := context.Background()
		if keys, _ := rdb.Keys(ctx, prefix+"*").Result(); len(keys) > 0 {
			rdb.Del(ctx, keys...)
		}
		rdb.Close()
	})
	return rdb, prefix
}
