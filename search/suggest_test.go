package search

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"
)

var suggestNames = Names{
	Brands: map[uint32]string{1: "Honda", 2: "Yamaha", 3: "Harley-Davidson", 4: "BMW"},
	Models: map[uint32]string{11: "CG 160", 12: "CG 150", 13: "Biz 125", 14: "Pop 110", 15: "Bros 160", 16: "XRE 300",
		21: "MT-07", 31: "Fat Boy", 41: "R 1250 GS"},
	Versions:     map[uint32]string{111: "Titan", 112: "Fan ESDi", 151: "ESDD", 211: "ABS", 311: "114", 411: "Adventure"},
	Cities:       map[uint32]string{100: "São Paulo", 101: "Cachoeira"},
	ModelBrand:   map[uint32]uint32{11: 1, 12: 1, 13: 1, 14: 1, 15: 1, 16: 1, 21: 2, 31: 3, 41: 4},
	VersionModel: map[uint32]uint32{111: 11, 112: 11, 151: 15, 211: 21, 311: 31, 411: 41},
}

// suggestIndex holds, per brand/model/version line, this many ads: 3 CG
// 160 Titan, 2 CG 160 Fan ESDi, 2 CG 150 (no version), 4 MT-07 ABS, one of
// the others; BMW has none.
func suggestIndex(t testing.TB) (*Index, map[[3]uint32][]uint64) {
	lines := []struct {
		line [3]uint32
		ads  int
	}{
		{[3]uint32{1, 11, 111}, 3}, {[3]uint32{1, 11, 112}, 2}, {[3]uint32{1, 12, 0}, 2}, {[3]uint32{1, 13, 0}, 1},
		{[3]uint32{1, 14, 0}, 1}, {[3]uint32{1, 15, 151}, 1}, {[3]uint32{1, 16, 0}, 1},
		{[3]uint32{2, 21, 211}, 4}, {[3]uint32{3, 31, 311}, 1},
	}
	ix := New()
	ids := map[[3]uint32][]uint64{}
	var docs []Doc
	for _, l := range lines {
		for range l.ads {
			id := uint64(len(docs) + 1)
			docs = append(docs, Doc{ID: id, BrandID: l.line[0], ModelID: l.line[1], VersionID: l.line[2], StateID: 1, CityID: 100,
				ModelYear: 2024, Price: 1_500_000, PublishedAt: time.Date(2026, 1, 1, 0, 0, int(id), 0, time.UTC), Phrase: "cachorro louco"})
			ids[l.line] = append(ids[l.line], id)
		}
	}
	ix.Apply(docs, nil)
	ix.MarkReady()
	ix.SetNames(suggestNames)
	return ix, ids
}

// seen writes suggestions as "name (ads)", in order.
func seen(ss []Suggestion) []string {
	out := []string{}
	for _, s := range ss {
		out = append(out, fmt.Sprintf("%s (%d)", s.Name, s.Ads))
	}
	return out
}

