package handlers

import (
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"motando/models"
)

// searchCache keeps the count and facet counts of recent searches for a
// short while: they cost grouped scans, and a person refining a search, or
// many people landing on the same one, would otherwise recompute them on
// every request.
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

// fragmentCache keeps the rendered results of recent searches for a few
// seconds, so that a popular search is rendered once per interval whatever
// the traffic; concurrent misses of one key render it once. The fragment
// holds nothing personal: the page around it is rendered per visitor.
type fragmentCache struct {
	ttl     time.Duration
	max     int
	group   singleflight.Group
	mu      sync.Mutex
	entries map[string]fragment
}

// fragment is a rendered results region and the count it shows.
type fragment struct {
	html  []byte
	total int64
	at    time.Time
}

func newFragmentCache(ttl time.Duration, max int) *fragmentCache {
	return &fragmentCache{ttl: ttl, max: max, entries: map[string]fragment{}}
}

// get returns the fragment of key. A missing one is rendered by make (once
// for concurrent callers); a stale one is returned as it is while make
// renders its successor in the background, so that no visitor waits for
// an expired entry.
func (c *fragmentCache) get(key string, make func() (fragment, error)) (fragment, error) {
	c.mu.Lock()
	f, ok := c.entries[key]
	c.mu.Unlock()
	if ok {
		if time.Since(f.at) > c.ttl {
			c.group.DoChan(key, func() (any, error) { return c.fill(key, make) })
		}
		return f, nil
	}
	v, err, _ := c.group.Do(key, func() (any, error) { return c.fill(key, make) })
	if err != nil {
		return fragment{}, err
	}
	return v.(fragment), nil
}

func (c *fragmentCache) fill(key string, make func() (fragment, error)) (fragment, error) {
	f, err := make()
	if err != nil {
		return f, err
	}
	f.at = time.Now()
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) >= c.max {
		for k, old := range c.entries {
			if time.Since(old.at) > 10*c.ttl || len(c.entries) >= c.max {
				delete(c.entries, k)
			}
		}
	}
	c.entries[key] = f
	return f, nil
}
