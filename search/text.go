package search

import (
	"encoding/binary"
	"slices"
	"sort"
	"strings"

	"github.com/RoaringBitmap/roaring/v2"
)

// maxPhraseWords is the most words of a sales phrase the index keeps.
const maxPhraseWords = 200

// phraseWords is the dictionary of the words of the sales phrases, each
// with the bitmap of the ads whose phrase has it.
type phraseWords struct {
	ids      map[string]uint32
	words    []string          // by id
	postings []*roaring.Bitmap // by id
	sorted   []uint32          // ids in word order, for prefixes
}

// encode returns the words' ids as varints, adding the new words.
func (p *phraseWords) encode(words []string) []byte {
	var out []byte
	for _, w := range words[:min(len(words), maxPhraseWords)] {
		id, ok := p.ids[w]
		if !ok {
			id = uint32(len(p.words))
			p.ids[w] = id
			p.words = append(p.words, w)
			p.postings = append(p.postings, roaring.New())
		}
		out = binary.AppendUvarint(out, uint64(id))
	}
	return out
}

// sortNew puts the words added since the dictionary had since words in
// the sorted list: one by one when few, by sorting everything otherwise.
func (p *phraseWords) sortNew(since int) {
	added := len(p.words) - since
	switch {
	case added == 0:
		return
	case added > 64:
		p.sorted = p.sorted[:0]
		for id := range p.words {
			p.sorted = append(p.sorted, uint32(id))
		}
		sort.Slice(p.sorted, func(i, j int) bool { return p.words[p.sorted[i]] < p.words[p.sorted[j]] })
	default:
		for id := since; id < len(p.words); id++ {
			w := p.words[id]
			at := sort.Search(len(p.sorted), func(i int) bool { return p.words[p.sorted[i]] >= w })
			p.sorted = slices.Insert(p.sorted, at, uint32(id))
		}
	}
}

// matching returns the postings of the word w, or of every word starting
// with it when prefix is set.
func (p *phraseWords) matching(w string, prefix bool) []*roaring.Bitmap {
	if !prefix {
		if id, ok := p.ids[w]; ok {
			return []*roaring.Bitmap{p.postings[id]}
		}
		return nil
	}
	var out []*roaring.Bitmap
	at := sort.Search(len(p.sorted), func(i int) bool { return p.words[p.sorted[i]] >= w })
	for _, id := range p.sorted[at:] {
		if !strings.HasPrefix(p.words[id], w) {
			break
		}
		out = append(out, p.postings[id])
	}
	return out
}

// Name kinds: what a name word names.
const (
	nameBrand uint8 = iota
	nameModel
	nameVersion
	nameCity
)

// nameRef is one word of a catalog or city name and what it names.
type nameRef struct {
	word string
	kind uint8
	id   uint32
}

// nameWords is the words of the brand, model, version and city names,
// sorted: free text finds a name's ads through the name's own bitmap, so a
// renamed model is found by its new name as soon as the catalog changes.
type nameWords []nameRef

// Names are the names free text matches besides the sales phrase, by id.
type Names struct {
	Brands, Models, Versions, Cities map[uint32]string
	// ModelBrand and VersionModel place each model and version in the
	// catalog, for suggestions.
	ModelBrand, VersionModel map[uint32]uint32
}

// SetNames replaces the catalog and city names free text matches and
// suggestions show. The index keeps the maps: they must not change after.
func (ix *Index) SetNames(n Names) {
	var refs nameWords
	for kind, m := range [...]map[uint32]string{nameBrand: n.Brands, nameModel: n.Models, nameVersion: n.Versions, nameCity: n.Cities} {
		for id, name := range m {
			for _, w := range Words(name) {
				refs = append(refs, nameRef{w, uint8(kind), id})
			}
		}
	}
	sort.Slice(refs, func(i, j int) bool { return refs[i].word < refs[j].word })
	tree := newCatalogTree(n)
	ix.mu.Lock()
	ix.names = refs
	ix.catalog = tree
	ix.mu.Unlock()
}

// matching returns the names of the word w, or of every word starting
// with it when prefix is set.
func (n nameWords) matching(w string, prefix bool) []nameRef {
	at := sort.Search(len(n), func(i int) bool { return n[i].word >= w })
	end := at
	for end < len(n) && (n[end].word == w || prefix && strings.HasPrefix(n[end].word, w)) {
		end++
	}
	return n[at:end]
}

// wordSet returns the slots whose brand, model, version, city or phrase
// has the word w (a word starting with w when prefix is set). Called under
// the read lock.
func (ix *Index) wordSet(w string, prefix bool) *roaring.Bitmap {
	sets := ix.phrases.matching(w, prefix)
	for _, ref := range ix.names.matching(w, prefix) {
		var b *roaring.Bitmap
		switch ref.kind {
		case nameBrand:
			b = ix.brands[ref.id]
		case nameModel:
			b = ix.models[ref.id]
		case nameVersion:
			b = ix.versions[ref.id]
		case nameCity:
			b = ix.cities[ref.id]
		}
		if b != nil {
			sets = append(sets, b)
		}
	}
	switch len(sets) {
	case 0:
		return roaring.New()
	case 1:
		return sets[0]
	}
	total := uint64(0)
	for _, b := range sets {
		total += b.GetCardinality()
	}
	if total < uint64(ix.slots.n/64) {
		return roaring.FastOr(sets...)
	}
	// Many ads in many bitmaps (a short prefix, a common city name):
	// marking a plain bitmap beats merging the sorted arrays pairwise.
	words := make([]uint64, ix.live.Maximum()/64+1)
	for _, b := range sets {
		eachRun(b, func(slots []uint32) {
			for _, slot := range slots {
				words[slot/64] |= 1 << (slot % 64)
			}
		})
	}
	return roaring.FromDense(words, false)
}
