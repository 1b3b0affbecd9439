package main

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	gomysql "github.com/go-sql-driver/mysql"
	"github.com/redis/go-redis/v9"

	"motando/models"
	"motando/models/modelstest"
	"motando/storage"
	"motando/worker"
)

// stack is a MariaDB database, a Redis key prefix and a data folder shared
// by separate motando processes.
type stack struct {
	t      *testing.T
	dir    string
	mysql  *gomysql.Config
	redis  string
	prefix string
	db     *models.DB
	store  storage.Storage
	rdb    *redis.Client
}

func newStack(t *testing.T) *stack {
	redisAddr := os.Getenv("MOTANDO_TEST_REDIS_ADDR")
	if redisAddr == "" {
		modelstest.Require(t, "MOTANDO_TEST_REDIS_ADDR")
		t.Skip("MOTANDO_TEST_REDIS_ADDR is not set")
	}
	s := &stack{t: t, dir: t.TempDir(), mysql: modelstest.FreshMySQL(t), redis: redisAddr,
		prefix: fmt.Sprintf("motando-e2e-%d", time.Now().UnixNano())}
	migrate := startMotando(t, s.dir, s.env(redisAddr), "migrate")
	if err := <-migrate.done; err != nil {
		t.Fatalf("migrate: %v", err)
	}
	var err error
	if s.db, err = models.OpenMySQL(s.mysql); err != nil {
		t.Fatal(err)
	}
	if s.store, err = storage.NewLocal(filepath.Join(s.dir, "data", "buckets"), "/media/"); err != nil {
		t.Fatal(err)
	}
	s.rdb = redis.NewClient(&redis.Options{Addr: redisAddr})
	t.Cleanup(func() {
		ctx := context.Background()
		if keys, _ := s.rdb.Keys(ctx, s.prefix+"*").Result(); len(keys) > 0 {
			s.rdb.Del(ctx, keys...)
		}
		s.rdb.Close()
		s.db.Close()
	})
	return s
}

// env is the configuration of a process using the stack, with Redis at
// redisAddr (the real one, or a proxy in front of it).
func (s *stack) env(redisAddr string, extra ...string) []string {
	host, port, _ := net.SplitHostPort(redisAddr)
	return append([]string{
		"MYSQL_HOST=" + s.mysql.Addr, "MYSQL_USER=" + s.mysql.User, "MYSQL_PASSWD=" + s.mysql.Passwd, "MYSQL_DBNAME=" + s.mysql.DBName,
		"REDIS_HOST=" + host, "REDIS_PORT=" + port, "MOTANDO_REDIS_PREFIX=" + s.prefix,
		"MOTANDO_DATA_DIR=" + filepath.Join(s.dir, "data"), "MOTANDO_ADDR=" + freeAddr(s.t),
	}, extra...)
}

// submitAd writes an ad with n photos as the web does: photos in the
// temporary bucket, then the rows with status new.
func (s *stack) submitAd(n int, photo []byte) *models.Ad {
	s.t.Helper()
	owner := modelstest.CreateUser(s.t, s.db, "Vendedor")
	var keys []string
	for i := range n {
		key := fmt.Sprintf("uploads/%d-%d.jpg", time.Now().UnixNano(), i)
		if err := s.store.Put(context.Background(), storage.Temp, key, bytes.NewReader(photo), int64(len(photo)), "image/jpeg"); err != nil {
			s.t.Fatal(err)
		}
		keys = append(keys, key)
	}
	return modelstest.CreateAd(s.t, s.db, modelstest.NewAd(s.t, s.db, owner), keys...)
}

func (s *stack) queue(addr string) *worker.RedisQueue {
	rdb := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1, DialTimeout: time.Second})
	s.t.Cleanup(func() { rdb.Close() })
	return worker.NewRedisQueue(rdb, worker.RedisOptions{Prefix: s.prefix + ":jobs"})
}

func (s *stack) status(id uint64) string {
	var ad models.Ad
	if err := s.db.Select("status").First(&ad, id).Error; err != nil {
		s.t.Fatal(err)
	}
	return ad.Status
}

func (s *stack) count(b storage.Bucket) int {
	n := 0
	s.store.List(context.Background(), b, "", func(storage.Object) error { n++; return nil })
	return n
}

