package worker

import (
	"bytes"
	"context"
	"encoding/binary"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"strings"
	"testing"
	"time"

	"motando/models"
	"motando/models/modelstest"
	"motando/photo/phototest"
	"motando/storage"
)

// testJPEG draws a w×h photo-like image with a red block in its top-left
// corner and returns it as JPEG, with an Exif segment carrying the
// orientation and a GPS position when orientation > 0.
func testJPEG(t testing.TB, w, h, orientation int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := color.RGBA{uint8(x * 255 / w), 90, uint8(y * 255 / h), 255}
			if x < w/4 && y < h/4 {
				c = color.RGBA{230, 20, 20, 255}
			}
			img.Set(x, y, c)
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	if orientation == 0 {
		return buf.Bytes()
	}
	return phototest.AddExif(buf.Bytes(), orientation, &phototest.GPS{Lat: -23.5505, Lon: -46.6333})
}

// jpegSegments lists the APPn/COM markers of a JPEG header.
func jpegSegments(data []byte) []byte {
	var markers []byte
	for i := 2; i+4 <= len(data) && data[i] == 0xFF; {
		m := data[i+1]
		if m == 0xDA { // start of scan: the header is over
			break
		}
		markers = append(markers, m)
		i += 2 + int(binary.BigEndian.Uint16(data[i+2:]))
	}
	return markers
}

type pipelineFixture struct {
	db    *models.DB
	store storage.Storage
	job   *AdJob
	owner *models.User
}

func newPipelineFixture(t *testing.T, db *models.DB) *pipelineFixture {
	store, err := storage.NewLocal(t.TempDir(), "/media/")
	if err != nil {
		t.Fatal(err)
	}
	return &pipelineFixture{
		db: db, store: store,
		job:   NewAdJob(db, store, 60*24*time.Hour, NewMetrics()),
		owner: modelstest.CreateUser(t, db, "Vendedora"),
	}
}

func (f *pipelineFixture) putTemp(t *testing.T, key string, body []byte) string {
	t.Helper()
	if err := f.store.Put(context.Background(), storage.Temp, key, bytes.NewReader(body), int64(len(body)), "image/jpeg"); err != nil {
		t.Fatal(err)
	}
	return key
}

func (f *pipelineFixture) objects(t *testing.T, b storage.Bucket) []string {
	t.Helper()
	var keys []string
	f.store.List(context.Background(), b, "", func(o storage.Object) error { keys = append(keys, o.Key); return nil })
	return keys
}

