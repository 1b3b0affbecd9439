package search

import (
	"slices"
	"strconv"
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
// its prefix), and the searches sharing a text share its check: only the
// texts whose key word the ad has are checked, each once. The ranges
// (price, model year, km) are checked per candidate, on 16 bytes a slot.
// A saved search takes about 90 bytes.
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

	texts     map[string]*textGroup   // by textGroup.id
	slotText  map[uint32]*textGroup   // the text of each slot with one
	withText  *roaring.Bitmap         // those slots
	wholeKey  map[string][]*textGroup // the texts by the whole word they are kept under
	prefixKey map[string][]*textGroup // the texts by the prefix they are kept under

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

// savedText is a saved search's free text: whole words, sorted, then the
// prefix the last word asks for when no whole word already starts with it.
type savedText struct {
	words  []string
	prefix bool // the last word is a prefix
}

// textGroup is the saved searches sharing a free text: its words are
// checked once for all of them.
type textGroup struct {
	text  savedText
	slots *roaring.Bitmap
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
		looks: map[uint32][2]string{}, texts: map[string]*textGroup{}, slotText: map[uint32]*textGroup{}, withText: roaring.New(),
		wholeKey: map[string][]*textGroup{}, prefixKey: map[string][]*textGroup{},
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
		m.addText(slot, text)
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
	if g := m.slotText[slot]; g != nil {
		m.removeText(slot, g)
	}
}

// addText puts slot in its text's group, the group under its key word.
func (m *Matcher) addText(slot uint32, t savedText) {
	id := t.id()
	g := m.texts[id]
	if g == nil {
		g = &textGroup{text: t, slots: roaring.New()}
		m.texts[id] = g
		keys := m.keysOf(t)
		keys[t.key()] = append(keys[t.key()], g)
	}
	g.slots.Add(slot)
	m.slotText[slot] = g
	m.withText.Add(slot)
}

// removeText takes slot out of its text's group, and an emptied group out.
func (m *Matcher) removeText(slot uint32, g *textGroup) {
	delete(m.slotText, slot)
	m.withText.Remove(slot)
	g.slots.Remove(slot)
	if !g.slots.IsEmpty() {
		return
	}
	delete(m.texts, g.text.id())
	keys, key := m.keysOf(g.text), g.text.key()
	if keys[key] = slices.DeleteFunc(keys[key], func(x *textGroup) bool { return x == g }); len(keys[key]) == 0 {
		delete(keys, key)
	}
}

// keysOf returns the groups a text is kept among: by whole word, or by
// prefix when it has no whole word.
func (m *Matcher) keysOf(t savedText) map[string][]*textGroup {
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
	if !m.withText.IsEmpty() {
		m.checkText(cands, m.adWords(d))
	}
	out := m.collect(cands, valuesOf(d))
	if !slices.IsSorted(out) { // slots are in id order while searches come in id order
		slices.Sort(out)
	}
	return out
}

// checkText keeps in cands, of the slots with free text, those whose words
// the ad's (sorted) has: each text kept under one of them is checked once
// for all the searches that share it.
func (m *Matcher) checkText(cands *roaring.Bitmap, words []string) {
	var pass []*roaring.Bitmap
	m.keyed(words, func(g *textGroup) {
		if g.text.pass(words) {
			pass = append(pass, g.slots)
		}
	})
	keep := roaring.FastOr(pass...)
	keep.And(cands)
	cands.AndNot(m.withText)
	cands.Or(keep)
}

// collect returns the ids of the slots of cands whose ranges the ad's
// values are within, in slot order.
func (m *Matcher) collect(cands *roaring.Bitmap, v adValues) []uint64 {
	var out []uint64
	spans, ids := m.spans, m.ids
	it := cands.ManyIterator()
	var buf [256]uint32
	for n := it.NextMany(buf[:]); n > 0; n = it.NextMany(buf[:]) {
		for _, slot := range buf[:n] {
			if spans[slot].pass(v) {
				out = append(out, ids[slot])
			}
		}
	}
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

// keyed calls fn with the texts kept under one of the ad's words (sorted)
// or a prefix of one, each once. Each prefix is looked up once: those a
// word shares with the one before it were looked up for that one.
func (m *Matcher) keyed(words []string, fn func(g *textGroup)) {
	prev := ""
	for i, w := range words {
		for _, g := range m.wholeKey[w] {
			fn(g)
		}
		from := 0
		if i > 0 {
			from = commonPrefix(prev, w) + 1
		}
		for n := from; n <= len(w); n++ {
			for _, g := range m.prefixKey[w[:n]] {
				fn(g)
			}
		}
		prev = w
	}
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

// id tells texts apart: each word after its length, then whether the last
// is a prefix.
func (t savedText) id() string {
	var b strings.Builder
	for _, w := range t.words {
		b.WriteString(strconv.Itoa(len(w)))
		b.WriteByte(':')
		b.WriteString(w)
	}
	if t.prefix {
		b.WriteByte('*')
	}
	return b.String()
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
