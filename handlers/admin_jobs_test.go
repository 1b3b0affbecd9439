package handlers

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"motando/models"
	"motando/models/modelstest"
	"motando/worker"
)

func TestAdminRetriesADeadLetter(t *testing.T) {
	modelstest.EachDialect(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		s := newSite(t, db)
		seller := s.seller("morto@exemplo.com")
		seller.get("/anuncios/novo")
		seller.post("/anuncios/novo", s.adValues(s.upload(seller, testJPEG(t, 200, 150))))
		ad := s.onlyAd(seller)
		// The worker gave up on the ad's job: a dead letter, the ad failed.
		msgs, _ := s.queue.Receive(ctx, 10)
		if len(msgs) != 1 {
			t.Fatalf("%d messages", len(msgs))
		}
		s.queue.Bury(ctx, msgs[0], "storage: conexão recusada")
		if err := db.MarkAdFailed(ctx, ad.ID, "Não conseguimos processar este anúncio."); err != nil {
			t.Fatal(err)
		}
		const email = "filas@exemplo.com"
		admin := s.admin(email)
		_, dash := admin.get("/admin")
		mustContain(t, dash, `data-count="dead">1<`)
		_, jobs := admin.get("/admin/filas")
		mustContain(t, jobs, "storage: conexão recusada", `href="/admin/anuncios/`+u64(ad.ID)+`"`, `name="id" value="`+msgs[0].ID+`"`)

		if status, _ := admin.post("/admin/filas/reenviar", url.Values{"id": {msgs[0].ID}}); status != 303 {
			t.Fatalf("retry: %d", status)
		}
		audited(t, db, email, models.AuditJobRetry, "anuncio:"+u64(ad.ID))
		if dead, _ := s.queue.DeadLetters(ctx, 10); len(dead) != 0 {
			t.Errorf("dead letters after the retry: %+v", dead)
		}
		s.work()
		if got := s.onlyAd(seller); got.Status != models.StatusPublished || !got.Listed {
			t.Errorf("after the retry: %s, listed %v", got.Status, got.Listed)
		}
		// Sent again, there is nothing left to retry.
		if status, _ := adminPost(admin, "/admin/filas", "/admin/filas/reenviar", url.Values{"id": {msgs[0].ID}}); status != 303 {
			t.Errorf("retry again: %d", status)
		}
		if n := countRows(db, &models.AuditEntry{}, "action = ?", models.AuditJobRetry); n != 1 {
			t.Errorf("%d retries audited, want 1", n)
		}
	})
}

func TestAdminRetriesEveryDeadLetterAndListsStrandedAds(t *testing.T) {
	db := modelstest.Open(t, "sqlite")
	ctx := context.Background()
	s := newSite(t, db)
	owner := modelstest.CreateUser(t, db, "Dona")
	// A failed e-mail and an ad stranded before the reconciler's threshold.
	mail, err := models.QueueEmail(ctx, db.DB, "alguem@exemplo.com", "Oi", "Olá")
	if err != nil {
		t.Fatal(err)
	}
	db.MarkEmailAttempt(ctx, mail.ID, "smtp: 550", true)
	s.queue.Enqueue(ctx, worker.Job{Kind: worker.KindEmail, ID: mail.ID})
	msgs, _ := s.queue.Receive(ctx, 10)
	s.queue.Bury(ctx, msgs[0], "smtp: 550")
	stranded := modelstest.NewAd(t, db, owner)
	stranded.StatusChanged = time.Now().UTC().Add(-10 * time.Minute)
	modelstest.CreateAd(t, db, stranded)
	recent := modelstest.NewAd(t, db, owner)
	modelstest.CreateAd(t, db, recent)

	admin := s.admin("todas@exemplo.com")
	_, jobs := admin.get("/admin/filas")
	mustContain(t, jobs, "E-mail", "smtp: 550", `<a href="/admin/anuncios/`+u64(stranded.ID)+`">`)
	if strings.Contains(jobs, `<a href="/admin/anuncios/`+u64(recent.ID)+`">`) {
		t.Error("an ad waiting for less than the threshold is listed")
	}
	if status, _ := admin.post("/admin/filas/reenviar", nil); status != 303 {
		t.Fatalf("retry all: %d", status)
	}
	got, _ := db.EmailByID(ctx, mail.ID)
	if got.Status != models.EmailPending {
		t.Errorf("e-mail after the retry: %s", got.Status)
	}
	st, _ := s.queue.Stats(ctx)
	if st.Dead != 0 || st.Ready != 1 {
		t.Errorf("queue after the retry: %+v", st)
	}
	audited(t, db, "todas@exemplo.com", models.AuditJobRetry, "email:"+u64(mail.ID))
}
