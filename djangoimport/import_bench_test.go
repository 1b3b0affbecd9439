package djangoimport_test

import (
	"context"
	"io"
	"os"
	"strconv"
	"testing"
	"time"

	"motando/djangoimport"
	"motando/djangoimport/originaltest"
	"motando/models"
	"motando/models/modelstest"
)

// BenchmarkImport imports an original of 10,000 ads (MOTANDO_BENCH_ADS),
// 1–3 photos of 1280×960 each (about 20,000, downloaded from a local
// server), 2,000 sellers and 2,000 chats, into a fresh site of each
// dialect, with the worker (2 at a time) publishing the ads. It reports the
// import itself (import-s: reading, downloading into the temporary bucket,
// writing the rows and queueing) and the time until the worker has
// published every ad (published-s). Run it with -benchtime 1x: each run
// builds its original first (not timed).
func BenchmarkImport(b *testing.B) {
	ads := 10_000
	if n, err := strconv.Atoi(os.Getenv("MOTANDO_BENCH_ADS")); err == nil && n > 0 {
		ads = n
	}
	for _, dialect := range modelstest.Dialects(b) {
		b.Run(dialect, func(b *testing.B) {
			for range b.N {
				b.StopTimer()
				o := originaltest.New(b)
				o.FillBulk(ads, 1)
				db := modelstest.Open(b, dialect)
				s := newSite(b, db)
				src, err := djangoimport.OpenSource(o.DSN)
				if err != nil {
					b.Fatal(err)
				}
				im := &djangoimport.Importer{Source: src, DB: db, Store: s.store, Queue: s.queue, Out: io.Discard, AllowPrivateHosts: true}
				b.StartTimer()
				start := time.Now()
				sum, err := im.Run(context.Background())
				if err != nil {
					b.Fatal(err)
				}
				imported := time.Since(start)
				waitPublished(b, db, ads)
				published := time.Since(start)
				b.StopTimer()
				src.Close()
				if got := sum.Tally("anúncios").Imported; got != ads {
					b.Fatalf("imported %d ads of %d", got, ads)
				}
				b.ReportMetric(imported.Seconds(), "import-s")
				b.ReportMetric(published.Seconds(), "published-s")
				b.ReportMetric(float64(sum.Tally("fotos").Imported), "photos")
			}
		})
	}
}

// waitPublished waits until n ads are published.
func waitPublished(b *testing.B, db *models.DB, n int) {
	for {
		var published int64
		if err := db.Model(&models.Ad{}).Where("status = ?", models.StatusPublished).Count(&published).Error; err != nil {
			b.Fatal(err)
		}
		if int(published) >= n {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
}
