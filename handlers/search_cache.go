package handlers

import (
	"sync"
	"time"

	"motando/models"
)

// searchCache keeps the count and facet counts of recent searches for a
// short while: they cost grouped scans, and a person refining a search, or
// many people landing on the same one, would otherwise recompute them on
// every request. The results themselves are always read fresh.
type searchCache struct {
	ttl     time.Duration
	max     int
	mu      sync.Mutex
	entries map[string]searchCounts
}

// searchCounts is what the cache keeps per filter; the home page keeps only
// the total (facets nil).
type searchCounts struct {
	total  int64
	facets models.Facets
	at     time.Time
}

func newSearchCache(ttl time.Duration, max int) *searchCache {
	return &searchCache{ttl: ttl, max: max, entries: map[string]searchCounts{}}
}

func (c *searchCache) get(key string) (searchCounts, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if !ok || time.Since(e.at) > c.ttl {
		return searchCounts{}, false
	}
	return e, true
}

func (c *searchCache) put(key string, e searchCounts) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) >= c.max {
		for k, old := range c.entries {
			if time.Since(old.at) > c.ttl || len(c.entries) >= c.max {
				delete(c.entries, k)
			}
		}
	}
	e.at = time.Now()
	c.entries[key] = e
}
