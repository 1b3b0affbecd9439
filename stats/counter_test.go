package stats

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"
)

// memoryStore keeps what the counter flushes, or refuses it.
type memoryStore struct {
	ads      map[AdDay]AdCounts
	searches map[SearchKey]SearchCounts
	refuse   bool
}

func (m *memoryStore) AddAdStats(_ context.Context, counts map[AdDay]AdCounts) error {
	if m.refuse {
		return errors.New("database down")
	}
	for k, v := range counts {
		n := m.ads[k]
		m.ads[k] = AdCounts{n.Views + v.Views, n.WhatsApp + v.WhatsApp, n.Phone + v.Phone}
	}
	return nil
}

func (m *memoryStore) AddSearchStats(_ context.Context, counts map[SearchKey]SearchCounts) error {
	if m.refuse {
		return errors.New("database down")
	}
	for k, v := range counts {
		n := m.searches[k]
		m.searches[k] = SearchCounts{n.Searches + v.Searches, n.Empty + v.Empty}
	}
	return nil
}

func TestCounterOncePerVisitorAndDay(t *testing.T) {
	store := &memoryStore{ads: map[AdDay]AdCounts{}, searches: map[SearchKey]SearchCounts{}}
	c := New(store)
	now := time.Date(2026, 12, 2, 23, 0, 0, 0, time.UTC) // 20:00 in Brasília
	c.now = func() time.Time { return now }
	for range 10 {
		c.Ad(7, View, "1.2.3.4|Firefox")
	}
	c.Ad(7, View, "1.2.3.4|Chrome") // another browser at the same address: another visitor
	c.Ad(7, WhatsApp, "1.2.3.4|Firefox")
	c.Ad(8, View, "1.2.3.4|Firefox")
	now = now.Add(4 * time.Hour) // past midnight in Brasília: a new day
	c.Ad(7, View, "1.2.3.4|Firefox")
	c.Search("1.2.3.4|Firefox", SearchKey{BrandID: 3}, true)
	c.Search("1.2.3.4|Chrome", SearchKey{BrandID: 3}, false)
	now = now.Add(typingPause)

	store.refuse = true
	if err := c.Flush(context.Background(), Settled); err == nil {
		t.Fatal("a refused flush says nothing")
	}
	store.refuse = false
	if err := c.Flush(context.Background(), Settled); err != nil {
		t.Fatal(err)
	}
	want := map[AdDay]AdCounts{
		{7, "2026-12-02"}: {Views: 2, WhatsApp: 1},
		{8, "2026-12-02"}: {Views: 1},
		{7, "2026-12-03"}: {Views: 1},
	}
	if fmt.Sprint(store.ads) != fmt.Sprint(want) {
		t.Errorf("flushed %v, want %v (the refused flush kept for the next)", store.ads, want)
	}
	if got := store.searches[SearchKey{Day: "2026-12-03", BrandID: 3}]; got != (SearchCounts{Searches: 2, Empty: 1}) {
		t.Errorf("searches %v", store.searches)
	}
}

func TestIsCrawler(t *testing.T) {
	for ua, want := range map[string]bool{
		"": true,
		"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)":  true,
		"facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)": true,
		"WhatsApp/2.23.20.0":   true,
		"curl/8.5.0":           true,
		"python-requests/2.31": true,
		"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0 Safari/537.36":                               true,
		"Mozilla/5.0 (Linux; Android 14; SM-A546E) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36":                      false,
		"Mozilla/5.0 (Linux; Android 10; CUBOT X30) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36":                     false,
		"Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)":                                                                        true,
		"Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)":                                                                              true,
		"Mozilla/5.0 (compatible; GoogleOther)":                                                                                                   true,
		"Mozilla/5.0 (compatible; Google-InspectionTool/1.0)":                                                                                     true,
		"FeedFetcher-Google; (+http://www.google.com/feedfetcher.html)":                                                                           true,
		"http.rb/5.1.1 (Mastodon/4.2.10; +https://mastodon.social/)":                                                                              true,
		"Iframely/1.3.1 (+https://iframely.com/docs/about)":                                                                                       true,
		"meta-externalagent/1.1 (+https://developers.facebook.com/docs/sharing/webmasters/crawler)":                                               true,
		"Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1": false,
	} {
		if got := IsCrawler(ua); got != want {
			t.Errorf("IsCrawler(%q) = %v, want %v", ua, got, want)
		}
	}
}

