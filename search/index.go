package search

import (
	"encoding/binary"
	"sync"
	"sync/atomic"
	"time"

	"github.com/RoaringBitmap/roaring/v2"
)

// Index is the in-memory search index of the listed ads. It is safe for
// concurrent use: searches share a read lock, changes take the write lock
// for microseconds per ad.
type Index struct {
	mu    sync.RWMutex
	ready atomic.Bool

	docs  []doc             // by slot
	slots map[uint64]uint32 // ad id → slot
	free  []uint32          // slots to reuse
	live  *roaring.Bitmap   // the slots in use

	brands   valueSets[uint32]
	models   valueSets[uint32]
	versions valueSets[uint32]
	states   valueSets[uint16]
	cities   valueSets[uint32]
	years    valueSets[uint16]
	types    valueSets[uint8]
	colors   valueSets[uint8]
	bands    valueSets[uint8]
	top      *roaring.Bitmap
	price    bitSlices
	km       bitSlices

	byPublished *ranking // (published, id): newest first read backwards
	byPrice     *ranking // (price, id)
	byKm        *ranking // (km, id)
	byYear      *ranking // (model year, published, id): newest year first read backwards

	typeCodes, colorCodes codes
	phrases               phraseWords
	names                 nameWords
	covers, words         arena // cover keys; phrase word ids
}

// doc is a listed ad in 72 bytes: the fields searches read, and offsets of
// its cover key and phrase words in the arenas.
type doc struct {
	id        uint64
	published int64 // Unix microseconds
	brand     uint32
	model     uint32
	version   uint32
	city      uint32
	price     uint32 // centavos
	km        uint32
	updated   uint32 // Unix seconds
	coverAt   uint32
	wordsAt   uint32
	state     uint16
	year      uint16
	fabYear   uint16
	coverW    uint16
	coverH    uint16
	wordsLen  uint16
	coverLen  uint16
	typ       uint8
	color     uint8
	flags     uint8
}

// Doc flags.
const (
	flagNew uint8 = 1 << iota
	flagTop
)

// New returns an empty index, not ready until the first load marks it so.
func New() *Index {
	ix := &Index{
		slots:  map[uint64]uint32{},
		live:   roaring.New(),
		top:    roaring.New(),
		brands: valueSets[uint32]{}, models: valueSets[uint32]{}, versions: valueSets[uint32]{},
		states: valueSets[uint16]{}, cities: valueSets[uint32]{}, years: valueSets[uint16]{},
		types: valueSets[uint8]{}, colors: valueSets[uint8]{}, bands: valueSets[uint8]{},
		phrases: phraseWords{ids: map[string]uint32{}},
	}
	d := func(s uint32) *doc { return &ix.docs[s] }
	ix.byPublished = newRanking(func(a, b uint32) bool {
		x, y := d(a), d(b)
		return x.published < y.published || x.published == y.published && x.id < y.id
	})
	ix.byPrice = newRanking(func(a, b uint32) bool {
		x, y := d(a), d(b)
		return x.price < y.price || x.price == y.price && x.id < y.id
	})
	ix.byKm = newRanking(func(a, b uint32) bool {
		x, y := d(a), d(b)
		return x.km < y.km || x.km == y.km && x.id < y.id
	})
	ix.byYear = newRanking(func(a, b uint32) bool {
		x, y := d(a), d(b)
		if x.year != y.year {
			return x.year < y.year
		}
		return x.published < y.published || x.published == y.published && x.id < y.id
	})
	return ix
}

// Ready reports whether the index holds the listed ads (its first load is
// done).
func (ix *Index) Ready() bool { return ix.ready.Load() }

// MarkReady records that the first load is done.
func (ix *Index) MarkReady() { ix.ready.Store(true) }

// Len is the number of ads in the index.
func (ix *Index) Len() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return len(ix.slots)
}

// Has reports whether the ad is in the index.
func (ix *Index) Has(id uint64) bool {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	_, ok := ix.slots[id]
	return ok
}

// IDs returns the ids of the ads in the index, in no order.
func (ix *Index) IDs() []uint64 {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	ids := make([]uint64, 0, len(ix.slots))
	for id := range ix.slots {
		ids = append(ids, id)
	}
	return ids
}

// bulkShare is the share of the index a batch must change for Apply to
// rebuild the rankings by sorting rather than move each ad in them.
const bulkShare = 8

// Apply puts the given ads in the index (adding them or replacing what it
// held of them) and takes out the removed ids (absent ones are ignored).
func (ix *Index) Apply(upserts []Doc, removed []uint64) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	bulk := len(upserts)+len(removed) > 1024 && (len(upserts)+len(removed))*bulkShare > len(ix.slots)
	newWords := len(ix.phrases.words)
	for _, id := range removed {
		if slot, ok := ix.slots[id]; ok {
			ix.unlink(slot, !bulk)
			delete(ix.slots, id)
			ix.docs[slot] = doc{}
			ix.free = append(ix.free, slot)
		}
	}
	for i := range upserts {
		ix.put(&upserts[i], !bulk)
	}
	ix.phrases.sortNew(newWords)
	if bulk {
		slots := ix.live.ToArray()
		var wg sync.WaitGroup
		for _, r := range []*ranking{ix.byPublished, ix.byPrice, ix.byKm, ix.byYear} {
			wg.Go(func() { r.build(slots) })
		}
		wg.Wait()
	}
	ix.compactArenas()
}