// photoJPEG is a photo-like JPEG of about 2 MB.
func photoJPEG(t *testing.T, w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	rng := rand.New(rand.NewPCG(1, 2))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			n := uint8(rng.IntN(40))
			img.SetRGBA(x, y, color.RGBA{uint8(x*200/w) + n, uint8(y*200/h) + n, 120 + n, 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 88}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// A worker killed with SIGKILL in the middle of a job: another worker
// takes the job over once the visibility timeout passes, and the ad ends
// published once, with no duplicate object or row.
func TestWorkerKilledMidJobPublishesOnce(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	web := startMotando(t, s.dir, s.env(s.redis), "-role=web")
	waitForPage(t, "http://"+envValue(web.cmd.Env, "MOTANDO_ADDR")+"/readyz")

	const photos = 8
	ad := s.submitAd(photos, photoJPEG(t, 3000, 2250))
	if err := s.queue(s.redis).Enqueue(context.Background(), worker.Job{Kind: worker.KindAd, ID: ad.ID}); err != nil {
		t.Fatal(err)
	}
	workerEnv := s.env(s.redis, "MOTANDO_WORKERS=1", "MOTANDO_JOB_VISIBILITY=2s")
	first := startMotando(t, s.dir, workerEnv, "-role=worker")
	start := time.Now()
	waitFor(t, "the first photo processed", 60*time.Second, func() bool { return s.count(storage.Public) > 0 })
	first.kill()
	t.Logf("killed the first worker %v after it started", time.Since(start).Round(time.Millisecond))
	if st := s.status(ad.ID); st != models.StatusNew {
		t.Fatalf("the job finished before the kill (status %s): nothing was tested", st)
	}

	second := startMotando(t, s.dir, s.env(s.redis, "MOTANDO_WORKERS=1", "MOTANDO_JOB_VISIBILITY=2s"), "-role=worker")
	start = time.Now()
	waitFor(t, "the ad published by the second worker", 90*time.Second, func() bool { return s.status(ad.ID) == models.StatusPublished })
	t.Logf("the second worker published the ad %v after it started", time.Since(start).Round(time.Millisecond))

	var rows int64
	s.db.Model(&models.Image{}).Where("classifiedad_id = ?", ad.ID).Count(&rows)
	if rows != photos {
		t.Errorf("%d image rows, want %d", rows, photos)
	}
	if n := s.count(storage.Public); n != 2*photos {
		t.Errorf("%d public objects, want %d", n, 2*photos)
	}
	waitFor(t, "the temporary photos deleted", 10*time.Second, func() bool { return s.count(storage.Temp) == 0 })
	// The job is acknowledged just after the ad is marked published.
	var st worker.Stats
	waitFor(t, "the job acknowledged", 10*time.Second, func() bool {
		var err error
		st, err = s.queue(s.redis).Stats(context.Background())
		return err == nil && st.Ready == 0 && st.InFlight == 0
	})
	if st.Dead != 0 {
		t.Errorf("queue after the job: %+v", st)
	}
	second.stop()
	web.stop()
}

// Redis is down when the ad is submitted: the enqueue fails, the ad stays
// new, and the reconciler enqueues it once Redis is back.
func TestAdSubmittedWhileRedisIsDownIsPublishedAfterItReturns(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	proxy := modelstest.NewTCPProxy(t, s.redis)
	proxy.Cut()
	w := startMotando(t, s.dir, s.env(proxy.Addr(), "MOTANDO_RECONCILE_INTERVAL=500ms", "MOTANDO_RECONCILE_AFTER=1s"), "-role=worker")

	ad := s.submitAd(2, photoJPEG(t, 800, 600))
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := s.queue(proxy.Addr()).Enqueue(ctx, worker.Job{Kind: worker.KindAd, ID: ad.ID}); err == nil {
		t.Fatal("the enqueue succeeded with Redis down")
	}
	time.Sleep(3 * time.Second)
	if st := s.status(ad.ID); st != models.StatusNew {
		t.Fatalf("status %s while Redis is down", st)
	}
	proxy.Restore()
	back := time.Now()
	waitFor(t, "the ad published after Redis returned", 30*time.Second, func() bool { return s.status(ad.ID) == models.StatusPublished })
	t.Logf("published %v after Redis returned", time.Since(back).Round(10*time.Millisecond))
	w.stop()
}
