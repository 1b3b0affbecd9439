// Command pipeline measures the publication pipeline on the embedded
// defaults (SQLite, local folders, in-process queue): the latency of a lone
// ad and the throughput of a burst of ads, for one pool size. Run it once per
// pool size (bench/pipeline.sh does) so that each run's peak memory is its
// own.
package main

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"log"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"motando/fixtures"
	"motando/models"
	"motando/storage"
	"motando/worker"
)

func main() {
	workers := flag.Int("workers", 2, "pool size (MOTANDO_WORKERS)")
	lone := flag.Int("lone", 10, "ads published one at a time, for latency")
	burst := flag.Int("burst", 40, "ads submitted at once, for throughput")
	photos := flag.Int("photos", 3, "photos per ad")
	flag.Parse()
	slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))

	dir, err := os.MkdirTemp("", "motando-bench-")
	check(err)
	defer os.RemoveAll(dir)
	ctx := context.Background()
	db, err := models.OpenSQLite(filepath.Join(dir, "bench.db"))
	check(err)
	_, err = db.Migrate(ctx, fixtures.ReferenceData()...)
	check(err)
	store, err := storage.NewLocal(filepath.Join(dir, "buckets"), "/media/")
	check(err)
	queue := worker.NewMemoryQueue()
	metrics := worker.NewMetrics()
	runner := &worker.Runner{
		Queue:           queue,
		Handlers:        map[string]worker.Handler{worker.KindAd: worker.NewAdJob(db, store, time.Hour, metrics).Run},
		Workers:         *workers,
		MaxDeliveries:   5,
		Backoff:         worker.ExponentialBackoff(time.Second, time.Minute),
		ShutdownTimeout: time.Minute,
		Metrics:         metrics,
	}
	runCtx, stop := context.WithCancel(ctx)
	go runner.Run(runCtx)
	defer stop()

	photo := photoJPEG(3264, 2448)
	owner := &models.User{Email: "bench@example.com", Fullname: "Bench", Password: "-"}
	check(db.Create(owner).Error)
	var model models.Model
	check(db.Where("model = ?", "CB 300").First(&model).Error)

	submit := func(n int) []uint64 {
		var ids []uint64
		for range n {
			ad := &models.Ad{UserID: owner.ID, BrandID: model.BrandID, ModelID: model.ID, FabricationYear: 2020, ModelYear: 2020,
				LicensePlate: "ABC1D23", Price: 1000000, StateID: 1, CityID: 1, Status: models.StatusNew, StatusChanged: time.Now().UTC()}
			for i := range *photos {
				key := fmt.Sprintf("uploads/%d-%d.jpg", time.Now().UnixNano(), i)
				check(store.Put(ctx, storage.Temp, key, bytes.NewReader(photo), int64(len(photo)), "image/jpeg"))
				ad.Images = append(ad.Images, models.Image{Position: i, Status: models.ImagePending, TmpKey: key})
			}
			check(db.Create(ad).Error)
			ids = append(ids, ad.ID)
		}
		return ids
	}
	// latencies waits for the ads and returns each one's submit→published time.
	latencies := func(ids []uint64, from map[uint64]time.Time) []time.Duration {
		out := make([]time.Duration, 0, len(ids))
		for _, id := range ids {
			for {
				var ad models.Ad
				check(db.Select("status", "published_at").First(&ad, id).Error)
				if ad.Status == models.StatusPublished {
					out = append(out, ad.PublishedAt.Sub(from[id]))
					break
				}
				if ad.Status == models.StatusFailed {
					log.Fatalf("ad %d failed", id)
				}
				time.Sleep(5 * time.Millisecond)
			}
		}
		return out
	}

	var lonely []time.Duration
	for range *lone {
		ids := submit(1)
		t0 := time.Now().UTC()
		check(queue.Enqueue(ctx, worker.Job{Kind: worker.KindAd, ID: ids[0]}))
		lonely = append(lonely, latencies(ids, map[uint64]time.Time{ids[0]: t0})...)
	}

	ids := submit(*burst)
	from := map[uint64]time.Time{}
	start := time.Now().UTC()
	for _, id := range ids {
		from[id] = start
		check(queue.Enqueue(ctx, worker.Job{Kind: worker.KindAd, ID: id}))
	}
	burstLat := latencies(ids, from)
	elapsed := slices.Max(burstLat)

	fmt.Printf("| %d | %.1f | %s | %s | %s | %s | %d |\n", *workers,
		float64(*burst)/elapsed.Seconds(),
		ms(pct(lonely, 50)), ms(pct(lonely, 99)), ms(pct(burstLat, 50)), ms(pct(burstLat, 99)), peakRSSMiB())
}

func pct(d []time.Duration, p int) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	i := (len(s)*p + 99) / 100
	return s[max(0, min(i, len(s))-1)]
}

func ms(d time.Duration) string { return fmt.Sprintf("%d ms", d.Milliseconds()) }

// peakRSSMiB reads the process's peak resident set size.
func peakRSSMiB() int {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return -1
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			var kb int
			fmt.Sscan(strings.TrimSuffix(strings.TrimSpace(v), " kB"), &kb)
			return kb / 1024
		}
	}
	return -1
}

// photoJPEG makes a photo-like JPEG (noise over gradients) of about 3 MB at
// 3264×2448.
func photoJPEG(w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	rng := rand.New(rand.NewPCG(7, 7))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			n := uint8(rng.IntN(48))
			img.SetRGBA(x, y, color.RGBA{uint8(x*180/w) + n, uint8(y*180/h) + n, 100 + n, 255})
		}
	}
	var buf bytes.Buffer
	check(jpeg.Encode(&buf, img, &jpeg.Options{Quality: 85}))
	return buf.Bytes()
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