// put adds or replaces one ad; ranked says whether to keep the rankings
// (a bulk change rebuilds them afterwards).
func (ix *Index) put(d *Doc, ranked bool) {
	words := ix.phrases.encode(Words(d.Phrase))
	slot, exists := ix.slots[d.ID]
	if exists {
		if ix.same(slot, d, words) {
			return
		}
		ix.unlink(slot, ranked)
	} else if n := len(ix.free); n > 0 {
		slot, ix.free = ix.free[n-1], ix.free[:n-1]
	} else {
		slot = uint32(len(ix.docs))
		ix.docs = append(ix.docs, doc{})
	}
	ix.slots[d.ID] = slot
	c := ix.compact(d)
	at, n := ix.covers.put([]byte(d.Cover.Key[:min(len(d.Cover.Key), 1<<16-1)]))
	c.coverAt, c.coverLen = at, uint16(n)
	at, n = ix.words.put(words)
	c.wordsAt, c.wordsLen = at, uint16(n)
	ix.docs[slot] = c
	ix.link(slot, ranked)
}

// compact turns a Doc into its stored form, without the arena offsets.
func (ix *Index) compact(d *Doc) doc {
	c := doc{
		id: d.ID, published: d.PublishedAt.UnixMicro(),
		brand: d.BrandID, model: d.ModelID, version: d.VersionID, city: d.CityID, state: d.StateID,
		price: uint32(min(max(d.Price, 0), MaxPrice)), km: uint32(min(max(d.Mileage, 0), 1<<32-1)),
		updated: uint32(max(d.Updated.Unix(), 0)),
		year:    uint16(min(max(d.ModelYear, 0), 1<<16-1)), fabYear: uint16(min(max(d.FabricationYear, 0), 1<<16-1)),
		coverW: uint16(min(max(d.Cover.Width, 0), 1<<16-1)), coverH: uint16(min(max(d.Cover.Height, 0), 1<<16-1)),
		typ: ix.typeCodes.code(d.Type), color: ix.colorCodes.code(d.Color),
	}
	if d.IsNew {
		c.flags |= flagNew
	}
	if d.TopOffer {
		c.flags |= flagTop
	}
	return c
}

// same reports whether slot already holds d as it is.
func (ix *Index) same(slot uint32, d *Doc, words []byte) bool {
	old := ix.docs[slot]
	c := ix.compact(d)
	c.coverAt, c.coverLen, c.wordsAt, c.wordsLen = old.coverAt, old.coverLen, old.wordsAt, old.wordsLen
	return c == old && string(ix.covers.get(old.coverAt, uint32(old.coverLen))) == d.Cover.Key &&
		string(ix.words.get(old.wordsAt, uint32(old.wordsLen))) == string(words)
}

// link adds slot's doc to every bitmap and ranking.
func (ix *Index) link(slot uint32, ranked bool) {
	d := &ix.docs[slot]
	ix.live.Add(slot)
	ix.brands.add(d.brand, slot)
	ix.models.add(d.model, slot)
	if d.version != 0 {
		ix.versions.add(d.version, slot)
	}
	ix.states.add(d.state, slot)
	ix.cities.add(d.city, slot)
	ix.years.add(d.year, slot)
	ix.types.add(d.typ, slot)
	ix.colors.add(d.color, slot)
	ix.bands.add(priceBand(int64(d.price)), slot)
	if d.flags&flagTop != 0 {
		ix.top.Add(slot)
	}
	ix.price.set(slot, 0, uint64(d.price))
	ix.km.set(slot, 0, uint64(d.km))
	ix.eachWord(d, func(id uint32) { ix.phrases.postings[id].Add(slot) })
	if ranked {
		for _, r := range []*ranking{ix.byPublished, ix.byPrice, ix.byKm, ix.byYear} {
			r.insert(slot)
		}
	}
}

// unlink takes slot's doc out of every bitmap and ranking, and frees its
// arena bytes.
func (ix *Index) unlink(slot uint32, ranked bool) {
	d := &ix.docs[slot]
	if ranked {
		for _, r := range []*ranking{ix.byPublished, ix.byPrice, ix.byKm, ix.byYear} {
			r.remove(slot)
		}
	}
	ix.live.Remove(slot)
	ix.brands.remove(d.brand, slot)
	ix.models.remove(d.model, slot)
	ix.versions.remove(d.version, slot)
	ix.states.remove(d.state, slot)
	ix.cities.remove(d.city, slot)
	ix.years.remove(d.year, slot)
	ix.types.remove(d.typ, slot)
	ix.colors.remove(d.color, slot)
	ix.bands.remove(priceBand(int64(d.price)), slot)
	ix.top.Remove(slot)
	ix.price.set(slot, uint64(d.price), 0)
	ix.km.set(slot, uint64(d.km), 0)
	ix.eachWord(d, func(id uint32) { ix.phrases.postings[id].Remove(slot) })
	ix.covers.drop(uint32(d.coverLen))
	ix.words.drop(uint32(d.wordsLen))
}

