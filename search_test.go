package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"motando/models"
	"motando/search"
	"motando/worker"
)

// Two web processes and a worker on MariaDB and Redis: every change of an
// ad — published by the worker, a new price, hidden by moderation, deleted
// by its owner — shows in (or vanishes from) both web processes' search
// within a second, through the change feed; a change whose message is lost
// arrives through the catch-up.
func TestSearchFollowsChangesAcrossProcesses(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	webs := []*process{startMotando(t, s.dir, s.env(s.redis), "-role=web"), startMotando(t, s.dir, s.env(s.redis), "-role=web")}
	var addrs []string
	for _, w := range webs {
		addr := envValue(w.cmd.Env, "MOTANDO_ADDR")
		waitForPage(t, "http://"+addr+"/readyz")
		addrs = append(addrs, addr)
	}
	work := startMotando(t, s.dir, s.env(s.redis), "-role=worker")

	// This test process changes ads as a web process would: through the
	// models, announcing each change on the feed.
	feed := search.NewRedisFeed(s.rdb, s.prefix)
	s.db.OnAdsChanged(func(ctx context.Context, ids []uint64) {
		if err := feed.Publish(ctx, ids); err != nil {
			t.Error(err)
		}
	})
	ctx := context.Background()
	word := fmt.Sprintf("palavra%d", time.Now().UnixNano()%1_000_000)
	publish := func() *models.Ad {
		ad := s.submitAd(1, photoJPEG(t, 640, 480))
		s.db.Model(ad).Update("sales_phrase", "Moto "+word)
		if err := s.queue(s.redis).Enqueue(ctx, worker.Job{Kind: worker.KindAd, ID: ad.ID}); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "the ad published", 60*time.Second, func() bool { return s.status(ad.ID) == models.StatusPublished })
		return ad
	}
	// within checks that the search query finds the ad (or not) on both
	// web processes within a second.
	within := func(what, query string, ad *models.Ad, found bool) {
		t.Helper()
		start := time.Now()
		for _, addr := range addrs {
			for shows(t, addr, query, ad.ID) != found {
				if time.Since(start) > time.Second {
					t.Fatalf("%s: %s on %s not within a second", what, query, addr)
				}
				time.Sleep(10 * time.Millisecond)
			}
		}
		t.Logf("%s: on both web processes after %v", what, time.Since(start).Round(time.Millisecond))
	}

	a, b := publish(), publish()
	within("published", "q="+word, a, true)
	within("published", "q="+word, b, true)

	var owner models.Ad
	s.db.First(&owner, a.ID)
	owner.Price = 900_000 // R$ 9.000
	if _, err := s.db.UpdateAd(ctx, &owner, nil); err != nil {
		t.Fatal(err)
	}
	within("a new price", "q="+word+"&preco_max=10000", a, true)

	if err := s.db.HideAd(ctx, owner.UserID, a.ID, "teste"); err != nil {
		t.Fatal(err)
	}
	within("hidden", "q="+word, a, false)

	if err := s.db.DeleteOwnAd(ctx, b.UserID, b.ID); err != nil {
		t.Fatal(err)
	}
	within("deleted", "q="+word, b, false)

	// A change nobody announces (the message lost): the catch-up brings
	// it within seconds.
	c := publish()
	within("published", "q="+word, c, true)
	silent, err := models.OpenMySQL(s.mysql)
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	if err := silent.HideAd(ctx, c.UserID, c.ID, "sem aviso"); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	for _, addr := range addrs {
		waitFor(t, "a change without a message caught up", 15*time.Second, func() bool { return !shows(t, addr, "q="+word, c.ID) })
	}
	t.Logf("a change without a message: gone from both after %v", time.Since(start).Round(time.Millisecond))

	work.stop()
	for _, w := range webs {
		w.stop()
	}
}

// shows reports whether the web process at addr lists the ad for the
// search query.
func shows(t *testing.T, addr, query string, id uint64) bool {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, "http://"+addr+"/motos?"+query, nil)
	req.Header.Set("HX-Request", "true")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("search %s: %d", query, resp.StatusCode)
	}
	return strings.Contains(string(body), fmt.Sprintf(`href="/anuncio/%d/`, id))
}
