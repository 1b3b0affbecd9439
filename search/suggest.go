package search

import (
	"strings"
	"unicode/utf8"
)

// Suggestion limits.
const (
	// MaxSuggestions is the most suggestions a text gets.
	MaxSuggestions = 8
	// MaxSuggestText is the most characters of a text Suggest reads; the
	// rest is ignored.
	MaxSuggestText = 100
	// MinSuggestText is the fewest letters and digits a text needs for
	// suggestions.
	MinSuggestText = 2
)

// Suggestion is a catalog entry whose name matches a typed text: a brand
// (ModelID 0), a brand's model (VersionID 0) or a model's version, with
// the number of its listed ads.
type Suggestion struct {
	BrandID, ModelID, VersionID uint32
	Name                        string // the brand's, model's and version's names: "Honda CG 160 Titan"
	Ads                         int
}

// level is 0 for a brand, 1 for a model and 2 for a version.
func (s *Suggestion) level() int {
	switch {
	case s.ModelID == 0:
		return 0
	case s.VersionID == 0:
		return 1
	}
	return 2
}

// before orders suggestions: more ads first, then brands before models
// before versions, then by name.
func (s *Suggestion) before(o *Suggestion) bool {
	if s.Ads != o.Ads {
		return s.Ads > o.Ads
	}
	if s.level() != o.level() {
		return s.level() < o.level()
	}
	return s.Name < o.Name
}

// catalogTree is the catalog as suggestions walk it: the names, each
// model's brand and each version's model, and the other way down.
type catalogTree struct {
	names     Names
	models    map[uint32][]uint32 // brand → its models
	versions  map[uint32][]uint32 // model → its versions
	brandSize map[uint32]int      // brand → its models and versions
}

func newCatalogTree(n Names) catalogTree {
	t := catalogTree{names: n, models: map[uint32][]uint32{}, versions: map[uint32][]uint32{}, brandSize: map[uint32]int{}}
	for v, m := range n.VersionModel {
		t.versions[m] = append(t.versions[m], v)
		t.brandSize[n.ModelBrand[m]]++
	}
	for m, b := range n.ModelBrand {
		t.models[b] = append(t.models[b], m)
		t.brandSize[b]++
	}
	return t
}

// name writes an entry's full name, "Honda CG 160 Titan"; ok is false
// when a part has no name.
func (t *catalogTree) name(b, m, v uint32) (string, bool) {
	parts := make([]string, 0, 3)
	for _, p := range []struct {
		id    uint32
		names map[uint32]string
	}{{b, t.names.Brands}, {m, t.names.Models}, {v, t.names.Versions}} {
		if p.id == 0 {
			continue
		}
		name, ok := p.names[p.id]
		if !ok {
			return "", false
		}
		parts = append(parts, name)
	}
	return strings.Join(parts, " "), true
}

// wordHits is what one typed word matches among the catalog's names: the
// brands, models and versions with a word equal to it (or starting with
// it, for the last word).
type wordHits struct {
	brands, models, versions map[uint32]bool
}

// has reports whether the entry of brand b, model m and version v (0 when
// absent) has the word in its full name.
func (h *wordHits) has(b, m, v uint32) bool {
	return h.brands[b] || m != 0 && h.models[m] || v != 0 && h.versions[v]
}

// Suggest returns the catalog entries — brand; brand and model; brand,
// model and version — whose full names have every word of the text (the
// last as a prefix, as free text matches them) and at least one listed
// ad, best first: more ads, then brands before models before versions, at
// most MaxSuggestions. A text with fewer than MinSuggestText letters and
// digits has none. The answer comes from memory: the words of the names,
// the catalog's tree and each entry's bitmap; the entries read are those
// under the names matching the word that matches fewest.
func (ix *Index) Suggest(text string) []Suggestion {
	if utf8.RuneCountInString(text) > MaxSuggestText {
		text = string([]rune(text)[:MaxSuggestText])
	}
	words := Words(text)
	if utf8.RuneCountInString(strings.Join(words, "")) < MinSuggestText {
		return nil
	}
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	s := suggester{ix: ix, t: &ix.catalog, hits: make([]wordHits, len(words))}
	rarest, fewest := 0, -1
	for i, w := range words {
		size := 0
		s.hits[i], size = s.matches(w, i == len(words)-1)
		if size == 0 {
			return nil
		}
		if fewest < 0 || size < fewest {
			rarest, fewest = i, size
		}
	}
	s.under(&s.hits[rarest])
	return s.best
}

