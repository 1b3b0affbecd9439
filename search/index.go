package search

import (
	"encoding/binary"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/RoaringBitmap/roaring/v2"
)

// Index is the in-memory search index of the listed ads. It is safe for
// concurrent use: searches share a read lock, changes take the write lock
// for microseconds per ad.
type Index struct {
	mu      sync.RWMutex
	ready   atomic.Bool
	running chan struct{} // one token per search running, at most one per core

	slots idTable         // ad id → slot
	free  []uint32        // slots to reuse
	live  *roaring.Bitmap // the slots in use
	docs  []doc           // by slot: what cards show
	cols  columns         // by slot: what filters, facets and orders read

	brands   valueSets[uint32]
	models   valueSets[uint32]
	versions valueSets[uint32]
	states   valueSets[uint16]
	cities   valueSets[uint32]
	years    valueSets[uint16]
	types    valueSets[uint8]
	colors   valueSets[uint8]
	bands    valueSets[uint8] // price band: from the band's price up to the next band's
	edges    valueSets[uint8] // price exactly a band's start (band ≥ 1), which the band before counts too
	top      *roaring.Bitmap
	rate     ratings // the fair-price ratings (rating.go)

	byPublished *ranking // (published, id): newest first read backwards
	byPrice     *ranking // (price, id)
	byKm        *ranking // (km, id)
	byYear      *ranking // (model year, published, id): newest year first read backwards

	typeCodes, colorCodes codes
	phrases               phraseWords
	names                 nameWords
	catalog               catalogTree
	covers, words         arena // cover keys; phrase word ids
}

// doc is what a card shows of a listed ad beyond its columns, in 48 bytes,
// with the offsets of its cover key and phrase words in the arenas.
type doc struct {
	id        uint64
	published int64  // Unix microseconds
	updated   uint32 // Unix seconds
	dropFrom  uint32 // centavos: the price before its latest reductions; 0 without
	dropped   uint32 // Unix seconds of the latest reduction
	coverAt   uint32
	wordsAt   uint32
	fabYear   uint16
	coverW    uint16
	coverH    uint16
	wordsLen  uint16
	coverLen  uint16
	flags     uint8
}

// columns are the fields searches read for many ads at once, one slice
// each, so that reading one field of thousands of ads stays in the cache.
type columns struct {
	price   []uint32 // centavos
	km      []uint32
	brand   []uint32
	model   []uint32
	version []uint32
	city    []uint32
	year    []uint16
	state   []uint16
	typ     []uint8
	color   []uint8

	// The ranges of the values seen (never narrowed), which size the
	// facet counters.
	maxBrand         uint32
	maxState         uint16
	minYear, maxYear uint16
}

// row is one slot's values across the columns.
type row struct {
	price, km, brand, model, version, city uint32
	year, state                            uint16
	typ, color                             uint8
}

func (c *columns) get(slot uint32) row {
	return row{c.price[slot], c.km[slot], c.brand[slot], c.model[slot], c.version[slot], c.city[slot],
		c.year[slot], c.state[slot], c.typ[slot], c.color[slot]}
}

func (c *columns) set(slot uint32, r row) {
	c.price[slot], c.km[slot], c.brand[slot], c.model[slot], c.version[slot], c.city[slot] = r.price, r.km, r.brand, r.model, r.version, r.city
	c.year[slot], c.state[slot], c.typ[slot], c.color[slot] = r.year, r.state, r.typ, r.color
	if r == (row{}) {
		return
	}
	c.maxBrand, c.maxState = max(c.maxBrand, r.brand), max(c.maxState, r.state)
	if c.maxYear == 0 {
		c.minYear = r.year
	}
	c.minYear, c.maxYear = min(c.minYear, r.year), max(c.maxYear, r.year)
}

func (c *columns) grow() {
	c.price, c.km, c.brand = append(c.price, 0), append(c.km, 0), append(c.brand, 0)
	c.model, c.version, c.city = append(c.model, 0), append(c.version, 0), append(c.city, 0)
	c.year, c.state, c.typ, c.color = append(c.year, 0), append(c.state, 0), append(c.typ, 0), append(c.color, 0)
}

// Doc flags.
const (
	flagNew uint8 = 1 << iota
	flagTop
)

