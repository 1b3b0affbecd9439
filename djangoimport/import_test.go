package djangoimport_test

import (
	"bytes"
	"context"
	"errors"
	"image"
	_ "image/jpeg"
	"io"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"motando/djangoimport"
	"motando/djangoimport/originaltest"
	"motando/models"
	"motando/models/modelstest"
	"motando/storage"
	"motando/worker"
)

// site is the site the original is imported into, with a worker running
// on its queue.
type site struct {
	db    *models.DB
	store storage.Storage
	queue worker.Queue
}

func newSite(t testing.TB, db *models.DB) *site {
	t.Helper()
	store, err := storage.NewLocal(t.TempDir(), "/media/")
	if err != nil {
		t.Fatal(err)
	}
	s := &site{db: db, store: store, queue: worker.NewMemoryQueue()}
	metrics := worker.NewMetrics()
	runner := &worker.Runner{Queue: s.queue, Workers: 2, MaxDeliveries: 3, Metrics: metrics, ShutdownTimeout: 5 * time.Second,
		Handlers: map[string]worker.Handler{worker.KindAd: worker.NewAdJob(db, store, 90*24*time.Hour, metrics).Run},
		Backoff:  worker.ExponentialBackoff(20*time.Millisecond, time.Second)}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { runner.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return s
}

// run imports the original and returns the summary and what it printed.
func (s *site) run(t *testing.T, o *originaltest.Original) (*djangoimport.Summary, string) {
	t.Helper()
	src, err := djangoimport.OpenSource(o.DSN)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	var out bytes.Buffer
	im := &djangoimport.Importer{Source: src, DB: s.db, Store: s.store, Queue: s.queue, Out: &out, Workers: 3,
		AllowPrivateHosts: true, Wait: true}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	sum, err := im.Run(ctx)
	sum.Print(&out)
	if err != nil {
		t.Fatalf("import: %v\n%s", err, out.String())
	}
	return sum, out.String()
}

// counts are the rows of each table the import writes.
func (s *site) counts(t *testing.T) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	for _, table := range []string{"users", "user_profiles", "classifiedad", "classifiedad_images", "conversations", "messages",
		"motorcycle_brands", "motorcycle_brand_models", "motorcycle_brand_models_versions"} {
		var n int64
		if err := s.db.Table(table).Count(&n).Error; err != nil {
			t.Fatal(err)
		}
		out[table] = n
	}
	return out
}

func TestImportDjango(t *testing.T) {
	modelstest.EachDialect(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		o := originaltest.New(t)
		o.Fill()
		// A chat of more than a megabyte of messages is reported, not read.
		o.Exec(`INSERT INTO chats (id, user_from_fullname, user_from_email, messages, created, classifiedad_id, user_to_id)
			VALUES (94, 'Flood', 'flood@example.com', ?, '2024-01-13 10:00:00', 11, 1)`,
			`[{"from": "Flood", "text": "`+strings.Repeat("a", 1<<20)+`", "timestamp": "2024-01-13T10:00:00"}]`)
		s := newSite(t, db)
		// Carla signed up here before the move: her account is hers, not
		// the original's.
		hash, err := models.HashPassword(ctx, "conta-nova-aqui")
		if err != nil {
			t.Fatal(err)
		}
		if err := db.CreateUser(ctx, &models.User{Email: "carla@example.com", Fullname: "Carla", Password: hash}, &models.Profile{}); err != nil {
			t.Fatal(err)
		}

		sum, printed := s.run(t, o)
		t.Log(printed)
		checkSummary(t, sum, printed)
		checkAccounts(t, db)
		checkAds(t, s)
		checkChats(t, db)

		// A second run changes nothing.
		before := s.counts(t)
		sum, printed = s.run(t, o)
		for _, kind := range []string{"contas", "anúncios", "fotos", "conversas", "mensagens"} {
			if n := sum.Tally(kind).Imported; n != 0 {
				t.Errorf("second run imported %d %s:\n%s", n, kind, printed)
			}
		}
		if after := s.counts(t); !equalCounts(before, after) {
			t.Errorf("second run changed the rows: %v → %v", before, after)
		}

		// What the original got since is all a third run brings.
		o.AddAd(16, 1, 71, 81, "published", "15500.00", "upright-16")
		o.AppendMessage(91, "Bruno Lima", "Posso ver amanhã?")
		sum, printed = s.run(t, o)
		if a, m := sum.Tally("anúncios").Imported, sum.Tally("mensagens").Imported; a != 1 || m != 1 || sum.Tally("conversas").Imported != 0 {
			t.Errorf("third run imported %d ads, %d messages; want the new ad and message only:\n%s", a, m, printed)
		}
		conv := conversationOf(t, db, "u:")
		msgs, err := db.Messages(ctx, conv.ID)
		if err != nil || len(msgs) != 3 || msgs[2].Body != "Posso ver amanhã?" {
			t.Errorf("Bruno's conversation after the third run: %+v, %v", msgs, err)
		}
	})
}

