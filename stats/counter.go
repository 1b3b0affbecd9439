// Package stats counts what people do on the site without writing the
// database on each request: views of ad pages (people, not crawlers; one
// per visitor and ad a day), taps on an ad's WhatsApp and phone buttons,
// and searches with whether they found anything. Counts are held in
// memory and added to the database in batches (Flush, every few seconds
// and at shutdown); each process counts its own visitors, and the
// database sums the processes.
package stats

import (
	"context"
	"hash/maphash"
	"sync"
	"time"
)

// Event is what a visitor did on an ad.
type Event int

// Events counted per ad.
const (
	View Event = iota
	WhatsApp
	Phone
)

// AdCounts are the events of one ad on one day.
type AdCounts struct{ Views, WhatsApp, Phone int }

// AdDay names an ad on a day ("2026-12-02", Brasília time).
type AdDay struct {
	AdID uint64
	Day  string
}

// SearchKey is what a search looked for, as the admin groups searches:
// brand, model, state and words (folded); zero and "" are "any".
type SearchKey struct {
	Day     string
	BrandID uint32
	ModelID uint32
	StateID uint16
	Words   string
}

// SearchCounts are the searches of one key: how many, and how many found
// no ad.
type SearchCounts struct{ Searches, Empty int }

// Store receives the counts of a flush, adding them to what it has.
type Store interface {
	AddAdStats(ctx context.Context, counts map[AdDay]AdCounts) error
	AddSearchStats(ctx context.Context, counts map[SearchKey]SearchCounts) error
}

// maxSeen bounds the visitors remembered a day (16 bytes each): past it,
// views of visitors not seen yet are counted without being remembered.
const maxSeen = 1 << 20

// maxWordsPerDay bounds the different free-text searches a process keeps
// apart a day (words are whatever people type, and each kept apart is a
// row a day): past it, new words count together as OtherWords.
const maxWordsPerDay = 5000

// OtherWords stands for the words of the searches past maxWordsPerDay.
const OtherWords = "(outras palavras)"

// brasilia is the site's day: UTC−3 all year (no daylight saving since
// 2019).
var brasilia = time.FixedZone("BRT", -3*60*60)

// Counter holds the counts until the next flush. It is safe for
// concurrent use.
type Counter struct {
	store Store
	now   func() time.Time
	seed  maphash.Seed

	mu       sync.Mutex
	day      string
	dayEnds  time.Time           // when day ends
	seen     map[uint64]struct{} // hash of (event, ad, visitor) or (search, visitor) today
	words    map[string]struct{} // the searches' words kept apart today
	typing   map[uint64]typedSearch
	ads      map[AdDay]AdCounts
	searches map[SearchKey]SearchCounts
}

// New returns a counter that flushes into store.
func New(store Store) *Counter {
	return &Counter{store: store, now: time.Now, seed: maphash.MakeSeed(), seen: map[uint64]struct{}{},
		words: map[string]struct{}{}, typing: map[uint64]typedSearch{}, ads: map[AdDay]AdCounts{}, searches: map[SearchKey]SearchCounts{}}
}

// Day is the site's day of t, "2006-01-02" in Brasília time.
func Day(t time.Time) string { return t.In(brasilia).Format(time.DateOnly) }

// Ad counts an event of a visitor on an ad, once a day per visitor, ad
// and kind of event; visitor is who they are (an account, or an address
// and browser). It reports whether the event counted.
func (c *Counter) Ad(adID uint64, e Event, visitor string) bool {
	var h maphash.Hash
	h.SetSeed(c.seed)
	h.WriteByte(byte(e))
	writeUint(&h, adID)
	h.WriteString(visitor)
	key := h.Sum64()
	now := c.now()

	c.mu.Lock()
	defer c.mu.Unlock()
	c.turnDay(now)
	if !c.firstToday(key) {
		return false
	}
	k := AdDay{AdID: adID, Day: c.day}
	n := c.ads[k]
	switch e {
	case View:
		n.Views++
	case WhatsApp:
		n.WhatsApp++
	case Phone:
		n.Phone++
	}
	c.ads[k] = n
	return true
}

// firstToday tells whether key is new today, remembering it.
func (c *Counter) firstToday(key uint64) bool {
	if _, ok := c.seen[key]; ok {
		return false
	}
	if len(c.seen) < maxSeen {
		c.seen[key] = struct{}{}
	}
	return true
}

// writeUint writes n to h.
func writeUint(h *maphash.Hash, n uint64) {
	var b [8]byte
	for i := range b {
		b[i] = byte(n >> (8 * i))
	}
	h.Write(b[:])
}

// turnDay forgets the visitors and words of an earlier day when now is in
// a later one.
func (c *Counter) turnDay(now time.Time) {
	if c.day != "" && now.Before(c.dayEnds) {
		return
	}
	local := now.In(brasilia)
	c.day = local.Format(time.DateOnly)
	c.dayEnds = time.Date(local.Year(), local.Month(), local.Day()+1, 0, 0, 0, 0, brasilia)
	c.seen, c.words = map[uint64]struct{}{}, map[string]struct{}{}
}

// Flush adds the counts held to the store: the searches typed on at
// least typingPause ago, or all of them when the process stops (settle
// All). Counts the store refuses are kept for the next flush.
func (c *Counter) Flush(ctx context.Context, s Settle) error {
	c.mu.Lock()
	c.settle(c.now(), s)
	ads, searches := c.ads, c.searches
	c.ads, c.searches = map[AdDay]AdCounts{}, map[SearchKey]SearchCounts{}
	c.mu.Unlock()
	err := c.flush(ctx, ads, searches)
	if err != nil {
		c.mu.Lock()
		for k, v := range ads {
			n := c.ads[k]
			c.ads[k] = AdCounts{Views: n.Views + v.Views, WhatsApp: n.WhatsApp + v.WhatsApp, Phone: n.Phone + v.Phone}
		}
		for k, v := range searches {
			n := c.searches[k]
			c.searches[k] = SearchCounts{Searches: n.Searches + v.Searches, Empty: n.Empty + v.Empty}
		}
		c.mu.Unlock()
	}
	return err
}

func (c *Counter) flush(ctx context.Context, ads map[AdDay]AdCounts, searches map[SearchKey]SearchCounts) error {
	if len(ads) > 0 {
		if err := c.store.AddAdStats(ctx, ads); err != nil {
			return err
		}
		clear(ads)
	}
	if len(searches) > 0 {
		return c.store.AddSearchStats(ctx, searches)
	}
	return nil
}

// Run flushes every interval until ctx ends, then once more.
func (c *Counter) Run(ctx context.Context, every time.Duration, onError func(error)) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			flushCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			defer cancel()
			if err := c.Flush(flushCtx, All); err != nil {
				onError(err)
			}
			return
		case <-t.C:
			if err := c.Flush(ctx, Settled); err != nil {
				onError(err)
			}
		}
	}
}