// New returns an empty index, not ready until the first load marks it so.
func New() *Index {
	ix := &Index{
		running: make(chan struct{}, runtime.GOMAXPROCS(0)),
		live:    roaring.New(), top: roaring.New(),
		rate:   ratings{good: roaring.New(), touched: roaring.New()},
		brands: valueSets[uint32]{}, models: valueSets[uint32]{}, versions: valueSets[uint32]{},
		states: valueSets[uint16]{}, cities: valueSets[uint32]{}, years: valueSets[uint16]{},
		types: valueSets[uint8]{}, colors: valueSets[uint8]{}, bands: valueSets[uint8]{}, edges: valueSets[uint8]{},
		phrases: phraseWords{ids: map[string]uint32{}},
	}
	published := func(a, b uint32) bool {
		x, y := &ix.docs[a], &ix.docs[b]
		return x.published < y.published || x.published == y.published && x.id < y.id
	}
	ix.byPublished = newRanking(published)
	ix.byPrice = newRanking(func(a, b uint32) bool {
		x, y := ix.cols.price[a], ix.cols.price[b]
		return x < y || x == y && ix.docs[a].id < ix.docs[b].id
	})
	ix.byKm = newRanking(func(a, b uint32) bool {
		x, y := ix.cols.km[a], ix.cols.km[b]
		return x < y || x == y && ix.docs[a].id < ix.docs[b].id
	})
	ix.byYear = newRanking(func(a, b uint32) bool {
		x, y := ix.cols.year[a], ix.cols.year[b]
		return x < y || x == y && published(a, b)
	})
	return ix
}

// Ready reports whether the index holds the listed ads (its first load is
// done).
func (ix *Index) Ready() bool { return ix.ready.Load() }

// MarkReady records that the first load is done: the orders are sorted
// once, and from now on every change keeps them; the fair-price ratings
// are computed.
func (ix *Index) MarkReady() {
	ix.mu.Lock()
	if ix.ready.Load() {
		ix.mu.Unlock()
		return
	}
	ix.rank()
	ix.ready.Store(true)
	ix.mu.Unlock()
	ix.RecomputeRatings()
}

// rank sorts every ranking anew, in parallel.
func (ix *Index) rank() {
	slots := ix.live.ToArray()
	var wg sync.WaitGroup
	for _, r := range ix.rankings() {
		wg.Go(func() { r.build(slots) })
	}
	wg.Wait()
}

func (ix *Index) rankings() []*ranking {
	return []*ranking{ix.byPublished, ix.byPrice, ix.byKm, ix.byYear}
}

// Len is the number of ads in the index.
func (ix *Index) Len() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.slots.n
}

// Has reports whether the ad is in the index.
func (ix *Index) Has(id uint64) bool {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	_, ok := ix.slots.get(id)
	return ok
}

// IDs returns the ids of the ads in the index, in no order.
func (ix *Index) IDs() []uint64 {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	ids := make([]uint64, 0, ix.slots.n)
	it := ix.live.Iterator()
	for it.HasNext() {
		ids = append(ids, ix.docs[it.Next()].id)
	}
	return ids
}

// bulkShare is the share of the index a batch must change for Apply to
// sort the rankings anew rather than move each ad in them.
const bulkShare = 8

// Apply puts the given ads in the index (adding them or replacing what it
// held of them) and takes out the removed ids (absent ones are ignored).
// Before the index is ready (its first load), the rankings wait for
// MarkReady.
func (ix *Index) Apply(upserts []Doc, removed []uint64) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	n := len(upserts) + len(removed)
	bulk := n > 1024 && n*bulkShare > ix.slots.n
	ranked := ix.ready.Load() && !bulk
	newWords := len(ix.phrases.words)
	for _, id := range removed {
		if slot, ok := ix.slots.get(id); ok {
			ix.unlink(slot, ranked)
			ix.slots.del(id)
			ix.docs[slot] = doc{}
			ix.cols.set(slot, row{})
			ix.free = append(ix.free, slot)
		}
	}
	for i := range upserts {
		ix.put(&upserts[i], ranked)
	}
	ix.phrases.sortNew(newWords)
	if bulk && ix.ready.Load() {
		ix.rank()
	}
	ix.compactArenas()
	ix.ratingsChanged()
}

