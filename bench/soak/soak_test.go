package soak

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	gomysql "github.com/go-sql-driver/mysql"

	"motando/models/modelstest"
)

// TestSoakShort is the soak in its short form, for CI: a minute of load with
// the worker killed every 15 s and Redis restarted once.
func TestSoakShort(t *testing.T) {
	if testing.Short() {
		t.Skip("a minute of load")
	}
	dsn := os.Getenv(modelstest.EnvMySQL)
	if dsn == "" {
		modelstest.Require(t, modelstest.EnvMySQL)
		t.Skip(modelstest.EnvMySQL + " is not set")
	}
	redisServer, err := exec.LookPath("redis-server")
	if err != nil {
		modelstest.Require(t, "redis-server")
		t.Skip("redis-server is not installed")
	}
	mc, err := gomysql.ParseDSN(dsn)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "motando")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Dir = "../.."
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	sum, err := Run(context.Background(), Options{
		Binary: bin, MySQL: mc, RedisServer: redisServer, Dir: dir,
		Duration: 60 * time.Second, KillEvery: 15 * time.Second, Sellers: 3, Browsers: 4, Log: t.Output(),
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + sum.Table())
	if sum.AdsPosted == 0 || sum.WorkerKills < 3 || sum.RedisRestarts != 1 {
		t.Errorf("the run did too little: %+v", sum)
	}
	for _, p := range sum.Problems {
		t.Error(p)
	}
	if !sum.OK() {
		t.Errorf("lost %d, 5xx %d, no answer %d", sum.Lost, sum.Server5xx, sum.NoAnswer)
	}
}