func equalCounts(a, b map[string]int64) bool {
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return len(a) == len(b)
}

func checkSummary(t *testing.T, sum *djangoimport.Summary, printed string) {
	t.Helper()
	want := map[string][3]int{ // imported, skipped, failed
		"contas":     {3, 1, 0}, // Carla's e-mail has an account here
		"anúncios":   {3, 2, 0}, // 13 deleted there, 14 is Carla's
		"fotos":      {3, 0, 3}, // missing-2 (404), text-2 (not an image), missing-5
		"publicados": {2, 0, 1}, // 11 and 12; 15 lost its only photo
		"conversas":  {2, 1, 1}, // 93 is about the deleted ad, 94 is too long
		"mensagens":  {3, 0, 0},
	}
	for kind, w := range want {
		tl := sum.Tally(kind)
		if got := [3]int{tl.Imported, tl.Skipped, tl.Failed}; got != w {
			t.Errorf("%s: imported, skipped, failed = %v; want %v", kind, got, w)
		}
	}
	for _, reason := range []string{"o servidor respondeu 404", "foto 4 do anúncio 12", "não é uma imagem", "excluído no site anterior", "o e-mail já tem conta aqui",
		"fora da lista de municípios", "mensagens demais"} {
		if !strings.Contains(printed, reason) {
			t.Errorf("the summary does not say %q:\n%s", reason, printed)
		}
	}
	if cat := sum.Tally("catálogo"); cat.Imported != 3 || cat.Matched != 3 {
		t.Errorf("catalog: %d created, %d matched; want Zontes, ZT 350 and T2 created, Honda, CG 160 and Titan matched", cat.Imported, cat.Matched)
	}
}

func checkAccounts(t *testing.T, db *models.DB) {
	t.Helper()
	ctx := context.Background()
	ana, err := db.UserByEmail(ctx, "ana.souza@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(ana.Password, "pbkdf2_sha256$") {
		t.Fatalf("imported hash %q is not the original's", ana.Password)
	}
	if _, err := db.Authenticate(ctx, "ana.souza@example.com", "senha-errada"); !errors.Is(err, models.ErrBadCredentials) {
		t.Errorf("a wrong password: %v", err)
	}
	for email, password := range map[string]string{"ana.souza@example.com": "senha-antiga-1", "bruno@example.com": "outra-senha-2"} {
		u, err := db.Authenticate(ctx, email, password)
		if err != nil {
			t.Fatalf("%s signs in with the original's password: %v", email, err)
		}
		if !strings.HasPrefix(u.Password, "$argon2id$") {
			t.Errorf("%s after signing in: hash %q, want argon2id", email, u.Password)
		}
		stored, _ := db.UserByEmail(ctx, email)
		if stored.Password != u.Password {
			t.Errorf("%s: the new hash was not stored", email)
		}
		if _, err := db.Authenticate(ctx, email, password); err != nil {
			t.Errorf("%s signs in again with the argon2id hash: %v", email, err)
		}
	}
	if _, err := db.Authenticate(ctx, "carla@example.com", "terceira-3"); !errors.Is(err, models.ErrBadCredentials) {
		t.Errorf("Carla's account here took the original's password: %v", err)
	}
	if _, err := db.Authenticate(ctx, "dora@example.com", "quarta-senha-4"); !errors.Is(err, models.ErrBlocked) {
		t.Errorf("an account inactive on the original: %v, want blocked", err)
	}
	p, err := db.ProfileOf(ctx, ana.ID)
	if err != nil {
		t.Fatal(err)
	}
	places, _ := models.LoadPlaces(ctx, db)
	city, _ := places.City(derefCity(p.CityID))
	dora, err := db.UserByEmail(ctx, "dora@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if dp, _ := db.ProfileOf(ctx, dora.ID); dp.StateID == nil || dp.CityID != nil {
		t.Errorf("Dora's city is not in the reference list: state %v, city %v; want her state only", dp.StateID, dp.CityID)
	}
	if p.Telephone != "12998765432" || !p.ShowTelephoneClassifiedad || city.Name != "São José dos Campos" || p.Gender != "F" {
		t.Errorf("Ana's profile: phone %q, show %v, city %q, gender %q", p.Telephone, p.ShowTelephoneClassifiedad, city.Name, p.Gender)
	}
}