// eachWord calls fn with the ids of the doc's phrase words.
func (ix *Index) eachWord(d *doc, fn func(id uint32)) {
	b := ix.words.get(d.wordsAt, uint32(d.wordsLen))
	for len(b) > 0 {
		id, n := binary.Uvarint(b)
		fn(uint32(id))
		b = b[n:]
	}
}

// compactArenas rewrites the arenas when more than half of them is
// garbage left by changed and removed ads.
func (ix *Index) compactArenas() {
	for _, a := range []struct {
		arena    *arena
		at       func(d *doc) *uint32
		length   func(d *doc) uint32
		minBytes int
	}{
		{&ix.covers, func(d *doc) *uint32 { return &d.coverAt }, func(d *doc) uint32 { return uint32(d.coverLen) }, 1 << 20},
		{&ix.words, func(d *doc) *uint32 { return &d.wordsAt }, func(d *doc) uint32 { return uint32(d.wordsLen) }, 1 << 20},
	} {
		if a.arena.garbage < a.minBytes || a.arena.garbage*2 < len(a.arena.data) {
			continue
		}
		fresh := arena{data: make([]byte, 0, len(a.arena.data)-a.arena.garbage)}
		for _, slot := range ix.slots {
			d := &ix.docs[slot]
			*a.at(d), _ = fresh.put(a.arena.get(*a.at(d), a.length(d)))
		}
		*a.arena = fresh
	}
}

// unixMicro turns stored microseconds back into a time.
func unixMicro(us int64) time.Time { return time.UnixMicro(us).UTC() }

// export turns a stored doc back into a Doc (without its phrase).
func (ix *Index) export(slot uint32) Doc {
	d := &ix.docs[slot]
	out := Doc{
		ID: d.id, BrandID: d.brand, ModelID: d.model, VersionID: d.version, StateID: d.state, CityID: d.city,
		Type: ix.typeCodes.name(d.typ), Color: ix.colorCodes.name(d.color),
		FabricationYear: int(d.fabYear), ModelYear: int(d.year), Mileage: int(d.km),
		IsNew: d.flags&flagNew != 0, TopOffer: d.flags&flagTop != 0,
		Price: int64(d.price), PublishedAt: unixMicro(d.published), Updated: time.Unix(int64(d.updated), 0).UTC(),
		Cover: Photo{Key: string(ix.covers.get(d.coverAt, uint32(d.coverLen))), Width: int(d.coverW), Height: int(d.coverH)},
	}
	return out
}

// valueSets is a bitmap of slots per value of a field; a value no listed
// ad has has no bitmap.
type valueSets[K comparable] map[K]*roaring.Bitmap

func (v valueSets[K]) add(k K, slot uint32) {
	b := v[k]
	if b == nil {
		b = roaring.New()
		v[k] = b
	}
	b.Add(slot)
}

func (v valueSets[K]) remove(k K, slot uint32) {
	if b := v[k]; b != nil {
		b.Remove(slot)
		if b.IsEmpty() {
			delete(v, k)
		}
	}
}

// get returns the bitmap of k, empty when no ad has it.
func (v valueSets[K]) get(k K) *roaring.Bitmap {
	if b := v[k]; b != nil {
		return b
	}
	return roaring.New()
}

// codes numbers the values of a short text field (style, colour) from 1;
// 0 is the empty value. Past 255 values the rest share code 255.
type codes struct {
	ids   map[string]uint8
	names []string
}

func (c *codes) code(s string) uint8 {
	if s == "" {
		return 0
	}
	if id, ok := c.ids[s]; ok {
		return id
	}
	if len(c.names) >= 255 {
		return 255
	}
	if c.ids == nil {
		c.ids = map[string]uint8{}
	}
	c.names = append(c.names, s)
	id := uint8(len(c.names))
	c.ids[s] = id
	return id
}

// lookup returns the code of s without adding it.
func (c *codes) lookup(s string) (uint8, bool) {
	id, ok := c.ids[s]
	return id, ok
}

func (c *codes) name(id uint8) string {
	if id == 0 || int(id) > len(c.names) {
		return ""
	}
	return c.names[id-1]
}

// arena keeps variable-length bytes of every doc in one slice, so that a
// doc holds an offset instead of a pointer; the bytes of changed and removed
// docs are garbage until the next compaction.
type arena struct {
	data    []byte
	garbage int
}

func (a *arena) put(b []byte) (at, n uint32) {
	at = uint32(len(a.data))
	a.data = append(a.data, b...)
	return at, uint32(len(b))
}

func (a *arena) get(at, n uint32) []byte { return a.data[at : at+n] }

func (a *arena) drop(n uint32) { a.garbage += int(n) }