func (f *pipelineFixture) reload(t *testing.T, id uint64) *models.Ad {
	t.Helper()
	ad, err := f.db.AdForJob(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return ad
}

func TestPublishProcessesPhotosAndPublishes(t *testing.T) {
	modelstest.EachDialect(t, func(t *testing.T, db *models.DB) {
		f := newPipelineFixture(t, db)
		ctx := context.Background()
		keys := []string{
			f.putTemp(t, "uploads/a.jpg", testJPEG(t, 800, 600, 0)),
			f.putTemp(t, "uploads/sideways.jpg", testJPEG(t, 800, 600, 6)),
			f.putTemp(t, "uploads/c.jpg", testJPEG(t, 640, 480, 1)),
		}
		ad := modelstest.CreateAd(t, db, modelstest.NewAd(t, db, f.owner), keys...)

		if err := f.job.Run(ctx, Job{Kind: KindAd, ID: ad.ID}); err != nil {
			t.Fatal(err)
		}
		got := f.reload(t, ad.ID)
		if got.Status != models.StatusPublished || !got.Listed || got.PublishedAt == nil || got.ExpiresAt == nil {
			t.Fatalf("ad after the job: status %s listed %v published %v expires %v", got.Status, got.Listed, got.PublishedAt, got.ExpiresAt)
		}
		if d := got.ExpiresAt.Sub(*got.PublishedAt); d < 59*24*time.Hour || d > 61*24*time.Hour {
			t.Errorf("expires %v after publication, want 60 days", d)
		}
		if left := f.objects(t, storage.Temp); len(left) != 0 {
			t.Errorf("temporary objects left: %v", left)
		}
		if pub := f.objects(t, storage.Public); len(pub) != 6 {
			t.Errorf("public objects: %v, want 6 (thumb and large of 3 photos)", pub)
		}
		for i, img := range got.Images {
			if img.Status != models.ImageReady || img.Position != i || img.ThumbKey == "" || img.LargeKey == "" {
				t.Fatalf("image %d: %+v", i, img)
			}
			for _, key := range []string{img.ThumbKey, img.LargeKey} {
				rc, _, err := f.store.Get(ctx, storage.Public, key)
				if err != nil {
					t.Fatal(err)
				}
				body, _ := io.ReadAll(rc)
				rc.Close()
				if segs := jpegSegments(body); bytes.Contains(segs, []byte{0xE1}) || bytes.Contains(body, []byte("Exif")) || bytes.Contains(body, []byte("GPS")) {
					t.Errorf("%s carries metadata (markers % X)", key, segs)
				}
				decoded, err := jpeg.Decode(bytes.NewReader(body))
				if err != nil {
					t.Fatalf("%s: %v", key, err)
				}
				b := decoded.Bounds()
				if i == 1 {
					// Shot sideways (orientation 6): upright means portrait,
					// and the stored top-left corner is now top-right.
					if b.Dx() >= b.Dy() {
						t.Errorf("%s: %dx%d, want portrait", key, b.Dx(), b.Dy())
					}
					if r, g, _, _ := decoded.At(b.Max.X-3, 3).RGBA(); r>>8 < 180 || g>>8 > 80 {
						t.Errorf("%s: top-right corner is not the red block", key)
					}
				} else if r, g, _, _ := decoded.At(3, 3).RGBA(); r>>8 < 180 || g>>8 > 80 {
					t.Errorf("%s: top-left corner is not the red block", key)
				}
			}
		}
		if got.Images[0].ThumbWidth > 480 || got.Images[0].LargeWidth != 800 {
			t.Errorf("variant sizes: thumb %d, large %d", got.Images[0].ThumbWidth, got.Images[0].LargeWidth)
		}

		// Running the job again changes nothing and duplicates nothing.
		if err := f.job.Run(ctx, Job{Kind: KindAd, ID: ad.ID}); err != nil {
			t.Fatal(err)
		}
		if pub := f.objects(t, storage.Public); len(pub) != 6 {
			t.Errorf("after a second run: %d public objects", len(pub))
		}
		var rows int64
		db.Model(&models.Image{}).Where("classifiedad_id = ?", ad.ID).Count(&rows)
		if rows != 3 {
			t.Errorf("after a second run: %d image rows", rows)
		}
	})
}

// A job that died after writing some variants, before its transaction:
// the rerun finishes the work without duplicating it.
func TestPublishResumesAfterACrash(t *testing.T) {
	db := modelstest.Open(t, "sqlite")
	f := newPipelineFixture(t, db)
	ctx := context.Background()
	ad := modelstest.CreateAd(t, db, modelstest.NewAd(t, db, f.owner),
		f.putTemp(t, "uploads/1.jpg", testJPEG(t, 500, 400, 0)), f.putTemp(t, "uploads/2.jpg", testJPEG(t, 500, 400, 0)))
	first := f.reload(t, ad.ID).Images[0]
	res, err := f.job.process(ctx, ad.ID, first)
	if err != nil || res.Error != "" {
		t.Fatal(err, res.Error)
	}
	if err := f.job.Run(ctx, Job{Kind: KindAd, ID: ad.ID}); err != nil {
		t.Fatal(err)
	}
	if got := f.reload(t, ad.ID); got.Status != models.StatusPublished || got.Images[0].LargeWidth != 500 {
		t.Errorf("after the rerun: %s, %+v", got.Status, got.Images[0])
	}
	if pub := f.objects(t, storage.Public); len(pub) != 4 {
		t.Errorf("public objects: %v", pub)
	}
}

func TestBadPhotosFailOneByOne(t *testing.T) {
	modelstest.EachDialect(t, func(t *testing.T, db *models.DB) {
		f := newPipelineFixture(t, db)
		ctx := context.Background()
		good := testJPEG(t, 400, 300, 0)
		ad := modelstest.CreateAd(t, db, modelstest.NewAd(t, db, f.owner),
			f.putTemp(t, "uploads/good.jpg", good),
			f.putTemp(t, "uploads/text.jpg", []byte("isto não é uma foto, é um texto renomeado")),
			f.putTemp(t, "uploads/truncated.jpg", good[:len(good)/2]),
			f.putTemp(t, "uploads/huge.png", hugePNGHeader(20000, 20000)),
		)
		if err := f.job.Run(ctx, Job{Kind: KindAd, ID: ad.ID}); err != nil {
			t.Fatal(err)
		}
		got := f.reload(t, ad.ID)
		if got.Status != models.StatusPublished {
			t.Fatalf("status %s: one good photo is enough to publish", got.Status)
		}
		for _, img := range got.Images[1:] {
			if img.Status != models.ImageFailed || img.Error == "" {
				t.Errorf("%s: %s %q, want a clear per-photo error", img.TmpKey, img.Status, img.Error)
			}
		}
		if got.Images[0].Status != models.ImageReady {
			t.Errorf("good photo: %+v", got.Images[0])
		}

		// Only bad photos: the ad fails and says why.
		bad := modelstest.CreateAd(t, db, modelstest.NewAd(t, db, f.owner), f.putTemp(t, "uploads/only-text.jpg", []byte("texto")))
		if err := f.job.Run(ctx, Job{Kind: KindAd, ID: bad.ID}); err != nil {
			t.Fatal(err)
		}
		if got := f.reload(t, bad.ID); got.Status != models.StatusFailed || !strings.Contains(got.StatusReason, "foto") || got.Listed {
			t.Errorf("ad with no usable photo: %s %q listed %v", got.Status, got.StatusReason, got.Listed)
		}
	})
}

// hugePNGHeader is the start of a PNG declaring w×h pixels: enough for a
// decoder to allocate gigabytes if it trusted it.
func hugePNGHeader(w, h uint32) []byte {
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr, w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 2 // 8-bit RGB
	chunk := append([]byte{0, 0, 0, 13}, "IHDR"...)
	chunk = append(chunk, ihdr...)
	chunk = append(chunk, 0, 0, 0, 0) // CRC (a strict reader rejects it: corrupt either way)
	return append([]byte("\x89PNG\r\n\x1a\n"), chunk...)
}

func TestUpdateKeepsTheAdPublicAndRemovesPhotos(t *testing.T) {
	modelstest.EachDialect(t, func(t *testing.T, db *models.DB) {
		f := newPipelineFixture(t, db)
		ctx := context.Background()
		ad := modelstest.CreateAd(t, db, modelstest.NewAd(t, db, f.owner),
			f.putTemp(t, "uploads/1.jpg", testJPEG(t, 400, 300, 0)), f.putTemp(t, "uploads/2.jpg", testJPEG(t, 400, 300, 0)))
		if err := f.job.Run(ctx, Job{Kind: KindAd, ID: ad.ID}); err != nil {
			t.Fatal(err)
		}
		published := f.reload(t, ad.ID)

		// The owner removes the first photo and adds a new one.
		db.Model(&models.Image{}).Where("id = ?", published.Images[0].ID).Update("status", models.ImageRemoved)
		db.Create(&models.Image{AdID: ad.ID, Position: 2, Status: models.ImagePending, TmpKey: f.putTemp(t, "uploads/3.jpg", testJPEG(t, 400, 300, 0))})
		db.Model(&models.Ad{}).Where("id = ?", ad.ID).Updates(map[string]any{"status": models.StatusUpdate, "status_changed": time.Now().UTC()})
		if got := f.reload(t, ad.ID); !got.Listed {
			t.Fatal("the ad left the public pages while its update waits")
		}

		if err := f.job.Run(ctx, Job{Kind: KindAd, ID: ad.ID}); err != nil {
			t.Fatal(err)
		}
		got := f.reload(t, ad.ID)
		if got.Status != models.StatusPublished || !got.Listed || !got.PublishedAt.Equal(*published.PublishedAt) {
			t.Errorf("after the update: %s listed %v published %v (was %v)", got.Status, got.Listed, got.PublishedAt, published.PublishedAt)
		}
		if len(got.Images) != 2 || got.Images[0].ID != published.Images[1].ID {
			t.Errorf("images after the update: %+v", got.Images)
		}
		pub := strings.Join(f.objects(t, storage.Public), ",")
		if strings.Contains(pub, VariantKey(ad.ID, published.Images[0].ID, "large")) || len(f.objects(t, storage.Public)) != 4 {
			t.Errorf("public objects after the update: %s", pub)
		}
	})
}

// putHook is a storage that calls before once, ahead of the first Put
// into the public bucket: an owner's edit arriving while a job works.
type putHook struct {
	storage.Storage
	before func()
}

func (h *putHook) Put(ctx context.Context, b storage.Bucket, key string, r io.Reader, size int64, contentType string) error {
	if b == storage.Public && h.before != nil {
		before := h.before
		h.before = nil
		before()
	}
	return h.Storage.Put(ctx, b, key, r, size, contentType)
}

// A photo the owner removes while a job processes the ad is taken off the
// public bucket by the job that follows, whatever the first one finished.
func TestPhotoRemovedDuringAJobIsDeleted(t *testing.T) {
	modelstest.EachDialect(t, func(t *testing.T, db *models.DB) {
		f := newPipelineFixture(t, db)
		ctx := context.Background()
		ad := modelstest.CreateAd(t, db, modelstest.NewAd(t, db, f.owner),
			f.putTemp(t, "uploads/1.jpg", testJPEG(t, 400, 300, 0)), f.putTemp(t, "uploads/2.jpg", testJPEG(t, 400, 300, 0)))
		if err := f.job.Run(ctx, Job{Kind: KindAd, ID: ad.ID}); err != nil {
			t.Fatal(err)
		}
		first := f.reload(t, ad.ID).Images[0]

		// The owner adds a photo; while the job processes it, they remove
		// the first one.
		db.Create(&models.Image{AdID: ad.ID, Position: 2, Status: models.ImagePending, TmpKey: f.putTemp(t, "uploads/3.jpg", testJPEG(t, 400, 300, 0))})
		db.Model(&models.Ad{}).Where("id = ?", ad.ID).Update("status", models.StatusUpdate)
		job := NewAdJob(db, &putHook{Storage: f.store, before: func() {
			db.Model(&models.Image{}).Where("id = ?", first.ID).Update("status", models.ImageRemoved)
			db.Model(&models.Ad{}).Where("id = ?", ad.ID).Update("status", models.StatusUpdate)
		}}, time.Hour, NewMetrics())
		for range 2 { // the job at work, then the one the edit queued
			if err := job.Run(ctx, Job{Kind: KindAd, ID: ad.ID}); err != nil {
				t.Fatal(err)
			}
		}

		got := f.reload(t, ad.ID)
		if got.Status != models.StatusPublished || len(got.Images) != 2 {
			t.Fatalf("after the edit: %s with %d images", got.Status, len(got.Images))
		}
		pub := strings.Join(f.objects(t, storage.Public), ",")
		if strings.Contains(pub, VariantKey(ad.ID, first.ID, "large")) || len(f.objects(t, storage.Public)) != 4 {
			t.Errorf("public objects: %s", pub)
		}
		if tmp := f.objects(t, storage.Temp); len(tmp) != 0 {
			t.Errorf("temporary objects left: %v", tmp)
		}
	})
}

// A run stopped between publishing and deleting the temporary objects
// leaves them to the next delivery of the job, which deletes them.
func TestRerunDeletesTemporaryObjectsLeftBehind(t *testing.T) {
	db := modelstest.Open(t, "sqlite")
	f := newPipelineFixture(t, db)
	ctx := context.Background()
	ad := modelstest.CreateAd(t, db, modelstest.NewAd(t, db, f.owner), f.putTemp(t, "uploads/1.jpg", testJPEG(t, 400, 300, 0)))
	if err := f.job.Run(ctx, Job{Kind: KindAd, ID: ad.ID}); err != nil {
		t.Fatal(err)
	}
	f.putTemp(t, "uploads/1.jpg", testJPEG(t, 400, 300, 0)) // as if the delete never ran
	if err := f.job.Run(ctx, Job{Kind: KindAd, ID: ad.ID}); err != nil {
		t.Fatal(err)
	}
	if tmp := f.objects(t, storage.Temp); len(tmp) != 0 {
		t.Errorf("temporary objects left: %v", tmp)
	}
}

func TestDeleteRemovesObjectsAndRows(t *testing.T) {
	modelstest.EachDialect(t, func(t *testing.T, db *models.DB) {
		f := newPipelineFixture(t, db)
		ctx := context.Background()
		ad := modelstest.CreateAd(t, db, modelstest.NewAd(t, db, f.owner), f.putTemp(t, "uploads/1.jpg", testJPEG(t, 400, 300, 0)))
		f.job.Run(ctx, Job{Kind: KindAd, ID: ad.ID})
		db.Model(&models.Ad{}).Where("id = ?", ad.ID).Updates(map[string]any{"status": models.StatusDelete, "listed": false})
		for range 2 { // twice: the second run finds nothing to do
			if err := f.job.Run(ctx, Job{Kind: KindAd, ID: ad.ID}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := db.AdForJob(ctx, ad.ID); err != models.ErrNotFound {
			t.Errorf("ad row after delete: %v", err)
		}
		var images int64
		db.Model(&models.Image{}).Where("classifiedad_id = ?", ad.ID).Count(&images)
		if images != 0 || len(f.objects(t, storage.Public)) != 0 {
			t.Errorf("left after delete: %d image rows, public objects %v", images, f.objects(t, storage.Public))
		}
	})
}

func TestReconcilerReenqueuesStrandedAds(t *testing.T) {
	modelstest.EachDialect(t, func(t *testing.T, db *models.DB) {
		f := newPipelineFixture(t, db)
		ctx := context.Background()
		old := modelstest.NewAd(t, db, f.owner)
		old.StatusChanged = time.Now().UTC().Add(-10 * time.Minute)
		modelstest.CreateAd(t, db, old)
		fresh := modelstest.CreateAd(t, db, modelstest.NewAd(t, db, f.owner))
		q := NewMemoryQueue()
		j := &Janitor{DB: db, Queue: q, Store: f.store, StaleAfter: 2 * time.Minute}
		n, err := j.Reconcile(ctx)
		if err != nil || n != 1 {
			t.Fatalf("Reconcile: %d, %v; want 1", n, err)
		}
		msgs, _ := q.Receive(ctx, 5)
		if len(msgs) != 1 || msgs[0].Job.ID != old.ID {
			t.Errorf("enqueued %+v, want ad %d only (not %d)", msgs, old.ID, fresh.ID)
		}
		if n, _ := j.Reconcile(ctx); n != 0 {
			t.Errorf("a second round enqueued %d again at once", n)
		}
	})
}
