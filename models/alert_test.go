package models_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"motando/models"
	"motando/models/modelstest"
)

// publishedAd creates a listed ad of the owner, published now.
func publishedAd(t *testing.T, db *models.DB, owner *models.User) *models.Ad {
	t.Helper()
	ad := modelstest.CreateAd(t, db, modelstest.NewAd(t, db, owner))
	now := time.Now().UTC()
	if err := db.Model(ad).Updates(map[string]any{"status": models.StatusPublished, "listed": true, "published_at": now}).Error; err != nil {
		t.Fatal(err)
	}
	ad.Status, ad.Listed, ad.PublishedAt = models.StatusPublished, true, &now
	return ad
}

// A person saves a listed ad once however often they tap; an ad that is not
// listed cannot be saved; the seller sees how many saved it.
func TestFavorites(t *testing.T) {
	modelstest.EachDialect(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		seller, buyer, other := modelstest.CreateUser(t, db, "Vera"), modelstest.CreateUser(t, db, "Rui"), modelstest.CreateUser(t, db, "Ana")
		ad := publishedAd(t, db, seller)
		hidden := modelstest.CreateAd(t, db, modelstest.NewAd(t, db, seller))
		for range 2 {
			if err := db.SaveFavorite(ctx, buyer.ID, ad.ID); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.SaveFavorite(ctx, other.ID, ad.ID); err != nil {
			t.Fatal(err)
		}
		if err := db.SaveFavorite(ctx, buyer.ID, hidden.ID); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("saving an ad not listed: %v", err)
		}
		counts, err := db.AdTotalsOf(ctx, []uint64{ad.ID, hidden.ID}, time.Time{})
		if err != nil || counts[ad.ID].Saves != 2 || counts[hidden.ID].Saves != 0 {
			t.Errorf("counts %v, %v", counts, err)
		}
		if err := db.RemoveFavorite(ctx, other.ID, ad.ID); err != nil {
			t.Fatal(err)
		}
		set, err := db.FavoriteSet(ctx, other.ID, []uint64{ad.ID})
		if err != nil || set[ad.ID] {
			t.Errorf("after removing: %v, %v", set, err)
		}
		ads, err := db.FavoriteAds(ctx, buyer.ID)
		if err != nil || len(ads) != 1 || ads[0].ID != ad.ID {
			t.Errorf("favourites %v, %v", ads, err)
		}
	})
}

// The first publication leaves the ad's alerts pending; recording them
// stores a match per saved search (not the seller's own), e-mails only the
// people alerted at once, and a second run sends nothing. The daily digest
// tells of the match once; opening the search clears its new-ad count.
func TestNewAdAlerts(t *testing.T) {
	modelstest.EachDialect(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		seller := modelstest.CreateUser(t, db, "Vera Lúcia")
		now, daily := modelstest.CreateUser(t, db, "Rui Costa"), modelstest.CreateUser(t, db, "Ana Paula")
		ad := modelstest.CreateAd(t, db, modelstest.NewAd(t, db, seller), "tmp/a.jpg")
		res := []models.ImageResult{{ImageID: ad.Images[0].ID, ThumbKey: "t", LargeKey: "l", ThumbWidth: 4, ThumbHeight: 3, LargeWidth: 8, LargeHeight: 6}}
		if out, err := db.FinishSync(ctx, ad.ID, res, nil, time.Hour); err != nil || out != models.SyncPublished {
			t.Fatalf("publish: %v %v", out, err)
		}
		newAd, _, doc, err := db.AlertsOf(ctx, ad.ID)
		if err != nil || !newAd || doc == nil || doc.ModelID != ad.ModelID {
			t.Fatalf("after the first publication: pending %v, doc %v, %v", newAd, doc, err)
		}
		var ids []uint64
		for _, s := range []struct {
			user  *models.User
			alert string
		}{{now, models.AlertNow}, {daily, models.AlertDaily}, {seller, models.AlertNow}} {
			saved := &models.SavedSearch{UserID: s.user.ID, Name: "Honda CB 300", Query: "marca=1", Alert: s.alert}
			if err := db.SaveSearch(ctx, saved); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, saved.ID)
		}
		mail := func(u *models.User, list []models.SavedSearch) (string, string, error) {
			return "Nova moto para " + list[0].Name, "Olá, " + u.FirstName(), nil
		}
		queued, err := db.RecordNewAdAlerts(ctx, ad.ID, ids, mail)
		if err != nil || len(queued) != 1 {
			t.Fatalf("queued %v, %v", queued, err)
		}
		if e, _ := db.EmailByID(ctx, queued[0]); e == nil || e.ToAddr != now.Email || e.Body != "Olá, Rui" {
			t.Errorf("the alert: %+v", e)
		}
		if again, err := db.RecordNewAdAlerts(ctx, ad.ID, ids, mail); err != nil || len(again) != 0 {
			t.Errorf("a second run queued %v, %v", again, err)
		}
		list, err := db.SavedSearchesOf(ctx, daily.ID)
		if err != nil || len(list) != 1 || list[0].NewAds != 1 {
			t.Fatalf("daily's searches %+v, %v", list, err)
		}
		if own, _ := db.SavedSearchesOf(ctx, seller.ID); own[0].NewAds != 0 {
			t.Errorf("the seller's own search counts their ad")
		}

		digest := func(u *models.User, s *models.SavedSearch, ads []models.Ad, total int) (string, string, error) {
			return s.Name, strings.Repeat("x", total) + " " + u.Email, nil
		}
		sent, err := db.SendDigests(ctx, 10, digest)
		if err != nil || len(sent) != 1 {
			t.Fatalf("digests %v, %v", sent, err)
		}
		if e, _ := db.EmailByID(ctx, sent[0]); e.ToAddr != daily.Email || e.Body != "x "+daily.Email {
			t.Errorf("the digest: %+v", e)
		}
		if again, err := db.SendDigests(ctx, 10, digest); err != nil || len(again) != 0 {
			t.Errorf("a second digest run queued %v, %v", again, err)
		}
		if _, err := db.OpenSavedSearch(ctx, daily.ID, list[0].ID); err != nil {
			t.Fatal(err)
		}
		if list, _ := db.SavedSearchesOf(ctx, daily.ID); list[0].NewAds != 0 {
			t.Errorf("after opening, %d new ads", list[0].NewAds)
		}
		if _, err := db.OpenSavedSearch(ctx, now.ID, list[0].ID); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("another person opened the search: %v", err)
		}
	})
}