// put adds or replaces one ad; ranked says whether to keep the rankings
// (otherwise they are sorted anew afterwards).
func (ix *Index) put(d *Doc, ranked bool) {
	words := ix.phrases.encode(Words(d.Phrase))
	c, r := ix.compact(d)
	slot, exists := ix.slots.get(d.ID)
	if exists {
		if ix.same(slot, c, r, d.Cover.Key, words) {
			return
		}
		ix.unlink(slot, ranked)
	} else if n := len(ix.free); n > 0 {
		slot, ix.free = ix.free[n-1], ix.free[:n-1]
	} else {
		slot = uint32(len(ix.docs))
		ix.docs = append(ix.docs, doc{})
		ix.cols.grow()
	}
	ix.slots.set(d.ID, slot)
	at, n := ix.covers.put([]byte(d.Cover.Key[:min(len(d.Cover.Key), 1<<16-1)]))
	c.coverAt, c.coverLen = at, uint16(n)
	at, n = ix.words.put(words)
	c.wordsAt, c.wordsLen = at, uint16(n)
	ix.docs[slot] = c
	ix.cols.set(slot, r)
	ix.link(slot, ranked)
}

// compact turns a Doc into its stored form, without the arena offsets.
func (ix *Index) compact(d *Doc) (doc, row) {
	clamp16 := func(v int) uint16 { return uint16(min(max(v, 0), 1<<16-1)) }
	c := doc{
		id: d.ID, published: d.PublishedAt.UnixMicro(), updated: uint32(max(d.Updated.Unix(), 0)),
		fabYear: clamp16(d.FabricationYear), coverW: clamp16(d.Cover.Width), coverH: clamp16(d.Cover.Height),
	}
	if d.PriceDropFrom > d.Price && !d.PriceDroppedAt.IsZero() {
		c.dropFrom, c.dropped = uint32(min(d.PriceDropFrom, MaxPrice)), uint32(max(d.PriceDroppedAt.Unix(), 0))
	}
	if d.IsNew {
		c.flags |= flagNew
	}
	if d.TopOffer {
		c.flags |= flagTop
	}
	r := row{
		price: uint32(min(max(d.Price, 0), MaxPrice)), km: uint32(min(max(d.Mileage, 0), 1<<32-1)),
		brand: d.BrandID, model: d.ModelID, version: d.VersionID, city: d.CityID,
		year: clamp16(d.ModelYear), state: d.StateID, typ: ix.typeCodes.code(d.Type), color: ix.colorCodes.code(d.Color),
	}
	return c, r
}

// same reports whether slot already holds the ad as it is.
func (ix *Index) same(slot uint32, c doc, r row, cover string, words []byte) bool {
	old := ix.docs[slot]
	c.coverAt, c.coverLen, c.wordsAt, c.wordsLen = old.coverAt, old.coverLen, old.wordsAt, old.wordsLen
	return c == old && r == ix.cols.get(slot) && string(ix.covers.get(old.coverAt, uint32(old.coverLen))) == cover &&
		string(ix.words.get(old.wordsAt, uint32(old.wordsLen))) == string(words)
}

// link adds slot's ad to every bitmap, and to the rankings when ranked.
func (ix *Index) link(slot uint32, ranked bool) {
	d, r := &ix.docs[slot], ix.cols.get(slot)
	ix.live.Add(slot)
	ix.brands.add(r.brand, slot)
	ix.models.add(r.model, slot)
	if r.version != 0 {
		ix.versions.add(r.version, slot)
	}
	ix.states.add(r.state, slot)
	ix.cities.add(r.city, slot)
	ix.years.add(r.year, slot)
	ix.types.add(r.typ, slot)
	ix.colors.add(r.color, slot)
	ix.bands.add(priceBand(int64(r.price)), slot)
	if b := priceBand(int64(r.price)); b > 0 && int64(r.price) == PriceBands[b] {
		ix.edges.add(b, slot)
	}
	if d.flags&flagTop != 0 {
		ix.top.Add(slot)
	}
	ix.touch(slot)
	ix.eachWord(d, func(id uint32) { ix.phrases.postings[id].Add(slot) })
	if ranked {
		for _, rk := range ix.rankings() {
			rk.insert(slot)
		}
	}
}

