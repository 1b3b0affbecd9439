package search

import (
	"slices"
	"strings"
	"sync"

	"github.com/RoaringBitmap/roaring/v2"
)

// Matcher holds saved searches' filters and finds those a newly published
// ad passes, for the alerts: the index turned around, the searches kept and
// an ad asked for.
//
// A saved search passes an ad exactly when a search with its filter finds
// the ad in an index holding it alone (with the same names): the most
// specific of brand, model and version counts, a city before a state, an
// unknown style or colour keeps nothing, a price, model year or km bound of
// 0 is open, and every free-text word but the last matches a whole word of
// the ad's sales phrase or brand, model, version and city names, the last a
// word starting with it. TopOffer, and any other rating of an ad against
// the listed ones, is ignored: a rating depends on the other ads and
// changes after publication, so an alert tells of what the ad is, not of
// how it ranks.
//
// It is safe for concurrent use: Match shares a read lock, Put, Remove and
// SetNames take the write lock.
//
// Each saved search has a slot. Each equality filter (catalog, place,
// style, colour) keeps a bitmap of slots per value asked for and one of the
// slots leaving it open, so an ad's candidates are the intersection, field
// by field, of the open slots and those of the ad's values. A search with
// free text is kept under one of its words (its longest whole word, else
// its prefix), so only those whose word the ad has are read, and then
// checked on all their words. The ranges are checked per candidate, on 16
// bytes a slot.
type Matcher struct {
	mu    sync.RWMutex
	slots map[uint64]uint32 // saved search id → slot
	free  []uint32          // slots to reuse
	ids   []uint64          // by slot
	keys  []savedKeys       // by slot: its catalog and place values
	spans []savedSpans      // by slot: its ranges

	catalog, place valueField[uint64]
	style, colour  valueField[string]
	looks          map[uint32][2]string // the style and colour of the slots with either

	texts     map[uint32]savedText // the free text of the slots with some
	withText  *roaring.Bitmap      // those slots
	wholeKey  valueSets[string]    // slots by the whole word they are kept under
	prefixKey valueSets[string]    // slots by the prefix they are kept under

	names [nameCity + 1]map[uint32][]string // by name kind and id: the name's words
}

// savedKeys are a slot's catalog and place values (catalogKey, placeKey;
// 0: open), which its removal takes it out of.
type savedKeys struct {
	catalog, place uint64
}

// savedSpans are a slot's ranges as the index's columns hold them, each
// bound inclusive and 0 open.
type savedSpans struct {
	priceLo, priceHi uint32 // centavos
	kmHi             uint32
	yearLo, yearHi   uint16
}

// savedText is a slot's free text: whole words, sorted, then the prefix
// the last word asks for when no whole word already starts with it.
type savedText struct {
	words  []string
	prefix bool // the last word is a prefix
}

// valueField is the slots of one equality filter: a bitmap per value asked
// for, and the slots leaving the field open (the zero value).
type valueField[K comparable] struct {
	open *roaring.Bitmap
	sets valueSets[K]
}

// Catalog and place kinds, the high half of their keys.
const (
	keyBrand = 1 + iota
	keyModel
	keyVersion
)

const (
	keyState = 1 + iota
	keyCity
)

// NewMatcher returns a matcher holding no saved search.
func NewMatcher() *Matcher {
	return &Matcher{
		slots:   map[uint64]uint32{},
		catalog: newValueField[uint64](), place: newValueField[uint64](),
		style: newValueField[string](), colour: newValueField[string](),
		looks: map[uint32][2]string{}, texts: map[uint32]savedText{}, withText: roaring.New(),
		wholeKey: valueSets[string]{}, prefixKey: valueSets[string]{},
	}
}

// SetNames replaces the catalog and city names free text matches besides
// the sales phrase, as Index.SetNames does for searches.
func (m *Matcher) SetNames(n Names) {
	var names [nameCity + 1]map[uint32][]string
	for kind, byID := range [...]map[uint32]string{nameBrand: n.Brands, nameModel: n.Models, nameVersion: n.Versions, nameCity: n.Cities} {
		names[kind] = make(map[uint32][]string, len(byID))
		for id, name := range byID {
			names[kind][id] = Words(name)
		}
	}
	m.mu.Lock()
	m.names = names
	m.mu.Unlock()
}

// Len is the number of saved searches held.
func (m *Matcher) Len() int {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return len(m.slots)
}

// Put adds the saved search id with filter f, or replaces its filter.
func (m *Matcher) Put(id uint64, f Filter) {
	spans, possible := spansOf(&f)
	text, hasText := textOf(f.Words)
	m.mu.Lock()
	defer m.mu.Unlock()
	slot, exists := m.slots[id]
	switch {
	case exists:
		m.unlink(slot)
	case len(m.free) > 0:
		slot, m.free = m.free[len(m.free)-1], m.free[:len(m.free)-1]
	default:
		slot = uint32(len(m.ids))
		m.ids, m.keys, m.spans = append(m.ids, 0), append(m.keys, savedKeys{}), append(m.spans, savedSpans{})
	}
	m.slots[id], m.ids[slot], m.spans[slot], m.keys[slot] = slot, id, spans, savedKeys{}
	if possible { // a search no ad can pass is held under no value
		m.link(slot, &f, text, hasText)
	}
}