// A lower price is a reduction the ad's savers are told of, from the price
// before the reductions of the last two weeks; the price back up ends it;
// every price is in the history; after going up, only a price below every
// recent one is told of again.
func TestPriceDrop(t *testing.T) {
	modelstest.EachDialect(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		seller, buyer := modelstest.CreateUser(t, db, "Vera"), modelstest.CreateUser(t, db, "Rui")
		ad := publishedAd(t, db, seller)
		if err := db.SaveFavorite(ctx, buyer.ID, ad.ID); err != nil {
			t.Fatal(err)
		}
		if err := db.SaveFavorite(ctx, seller.ID, ad.ID); err != nil {
			t.Fatal(err)
		}
		original := ad.Price
		edit := func(price models.Money) models.AdUpdate {
			t.Helper()
			cur, err := db.OwnedAd(ctx, seller.ID, ad.ID)
			if err != nil {
				t.Fatal(err)
			}
			cur.Price = price
			up, err := db.UpdateAd(ctx, cur, nil)
			if err != nil {
				t.Fatal(err)
			}
			return up
		}
		if up := edit(original - 100_000); !up.PriceDropped {
			t.Fatal("a lower price is not a drop")
		}
		if up := edit(original - 150_000); !up.PriceDropped {
			t.Fatal("a second reduction is not a drop")
		}
		cur, _ := db.OwnedAd(ctx, seller.ID, ad.ID)
		if cur.PriceDropFrom == nil || *cur.PriceDropFrom != original || cur.PriceDroppedAt == nil || !cur.PriceAlertsPending {
			t.Fatalf("after two reductions: from %v at %v pending %v", cur.PriceDropFrom, cur.PriceDroppedAt, cur.PriceAlertsPending)
		}
		queued, err := db.RecordPriceDropAlerts(ctx, ad.ID, func(u *models.User) (string, string, error) { return "Baixou", u.Email, nil })
		if err != nil || len(queued) != 1 {
			t.Fatalf("queued %v, %v", queued, err)
		}
		if e, _ := db.EmailByID(ctx, queued[0]); e.ToAddr != buyer.Email {
			t.Errorf("the price e-mail went to %s", e.ToAddr)
		}
		if up := edit(original); up.PriceDropped {
			t.Error("the price back up is a drop")
		}
		cur, _ = db.OwnedAd(ctx, seller.ID, ad.ID)
		if cur.PriceDropFrom != nil || cur.PriceDroppedAt != nil {
			t.Errorf("the price is back, the reduction stays: %v", cur.PriceDropFrom)
		}
		history, err := db.PriceHistory(ctx, ad.ID)
		if err != nil || len(history) != 4 || history[0].Price != original || history[3].Price != original {
			t.Errorf("history %+v, %v", history, err)
		}
		// Up and down again: a price the savers have seen beaten is not news.
		if up := edit(original - 120_000); up.PriceDropped {
			t.Error("a price above the lowest of the last days is announced")
		}
		if up := edit(original - 200_000); !up.PriceDropped {
			t.Error("a price below every recent one is not announced")
		}
	})
}