func TestSuggestMatchesTheCatalogByWords(t *testing.T) {
	ix, _ := suggestIndex(t)
	cases := []struct {
		text string
		want []string
	}{
		// Every word, the last as a prefix, across brand, model and version.
		{"cg 16", []string{"Honda CG 160 (5)", "Honda CG 160 Titan (3)", "Honda CG 160 Fan ESDi (2)"}},
		{"honda cg", []string{"Honda CG 160 (5)", "Honda CG 160 Titan (3)", "Honda CG 150 (2)", "Honda CG 160 Fan ESDi (2)"}},
		{"cg160 ti", []string{"Honda CG 160 Titan (3)"}},
		{"titan", []string{"Honda CG 160 Titan (3)"}},
		// Equal counts: the brand, then its model, then the version.
		{"harley", []string{"Harley-Davidson (1)", "Harley-Davidson Fat Boy (1)", "Harley-Davidson Fat Boy 114 (1)"}},
		{"davidson fat", []string{"Harley-Davidson Fat Boy (1)", "Harley-Davidson Fat Boy 114 (1)"}},
		// Accents and case do not matter; punctuation separates words.
		{"  HÔNDA  Cg  ", []string{"Honda CG 160 (5)", "Honda CG 160 Titan (3)", "Honda CG 150 (2)", "Honda CG 160 Fan ESDi (2)"}},
		{"mt-0", []string{"Yamaha MT-07 (4)", "Yamaha MT-07 ABS (4)"}},
		// Only the last word is a prefix.
		{"hond cg", []string{}},
		// No ad, no suggestion: BMW is in the catalog without ads.
		{"bmw", []string{}},
		// City and sales-phrase words are not catalog entries.
		{"cachoeira", []string{}},
		{"cachorro", []string{}},
		// Too short, empty or nothing of the catalog.
		{"c", []string{}},
		{"", []string{}},
		{"  -- ", []string{}},
		{"kawasaki", []string{}},
		{"honda kawasaki", []string{}},
	}
	for _, tc := range cases {
		if got := seen(ix.Suggest(tc.text)); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Suggest(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
}

func TestSuggestKeepsTheBestEight(t *testing.T) {
	ix, _ := suggestIndex(t)
	got := ix.Suggest("honda")
	want := []string{"Honda (11)", "Honda CG 160 (5)", "Honda CG 160 Titan (3)", "Honda CG 150 (2)", "Honda CG 160 Fan ESDi (2)",
		"Honda Biz 125 (1)", "Honda Bros 160 (1)", "Honda Pop 110 (1)"}
	if !reflect.DeepEqual(seen(got), want) {
		t.Errorf("Suggest(honda) = %q, want %q", seen(got), want)
	}
	s := got[2]
	if s.BrandID != 1 || s.ModelID != 11 || s.VersionID != 111 {
		t.Errorf("CG 160 Titan: brand %d, model %d, version %d", s.BrandID, s.ModelID, s.VersionID)
	}
	if s := got[1]; s.BrandID != 1 || s.ModelID != 11 || s.VersionID != 0 {
		t.Errorf("CG 160: brand %d, model %d, version %d", s.BrandID, s.ModelID, s.VersionID)
	}
	if s := got[0]; s.BrandID != 1 || s.ModelID != 0 || s.VersionID != 0 {
		t.Errorf("Honda: brand %d, model %d, version %d", s.BrandID, s.ModelID, s.VersionID)
	}
}

func TestSuggestFollowsAdsAndNames(t *testing.T) {
	ix, ids := suggestIndex(t)
	// Two CG 160 Titan ads leave; both CG 150 ads leave.
	ix.Apply(nil, append(ids[[3]uint32{1, 11, 111}][:2], ids[[3]uint32{1, 12, 0}]...))
	if got, want := seen(ix.Suggest("honda cg")), []string{"Honda CG 160 (3)", "Honda CG 160 Fan ESDi (2)", "Honda CG 160 Titan (1)"}; !reflect.DeepEqual(got, want) {
		t.Errorf("after removals: %q, want %q", got, want)
	}
	// A renamed model is suggested by its new name only.
	names := suggestNames
	names.Models = map[uint32]string{}
	for id, n := range suggestNames.Models {
		names.Models[id] = n
	}
	names.Models[11] = "CG 160 Start"
	ix.SetNames(names)
	if got, want := seen(ix.Suggest("start")), []string{"Honda CG 160 Start (3)", "Honda CG 160 Start Fan ESDi (2)", "Honda CG 160 Start Titan (1)"}; !reflect.DeepEqual(got, want) {
		t.Errorf("after a rename: %q, want %q", got, want)
	}
}

func TestSuggestReadsAtMost100Characters(t *testing.T) {
	ix, _ := suggestIndex(t)
	long := "cg 16" + strings.Repeat(" ", 95) + "kawasaki"
	if got := seen(ix.Suggest(long)); len(got) != 3 {
		t.Errorf("Suggest(%d characters) = %q, want the CG 160's 3", len(long), got)
	}
}

// BenchmarkSuggest answers suggestions for prefixes of catalog names, as
// typed letter by letter, over BENCH_ADS synthetic ads and a catalog of 18
// brands, 300 models and 1,000 versions.
func BenchmarkSuggest(b *testing.B) {
	docs := syntheticDocs(benchAds(), 1)
	ix := New()
	ix.Apply(docs, nil)
	ix.MarkReady()
	rng := rand.New(rand.NewPCG(7, 8))
	syllable := func() string {
		return string([]byte{"bcdfgklmnprstvxz"[rng.IntN(16)], "aeiou"[rng.IntN(5)]})
	}
	names := Names{Brands: map[uint32]string{}, Models: map[uint32]string{}, Versions: map[uint32]string{},
		ModelBrand: map[uint32]uint32{}, VersionModel: map[uint32]uint32{}}
	for _, d := range docs {
		names.ModelBrand[d.ModelID], names.VersionModel[d.VersionID] = d.BrandID, d.ModelID
	}
	for id := uint32(1); id <= 18; id++ {
		names.Brands[id] = strings.ToUpper(syllable()[:1]) + syllable() + syllable()
	}
	for id := uint32(1); id <= 300; id++ {
		names.Models[id] = strings.ToUpper(syllable()) + fmt.Sprintf(" %d", 50*(1+rng.IntN(30)))
	}
	for id := uint32(1); id <= 1000; id++ {
		names.Versions[id] = strings.ToUpper(syllable()[:1]) + syllable() + syllable()
	}
	ix.SetNames(names)
	var texts []string
	for _, d := range docs[:1000] {
		full, _ := ix.catalog.name(d.BrandID, d.ModelID, d.VersionID)
		texts = append(texts, full[:2+rng.IntN(len(full)-1)])
	}
	found := 0
	for b.Loop() {
		found += len(ix.Suggest(texts[rng.IntN(len(texts))]))
	}
	if found == 0 {
		b.Fatal("no suggestion found")
	}
}