func derefCity(id *uint32) uint32 {
	if id == nil {
		return 0
	}
	return *id
}

// importedAd reads the ad the original's ad became.
func importedAd(t *testing.T, db *models.DB, sourceID uint64) *models.Ad {
	t.Helper()
	rows, err := db.ImportedRows(context.Background(), "classifiedad")
	if err != nil {
		t.Fatal(err)
	}
	row, ok := rows[sourceID]
	if !ok {
		t.Fatalf("ad %d was not imported", sourceID)
	}
	var ad models.Ad
	if err := db.Preload("Images", func(q *gorm.DB) *gorm.DB { return q.Order("position") }).First(&ad, row.TargetID).Error; err != nil {
		t.Fatal(err)
	}
	return &ad
}

func checkAds(t *testing.T, s *site) {
	t.Helper()
	ctx := context.Background()
	cat, err := models.LoadCatalog(ctx, s.db)
	if err != nil {
		t.Fatal(err)
	}
	ad := importedAd(t, s.db, 11)
	brand, _ := cat.Brand(ad.BrandID)
	model, _ := cat.Model(ad.ModelID)
	if brand.Name != "Honda" || model.Name != "CG 160" || ad.VersionID == nil || ad.Price != 1_490_000 || ad.Mileage != 18500 {
		t.Errorf("ad 11: %s %s version %v, price %d, km %d", brand.Name, model.Name, ad.VersionID, ad.Price, ad.Mileage)
	}
	if ad.Status != models.StatusPublished || !ad.Listed || ad.PublishedAt == nil || !ad.PublishedAt.Equal(time.Date(2024, 1, 5, 9, 30, 0, 0, time.UTC)) {
		t.Errorf("ad 11: status %s, listed %v, published %v; want published on its original date", ad.Status, ad.Listed, ad.PublishedAt)
	}
	if want := "Moto revisada & com manual.\n\n• Pneus novos\n• Baú"; ad.Description != want {
		t.Errorf("description %q, want %q", ad.Description, want)
	}
	if ad.Color != "red" || ad.BrakeSystem != "combined" || ad.LicensePlate != "ABC1D23" || !ad.OptionalAlarm || !ad.AcceptNewOffer || ad.DocOK == nil || !*ad.DocOK {
		t.Errorf("ad 11's fields: %+v", ad)
	}
	checkPhotos(t, s, ad)

	zontes := importedAd(t, s.db, 12)
	zb, _ := cat.Brand(zontes.BrandID)
	if zb.Name != "Zontes" || zontes.Status != models.StatusPublished || len(zontes.Images) != 1 {
		t.Errorf("ad 12: brand %q, status %s, %d photos; want Zontes (created), published with its one good photo", zb.Name, zontes.Status, len(zontes.Images))
	}
	lost := importedAd(t, s.db, 15)
	if lost.Status != models.StatusFailed || !strings.Contains(lost.StatusReason, "fotos") || lost.Listed {
		t.Errorf("ad 15 (its photo is gone): status %s %q, listed %v; want failed, telling why", lost.Status, lost.StatusReason, lost.Listed)
	}
}