// unlink takes slot's ad out of every bitmap and ranking, and frees its
// arena bytes.
func (ix *Index) unlink(slot uint32, ranked bool) {
	d, r := &ix.docs[slot], ix.cols.get(slot)
	if ranked {
		for _, rk := range ix.rankings() {
			rk.remove(slot)
		}
	}
	ix.live.Remove(slot)
	ix.brands.remove(r.brand, slot)
	ix.models.remove(r.model, slot)
	ix.versions.remove(r.version, slot)
	ix.states.remove(r.state, slot)
	ix.cities.remove(r.city, slot)
	ix.years.remove(r.year, slot)
	ix.types.remove(r.typ, slot)
	ix.colors.remove(r.color, slot)
	ix.bands.remove(priceBand(int64(r.price)), slot)
	ix.edges.remove(priceBand(int64(r.price)), slot)
	ix.top.Remove(slot)
	ix.touch(slot)
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
		arena  *arena
		at     func(d *doc) *uint32
		length func(d *doc) uint32
	}{
		{&ix.covers, func(d *doc) *uint32 { return &d.coverAt }, func(d *doc) uint32 { return uint32(d.coverLen) }},
		{&ix.words, func(d *doc) *uint32 { return &d.wordsAt }, func(d *doc) uint32 { return uint32(d.wordsLen) }},
	} {
		if a.arena.garbage < 1<<20 || a.arena.garbage*2 < len(a.arena.data) {
			continue
		}
		fresh := arena{data: make([]byte, 0, len(a.arena.data)-a.arena.garbage)}
		it := ix.live.Iterator()
		for it.HasNext() {
			d := &ix.docs[it.Next()]
			*a.at(d), _ = fresh.put(a.arena.get(*a.at(d), a.length(d)))
		}
		*a.arena = fresh
	}
}

// unixMicro turns stored microseconds back into a time.
func unixMicro(us int64) time.Time { return time.UnixMicro(us).UTC() }

// export turns a stored ad back into a Doc (without its phrase).
func (ix *Index) export(slot uint32) Doc {
	d, r := &ix.docs[slot], ix.cols.get(slot)
	e := Doc{
		ID: d.id, BrandID: r.brand, ModelID: r.model, VersionID: r.version, StateID: r.state, CityID: r.city,
		Type: ix.typeCodes.name(r.typ), Color: ix.colorCodes.name(r.color),
		FabricationYear: int(d.fabYear), ModelYear: int(r.year), Mileage: int(r.km),
		IsNew: d.flags&flagNew != 0, TopOffer: d.flags&flagTop != 0,
		Price: int64(r.price), PublishedAt: unixMicro(d.published), Updated: time.Unix(int64(d.updated), 0).UTC(),
		Cover: Photo{Key: string(ix.covers.get(d.coverAt, uint32(d.coverLen))), Width: int(d.coverW), Height: int(d.coverH)},
	}
	if d.dropFrom != 0 {
		e.PriceDropFrom, e.PriceDroppedAt = int64(d.dropFrom), time.Unix(int64(d.dropped), 0).UTC()
	}
	return e
}

// idTable maps ad ids to slots in pages of 4,096 ids: ids are handed out
// in order, so the ads of a page are mostly listed together, and a page
// whose ads are all gone is freed. About 4 bytes per id, a tenth of a map.
type idTable struct {
	pages map[uint64]*idPage
	n     int
}

type idPage struct {
	slot [4096]uint32 // slot+1; 0: absent
	n    int
}

func (t *idTable) get(id uint64) (uint32, bool) {
	p := t.pages[id>>12]
	if p == nil || p.slot[id&4095] == 0 {
		return 0, false
	}
	return p.slot[id&4095] - 1, true
}

func (t *idTable) set(id uint64, slot uint32) {
	if t.pages == nil {
		t.pages = map[uint64]*idPage{}
	}
	p := t.pages[id>>12]
	if p == nil {
		p = &idPage{}
		t.pages[id>>12] = p
	}
	if p.slot[id&4095] == 0 {
		p.n++
		t.n++
	}
	p.slot[id&4095] = slot + 1
}

func (t *idTable) del(id uint64) {
	p := t.pages[id>>12]
	if p == nil || p.slot[id&4095] == 0 {
		return
	}
	p.slot[id&4095] = 0
	p.n--
	t.n--
	if p.n == 0 {
		delete(t.pages, id>>12)
	}
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