// suggester gathers the best suggestions of a text's words.
type suggester struct {
	ix   *Index
	t    *catalogTree
	hits []wordHits // each word's
	best []Suggestion
}

// matches returns the names a word matches (as a prefix when last) and
// how many entries are under them.
func (s *suggester) matches(w string, last bool) (wordHits, int) {
	h := wordHits{brands: map[uint32]bool{}, models: map[uint32]bool{}, versions: map[uint32]bool{}}
	size := 0
	for _, ref := range s.ix.names.matching(w, last) {
		switch ref.kind {
		case nameBrand:
			h.brands[ref.id] = true
			size += 1 + s.t.brandSize[ref.id]
		case nameModel:
			h.models[ref.id] = true
			size += 1 + len(s.t.versions[ref.id])
		case nameVersion:
			h.versions[ref.id] = true
			size++
		}
	}
	return h, size
}

// under offers every entry under the names of h (the rarest word's). An
// entry under several of them is read once: under the highest.
func (s *suggester) under(h *wordHits) {
	t := s.t
	for b := range h.brands {
		s.offerBrand(b)
	}
	for m := range h.models {
		if b, ok := t.names.ModelBrand[m]; ok && !h.brands[b] {
			s.offerModel(b, m)
		}
	}
	for v := range h.versions {
		m, ok := t.names.VersionModel[v]
		b, placed := t.names.ModelBrand[m]
		if ok && placed && !h.models[m] && !h.brands[b] {
			s.offer(b, m, v)
		}
	}
}

// offerBrand offers a brand with listed ads, its models and their
// versions.
func (s *suggester) offerBrand(b uint32) {
	if s.ix.brands[b] == nil {
		return // nor any of its models
	}
	s.offer(b, 0, 0)
	for _, m := range s.t.models[b] {
		s.offerModel(b, m)
	}
}

// offerModel offers a model with listed ads and its versions.
func (s *suggester) offerModel(b, m uint32) {
	if s.ix.models[m] == nil {
		return // nor any of its versions
	}
	s.offer(b, m, 0)
	for _, v := range s.t.versions[m] {
		s.offer(b, m, v)
	}
}

// offer keeps the entry of brand b, model m and version v (0 when absent)
// among the best when it has listed ads and every word.
func (s *suggester) offer(b, m, v uint32) {
	set := s.ix.brands[b]
	switch {
	case v != 0:
		set = s.ix.versions[v]
	case m != 0:
		set = s.ix.models[m]
	}
	if set == nil {
		return // no listed ad
	}
	for i := range s.hits {
		if !s.hits[i].has(b, m, v) {
			return
		}
	}
	name, ok := s.t.name(b, m, v)
	if !ok {
		return
	}
	s.keep(Suggestion{BrandID: b, ModelID: m, VersionID: v, Name: name, Ads: int(set.GetCardinality())})
}

// keep puts a suggestion in its place among the best, when it is among
// them.
func (s *suggester) keep(sg Suggestion) {
	best := s.best
	switch {
	case len(best) < MaxSuggestions:
		best = append(best, sg)
	case sg.before(&best[len(best)-1]):
		best[len(best)-1] = sg
	default:
		return
	}
	for i := len(best) - 1; i > 0 && best[i].before(&best[i-1]); i-- {
		best[i], best[i-1] = best[i-1], best[i]
	}
	s.best = best
}
