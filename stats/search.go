package stats

import (
	"hash/maphash"
	"strings"
	"time"
)

// searchEvent marks a search among the events remembered a day.
const searchEvent = 255

// typingPause is how long a visitor's search waits to be counted: a next
// search of theirs within it that refines it (a word typed further, a
// filter added or taken off) takes its place, since the search page asks
// as people type and choose.
const typingPause = 20 * time.Second

// maxTyping bounds the visitors whose last search waits: past it, a
// search counts at once.
const maxTyping = 1 << 16

// typedSearch is a visitor's last search, waiting to be counted.
type typedSearch struct {
	key   SearchKey
	empty bool
	at    time.Time
}

// Settle says which waiting searches a flush counts.
type Settle bool

// What a flush counts of the searches waiting.
const (
	Settled Settle = false // those typed on at least typingPause ago
	All     Settle = true  // every one: the process is stopping
)

// Search counts a visitor's search and whether it found nothing; empty
// should be said only when the key alone explains it (no price, year or
// other filter narrowed it). A visitor's searches are counted once a day
// per key, and a burst of searches refining one another (typing, picking
// filters one after another) counts as its last.
func (c *Counter) Search(visitor string, k SearchKey, empty bool) {
	var h maphash.Hash
	h.SetSeed(c.seed)
	h.WriteByte(searchEvent)
	h.WriteString(visitor)
	who := h.Sum64()
	now := c.now()

	c.mu.Lock()
	defer c.mu.Unlock()
	c.turnDay(now)
	k.Day = c.day
	if last, ok := c.typing[who]; ok {
		if now.Sub(last.at) < typingPause && refines(last.key, k) {
			c.typing[who] = typedSearch{key: k, empty: empty, at: now}
			return
		}
		c.countSearch(who, last)
	}
	if len(c.typing) >= maxTyping {
		c.countSearch(who, typedSearch{key: k, empty: empty})
		return
	}
	c.typing[who] = typedSearch{key: k, empty: empty, at: now}
}

// refines tells whether b follows on from a as a search is made: a
// brand, model or state added or kept, words typed on or corrected, or
// words that became the brand or model they name ("cg 16", then "cg 160":
// Honda's CG 160). A filter or the words taken off or changed for others
// make another search.
func refines(a, b SearchKey) bool {
	if !kept(a.BrandID, b.BrandID) || !kept(a.ModelID, b.ModelID) || !kept(a.StateID, b.StateID) {
		return false
	}
	named := a.BrandID == 0 && b.BrandID != 0 || a.ModelID == 0 && b.ModelID != 0
	return a.Words == "" || named || b.Words != "" && (strings.HasPrefix(a.Words, b.Words) || strings.HasPrefix(b.Words, a.Words))
}

// kept tells whether a filter of a search is in the next: unset before, or
// the same.
func kept[T comparable](a, b T) bool {
	var zero T
	return a == zero || a == b
}

// settle counts the searches waiting that s says.
func (c *Counter) settle(now time.Time, s Settle) {
	for who, t := range c.typing {
		if s == All || now.Sub(t.at) >= typingPause {
			c.countSearch(who, t)
			delete(c.typing, who)
		}
	}
}

// countSearch counts a visitor's search unless they made it already
// today; its words are kept apart while fewer than maxWordsPerDay are.
func (c *Counter) countSearch(who uint64, t typedSearch) {
	k := t.key
	var h maphash.Hash
	h.SetSeed(c.seed)
	writeUint(&h, who)
	writeUint(&h, uint64(k.BrandID)<<32|uint64(k.ModelID))
	writeUint(&h, uint64(k.StateID))
	h.WriteString(k.Day)
	h.WriteString(k.Words)
	if !c.firstToday(h.Sum64()) {
		return
	}
	if _, ok := c.words[k.Words]; !ok && k.Words != "" {
		if len(c.words) >= maxWordsPerDay {
			k.Words = OtherWords
		} else {
			c.words[k.Words] = struct{}{}
		}
	}
	n := c.searches[k]
	n.Searches++
	if t.empty {
		n.Empty++
	}
	c.searches[k] = n
}
