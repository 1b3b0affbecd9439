package worker

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"motando/models"
	"motando/models/modelstest"
	"motando/search"
)

// The alert job matches a newly published ad against saved searches —
// including one saved after the matcher was loaded — e-mails the people
// alerted at once with the ad, their search's link and its stop link, and
// queues the e-mails; the daily digest names the ad the next day; a lower
// price e-mails the people who saved the ad.
func TestAlertJob(t *testing.T) {
	modelstest.EachDialect(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		q := NewMemoryQueue()
		job := &AlertJob{DB: db, Queue: q, Searches: &SavedSearches{DB: db}, BaseURL: "https://motando.test", Secret: []byte("segredo-de-teste-com-32-caracteres!")}
		seller := modelstest.CreateUser(t, db, "Vera Lúcia")
		buyer, daily := modelstest.CreateUser(t, db, "Rui Costa"), modelstest.CreateUser(t, db, "Ana Paula")
		ad := modelstest.NewAd(t, db, seller)
		words := &models.SavedSearch{UserID: daily.ID, Name: "“cb 3” em SP", Query: "q=cb+3&estado=SP", Alert: models.AlertDaily}
		words.SetFilter(filterOf(t, "cb 3", ad.StateID))
		if err := db.SaveSearch(ctx, words); err != nil {
			t.Fatal(err)
		}
		if _, _, err := job.Searches.Names(ctx); err != nil { // loads the matcher before the next searches are saved
			t.Fatal(err)
		}
		brand := &models.SavedSearch{UserID: buyer.ID, Name: "Honda", Query: "marca=1", Alert: models.AlertNow}
		brand.SetFilter(filterOf(t, "", 0))
		brand.BrandID = ad.BrandID
		if err := db.SaveSearch(ctx, brand); err != nil {
			t.Fatal(err)
		}
		elsewhere := &models.SavedSearch{UserID: buyer.ID, Name: "Em outro estado", Query: "estado=AC", Alert: models.AlertNow, StateID: ad.StateID + 1}
		if err := db.SaveSearch(ctx, elsewhere); err != nil {
			t.Fatal(err)
		}

		modelstest.CreateAd(t, db, ad, "tmp/x.jpg")
		res := []models.ImageResult{{ImageID: ad.Images[0].ID, ThumbKey: "t", LargeKey: "l", ThumbWidth: 4, ThumbHeight: 3, LargeWidth: 8, LargeHeight: 6}}
		if _, err := db.FinishSync(ctx, ad.ID, res, nil, time.Hour); err != nil {
			t.Fatal(err)
		}
		if err := job.Run(ctx, Job{Kind: KindAlerts, ID: ad.ID}); err != nil {
			t.Fatal(err)
		}
		mails := queuedEmails(t, db, q)
		if len(mails) != 1 || mails[0].ToAddr != buyer.Email {
			t.Fatalf("e-mails %+v", mails)
		}
		body := mails[0].Body
		for _, want := range []string{"Olá, Rui!", "Honda CB 300", "R$ 18.500", "https://motando.test/anuncio/", "https://motando.test/motos?marca=1",
			"/buscas-salvas/" + u64s(brand.ID) + "/parar?t=" + models.AlertStopToken(job.Secret, brand.ID)} {
			if !strings.Contains(body, want) {
				t.Errorf("the alert lacks %q:\n%s", want, body)
			}
		}
		if strings.Contains(body, "Em outro estado") || !strings.Contains(mails[0].Subject, "Honda CB 300") {
			t.Errorf("subject %q, body:\n%s", mails[0].Subject, body)
		}

		if n, err := job.SendDigests(ctx); err != nil || n != 1 {
			t.Fatalf("digests: %d, %v", n, err)
		}
		digest := queuedEmails(t, db, q)
		if len(digest) != 1 || digest[0].ToAddr != daily.Email || !strings.Contains(digest[0].Subject, "1 moto nova") ||
			!strings.Contains(digest[0].Body, "Honda CB 300") || !strings.Contains(digest[0].Body, "/parar?t=") {
			t.Fatalf("digest %+v", digest)
		}

		if err := db.SaveFavorite(ctx, daily.ID, ad.ID); err != nil {
			t.Fatal(err)
		}
		cur, _ := db.OwnedAd(ctx, seller.ID, ad.ID)
		cur.Price -= 50_000
		if up, err := db.UpdateAd(ctx, cur, nil); err != nil || !up.PriceDropped {
			t.Fatalf("price edit: %+v %v", up, err)
		}
		if err := job.Run(ctx, Job{Kind: KindAlerts, ID: ad.ID}); err != nil {
			t.Fatal(err)
		}
		drop := queuedEmails(t, db, q)
		if len(drop) != 1 || drop[0].ToAddr != daily.Email || !strings.Contains(drop[0].Body, "de R$ 18.500 por R$ 18.000 (R$ 500 a menos)") {
			t.Fatalf("price drop e-mail %+v", drop)
		}
	})
}

// filterOf is a search's filter from its text and state.
func filterOf(t *testing.T, text string, state uint16) search.Filter {
	t.Helper()
	return search.Filter{Words: search.Words(text), StateID: state}
}

// queuedEmails reads the e-mails the queue was handed since the last call.
func queuedEmails(t *testing.T, db *models.DB, q *MemoryQueue) []models.Email {
	t.Helper()
	msgs, err := q.Receive(context.Background(), 100)
	if err != nil {
		t.Fatal(err)
	}
	var out []models.Email
	for _, m := range msgs {
		if m.Job.Kind != KindEmail {
			continue
		}
		e, err := db.EmailByID(context.Background(), m.Job.ID)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, *e)
		q.Ack(context.Background(), m)
	}
	return out
}

func u64s(n uint64) string { return strconv.FormatUint(n, 10) }