// checkPhotos checks the ad's photos went through the pipeline: in the
// original's order, upright, without metadata, in the public bucket.
func checkPhotos(t *testing.T, s *site, ad *models.Ad) {
	t.Helper()
	if len(ad.Images) != 2 {
		t.Fatalf("ad %d has %d photos, want 2", ad.ID, len(ad.Images))
	}
	for i, img := range ad.Images {
		if img.Position != i || img.Status != models.ImageReady || img.LargeKey == "" {
			t.Fatalf("photo %d: %+v", i, img)
		}
		rc, _, err := s.store.Get(context.Background(), storage.Public, img.LargeKey)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(rc)
		rc.Close()
		if bytes.Contains(body, []byte("Exif")) || bytes.Contains(body, []byte("GPS")) {
			t.Errorf("photo %d kept its metadata", i)
		}
		cfg, _, err := image.DecodeConfig(bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		// The first was shot sideways (orientation 6): upright, it is
		// portrait; the second is landscape.
		if portrait := cfg.Height > cfg.Width; portrait != (i == 0) {
			t.Errorf("photo %d is %dx%d: not upright, or not in the original's order", i, cfg.Width, cfg.Height)
		}
	}
}

// conversationOf finds the conversation whose buyer key starts with prefix.
func conversationOf(t *testing.T, db *models.DB, prefix string) *models.Conversation {
	t.Helper()
	var conv models.Conversation
	if err := db.Where("buyer_key LIKE ?", prefix+"%").First(&conv).Error; err != nil {
		t.Fatalf("conversation %s…: %v", prefix, err)
	}
	return &conv
}

func checkChats(t *testing.T, db *models.DB) {
	t.Helper()
	ctx := context.Background()
	bruno, err := db.UserByEmail(ctx, "bruno@example.com")
	if err != nil {
		t.Fatal(err)
	}
	conv := conversationOf(t, db, "u:")
	msgs, err := db.Messages(ctx, conv.ID)
	if err != nil {
		t.Fatal(err)
	}
	if conv.BuyerID == nil || *conv.BuyerID != bruno.ID || len(msgs) != 2 {
		t.Fatalf("Bruno's conversation: buyer %v, %d messages", conv.BuyerID, len(msgs))
	}
	if msgs[0].Author != models.AuthorBuyer || msgs[0].Body != "Ainda está à venda?" || msgs[1].Author != models.AuthorSeller ||
		!msgs[0].Created.Equal(time.Date(2024, 1, 10, 14, 23, 11, 123456000, time.UTC)) {
		t.Errorf("Bruno's messages: %+v", msgs)
	}
	inbox, err := db.InboxOf(ctx, bruno.ID, 10)
	if err != nil || len(inbox.Conversations) != 1 {
		t.Errorf("Bruno's inbox: %+v, %v", inbox, err)
	}
	anon := conversationOf(t, db, "e:")
	if anon.BuyerKey != "e:diego@example.com" || anon.BuyerID != nil || anon.BuyerName != "Diego Anônimo" || anon.BuyerPhone != "11900001111" {
		t.Errorf("the anonymous buyer's conversation: %+v", anon)
	}
}

// The original's photo addresses were partly typed by its users: by
// default the import downloads nothing from this machine or its network,
// and says how to allow it. Run again with the permission, it brings the
// photos it could not before, and the ads left without are published.
func TestImportRefusesInternalPhotoAddresses(t *testing.T) {
	o := originaltest.New(t)
	o.Fill()
	db := modelstest.Open(t, "sqlite")
	s := newSite(t, db)
	src, err := djangoimport.OpenSource(o.DSN)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	var out bytes.Buffer
	im := &djangoimport.Importer{Source: src, DB: db, Store: s.store, Queue: s.queue, Out: &out}
	sum, err := im.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	sum.Print(&out)
	if photos := sum.Tally("fotos"); photos.Imported != 0 || photos.Failed != 7 || !strings.Contains(out.String(), "--private-photo-hosts") {
		t.Errorf("photos from 127.0.0.1: %+v\n%s", photos, out.String())
	}
	if ads := sum.Tally("anúncios"); ads.Imported != 4 {
		t.Errorf("the ads are imported all the same (failed, for want of photos): %+v", ads)
	}
	if failed := sum.Tally("publicados"); failed.Failed != 4 {
		t.Errorf("the summary counts %d ads left without photos, want 4\n%s", failed.Failed, out.String())
	}

	sum, printed := s.run(t, o) // with --private-photo-hosts
	if photos := sum.Tally("fotos"); photos.Imported != 4 || photos.Failed != 3 {
		t.Errorf("second run with the permission: photos %+v\n%s", photos, printed)
	}
	if published := sum.Tally("publicados"); published.Imported != 3 {
		t.Errorf("second run: %d ads published, want 3 (11, 12, 14)\n%s", published.Imported, printed)
	}
	ad := importedAd(t, db, 11)
	if ad.Status != models.StatusPublished || len(ad.Images) != 2 {
		t.Errorf("ad 11 after the second run: %s with %d photos", ad.Status, len(ad.Images))
	}
	checkPhotos(t, s, ad)
}