// Remove takes out the saved search id; an absent id is ignored.
func (m *Matcher) Remove(id uint64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	slot, ok := m.slots[id]
	if !ok {
		return
	}
	m.unlink(slot)
	delete(m.slots, id)
	m.ids[slot], m.keys[slot], m.spans[slot] = 0, savedKeys{}, savedSpans{}
	m.free = append(m.free, slot)
}

// link puts slot under the values of its filter.
func (m *Matcher) link(slot uint32, f *Filter, text savedText, hasText bool) {
	k := savedKeys{catalog: catalogKey(f.VersionID, f.ModelID, f.BrandID), place: placeKey(f.CityID, f.StateID)}
	m.keys[slot] = k
	m.catalog.add(k.catalog, slot)
	m.place.add(k.place, slot)
	m.style.add(f.Type, slot)
	m.colour.add(f.Color, slot)
	if f.Type != "" || f.Color != "" {
		m.looks[slot] = [2]string{f.Type, f.Color}
	}
	if hasText {
		m.texts[slot] = text
		m.withText.Add(slot)
		m.keyOf(text).add(text.key(), slot)
	}
}

// unlink takes slot out from under every value.
func (m *Matcher) unlink(slot uint32) {
	k := m.keys[slot]
	m.catalog.remove(k.catalog, slot)
	m.place.remove(k.place, slot)
	look := m.looks[slot]
	delete(m.looks, slot)
	m.style.remove(look[0], slot)
	m.colour.remove(look[1], slot)
	if text, ok := m.texts[slot]; ok {
		delete(m.texts, slot)
		m.withText.Remove(slot)
		m.keyOf(text).remove(text.key(), slot)
	}
}

// keyOf returns the sets a text is kept in: by whole word, or by prefix.
func (m *Matcher) keyOf(t savedText) valueSets[string] {
	if t.prefix && len(t.words) == 1 {
		return m.prefixKey
	}
	return m.wholeKey
}

// Match returns the ids of the saved searches the ad passes, ascending.
func (m *Matcher) Match(d *Doc) []uint64 {
	m.mu.RLock()
	defer m.mu.RUnlock()
	cands := m.catalog.candidates(catalogKey(d.VersionID, 0, 0), catalogKey(0, d.ModelID, 0), catalogKey(0, 0, d.BrandID))
	m.place.narrow(cands, placeKey(d.CityID, 0), placeKey(0, d.StateID))
	m.style.narrow(cands, d.Type)
	m.colour.narrow(cands, d.Color)
	if cands.IsEmpty() {
		return nil
	}
	v := valuesOf(d)
	var out []uint64
	if !m.withText.IsEmpty() {
		words := m.adWords(d)
		texts := m.keyed(words)
		texts.And(cands)
		cands.AndNot(m.withText)
		out = m.collect(out, texts, func(slot uint32) bool { return m.spans[slot].pass(v) && m.texts[slot].pass(words) })
	}
	out = m.collect(out, cands, func(slot uint32) bool { return m.spans[slot].pass(v) })
	slices.Sort(out)
	return out
}

// collect appends the ids of the slots of set that pass.
func (m *Matcher) collect(out []uint64, set *roaring.Bitmap, pass func(slot uint32) bool) []uint64 {
	eachRun(set, func(slots []uint32) {
		for _, slot := range slots {
			if pass(slot) {
				out = append(out, m.ids[slot])
			}
		}
	})
	return out
}

// adWords returns the words free text finds the ad by, sorted, each once:
// its sales phrase's (as many as the index keeps) and its names'.
func (m *Matcher) adWords(d *Doc) []string {
	words := Words(d.Phrase)
	words = words[:min(len(words), maxPhraseWords)]
	for kind, id := range [...]uint32{nameBrand: d.BrandID, nameModel: d.ModelID, nameVersion: d.VersionID, nameCity: d.CityID} {
		if kind != int(nameVersion) || id != 0 { // as the index, which keeps no ad under version 0
			words = append(words, m.names[kind][id]...)
		}
	}
	slices.Sort(words)
	return slices.Compact(words)
}

// keyed returns the slots kept under one of the ad's words (sorted) or a
// prefix of one. Each prefix is looked up once: those a word shares with
// the one before it were looked up for that one.
func (m *Matcher) keyed(words []string) *roaring.Bitmap {
	var sets []*roaring.Bitmap
	prev := ""
	for i, w := range words {
		if b := m.wholeKey[w]; b != nil {
			sets = append(sets, b)
		}
		from := 0
		if i > 0 {
			from = commonPrefix(prev, w) + 1
		}
		for n := from; n <= len(w); n++ {
			if b := m.prefixKey[w[:n]]; b != nil {
				sets = append(sets, b)
			}
		}
		prev = w
	}
	return roaring.FastOr(sets...)
}

// commonPrefix is the length in bytes of the prefix a and b share.
func commonPrefix(a, b string) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}