// BenchmarkAdView is what counting costs an ad page: a view of one of
// 100,000 ads by one of 50,000 visitors, different each time (a first view
// of the day, remembered).
func BenchmarkAdView(b *testing.B) {
	c := New(&memoryStore{})
	visitors := make([]string, 50_000)
	for i := range visitors {
		visitors[i] = fmt.Sprintf("10.%d.%d.%d|Mozilla/5.0 (Linux; Android 14) Chrome/131.0 Mobile Safari/537.36", i>>16, i>>8&255, i&255)
	}
	b.ResetTimer()
	for i := range b.N {
		c.Ad(uint64(i*7919%100_000), View, visitors[i%len(visitors)])
		if IsCrawler(visitors[i%len(visitors)]) {
			b.Fatal("a phone taken for a crawler")
		}
	}
}

// Words are whatever people type: past maxWordsPerDay different ones a
// day, new words count together, and memory and rows stay bounded.
func TestCounterBoundsWords(t *testing.T) {
	store := &memoryStore{ads: map[AdDay]AdCounts{}, searches: map[SearchKey]SearchCounts{}}
	c := New(store)
	for i := range maxWordsPerDay + 100 {
		c.Search(fmt.Sprint("visitante", i), SearchKey{Words: fmt.Sprintf("palavra%d", i)}, true)
	}
	c.Search("outra visitante", SearchKey{Words: "palavra7"}, true) // kept apart already
	if err := c.Flush(context.Background(), All); err != nil {
		t.Fatal(err)
	}
	if n := len(store.searches); n != maxWordsPerDay+1 {
		t.Errorf("%d rows, want %d words and the rest together", n, maxWordsPerDay+1)
	}
	day := Day(time.Now())
	if got := store.searches[SearchKey{Day: day, Words: OtherWords}]; got.Searches != 100 {
		t.Errorf("the rest together: %+v", got)
	}
	if got := store.searches[SearchKey{Day: day, Words: "palavra7"}]; got.Searches != 2 {
		t.Errorf("a word kept apart: %+v", got)
	}
}

// The search page asks as people type and pick filters: a burst of
// searches refining one another counts once, as its last; reloads count
// once a day; a different search, or the same after a pause, counts apart.
func TestCounterSearchesAsTyped(t *testing.T) {
	store := &memoryStore{ads: map[AdDay]AdCounts{}, searches: map[SearchKey]SearchCounts{}}
	c := New(store)
	now := time.Date(2026, 12, 2, 15, 0, 0, 0, time.UTC)
	c.now = func() time.Time { return now }
	step := func(k SearchKey, empty bool) {
		now = now.Add(time.Second)
		c.Search("ana", k, empty)
	}
	step(SearchKey{Words: "c"}, false)
	step(SearchKey{Words: "cg"}, false)
	step(SearchKey{Words: "cg 1"}, false)
	step(SearchKey{Words: "cg 16"}, false)
	step(SearchKey{BrandID: 1, ModelID: 2}, false)              // "cg 160": the words name Honda's CG 160
	step(SearchKey{BrandID: 1, ModelID: 2, StateID: 25}, false) // a state picked
	step(SearchKey{BrandID: 1, ModelID: 2, StateID: 25}, false) // reloaded
	if err := c.Flush(context.Background(), Settled); err != nil {
		t.Fatal(err)
	}
	if len(store.searches) != 0 {
		t.Fatalf("counted while still typing: %v", store.searches)
	}
	step(SearchKey{BrandID: 4}, true) // another search: the burst before counts
	now = now.Add(typingPause)
	step(SearchKey{BrandID: 1, ModelID: 2, StateID: 25}, false) // the same again, later: once a day
	step(SearchKey{BrandID: 4, StateID: 3}, true)               // Bruno's, another visitor
	c.Search("bruno", SearchKey{BrandID: 4, StateID: 3}, true)
	if err := c.Flush(context.Background(), All); err != nil {
		t.Fatal(err)
	}
	want := map[SearchKey]SearchCounts{
		{Day: "2026-12-02", BrandID: 1, ModelID: 2, StateID: 25}: {Searches: 1},
		{Day: "2026-12-02", BrandID: 4}:                          {Searches: 1, Empty: 1},
		{Day: "2026-12-02", BrandID: 4, StateID: 3}:              {Searches: 2, Empty: 2},
	}
	if fmt.Sprint(store.searches) != fmt.Sprint(want) {
		t.Errorf("counted %v, want %v", store.searches, want)
	}
}