// catalogKey is the catalog value a filter asks for, the most specific
// one as kind<<32 | id, 0 for none. With a single id it is that id's key.
func catalogKey(version, model, brand uint32) uint64 {
	switch {
	case version != 0:
		return keyVersion<<32 | uint64(version)
	case model != 0:
		return keyModel<<32 | uint64(model)
	case brand != 0:
		return keyBrand<<32 | uint64(brand)
	}
	return 0
}

// placeKey is the place a filter asks for, a city before a state, as
// kind<<32 | id, 0 for none.
func placeKey(city uint32, state uint16) uint64 {
	switch {
	case city != 0:
		return keyCity<<32 | uint64(city)
	case state != 0:
		return keyState<<32 | uint64(state)
	}
	return 0
}

// adValues are an ad's range values as the index's columns hold them.
type adValues struct {
	price, km uint32
	year      uint16
}

// valuesOf clamps the ad's price, km and model year to the columns.
func valuesOf(d *Doc) adValues {
	return adValues{
		price: uint32(min(max(d.Price, 0), MaxPrice)),
		km:    uint32(min(max(int64(d.Mileage), 0), 1<<32-1)),
		year:  uint16(min(max(d.ModelYear, 0), 1<<16-1)),
	}
}

// spansOf returns the filter's ranges as the index reads them (a negative
// bound is 0, open), and whether an ad can pass them at all.
func spansOf(f *Filter) (savedSpans, bool) {
	priceLo, yearLo := max(f.PriceMin, 0), max(f.YearMin, 0)
	if priceLo > MaxPrice || yearLo > 1<<16-1 {
		return savedSpans{}, false
	}
	return savedSpans{
		priceLo: uint32(priceLo), priceHi: uint32(min(max(f.PriceMax, 0), MaxPrice)),
		kmHi:   uint32(min(max(int64(f.KmMax), 0), 1<<32-1)),
		yearLo: uint16(yearLo), yearHi: uint16(min(max(f.YearMax, 0), 1<<16-1)),
	}, true
}

// pass reports whether the ad's values lie within the ranges.
func (s *savedSpans) pass(v adValues) bool {
	return within(v.price, s.priceLo, s.priceHi) && within(v.year, s.yearLo, s.yearHi) && within(v.km, 0, s.kmHi)
}

// within reports whether lo ≤ v ≤ hi, hi 0 being open.
func within[T uint16 | uint32](v, lo, hi T) bool {
	return v >= lo && (hi == 0 || v <= hi)
}

// textOf returns a filter's free text, and whether it has any.
func textOf(words []string) (savedText, bool) {
	if len(words) == 0 {
		return savedText{}, false
	}
	last := words[len(words)-1]
	t := savedText{words: make([]string, 0, len(words))}
	t.words = append(t.words, words[:len(words)-1]...)
	slices.Sort(t.words)
	t.words = slices.Compact(t.words)
	// A whole word starting with the prefix passes it too.
	if !slices.ContainsFunc(t.words, func(w string) bool { return strings.HasPrefix(w, last) }) {
		t.words, t.prefix = append(t.words, last), true
	}
	return t, true
}

// key is the word a text is kept under: its longest whole word (rarer, as a
// rule, than a shorter one), or its prefix when it has no whole word.
func (t savedText) key() string {
	whole := t.words
	if t.prefix {
		whole = whole[:len(whole)-1]
	}
	if len(whole) == 0 {
		return t.words[0]
	}
	key := whole[0]
	for _, w := range whole[1:] {
		if len(w) > len(key) {
			key = w
		}
	}
	return key
}

// pass reports whether the ad's words (sorted) have every word of the text.
func (t savedText) pass(words []string) bool {
	for i, w := range t.words {
		at, found := slices.BinarySearch(words, w)
		if t.prefix && i == len(t.words)-1 {
			found = at < len(words) && strings.HasPrefix(words[at], w)
		}
		if !found {
			return false
		}
	}
	return true
}

func newValueField[K comparable]() valueField[K] {
	return valueField[K]{open: roaring.New(), sets: valueSets[K]{}}
}

func (v *valueField[K]) add(k K, slot uint32) {
	var open K
	if k == open {
		v.open.Add(slot)
		return
	}
	v.sets.add(k, slot)
}

func (v *valueField[K]) remove(k K, slot uint32) {
	var open K
	if k == open {
		v.open.Remove(slot)
		return
	}
	v.sets.remove(k, slot)
}

// candidates returns, in a new bitmap, the slots leaving the field open
// and those asking for one of the values.
func (v *valueField[K]) candidates(values ...K) *roaring.Bitmap {
	sets := []*roaring.Bitmap{v.open}
	for _, k := range values {
		if b := v.sets[k]; b != nil {
			sets = append(sets, b)
		}
	}
	return roaring.FastOr(sets...)
}

// narrow keeps in cands the slots the field's values pass; with no slot
// asking for a value, all do.
func (v *valueField[K]) narrow(cands *roaring.Bitmap, values ...K) {
	if len(v.sets) > 0 {
		cands.And(v.candidates(values...))
	}
}
