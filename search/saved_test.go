package search

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
)

// The matcher against the index itself: a saved search passes an ad iff a
// search with its filter finds the ad in an index holding that ad alone.

// savedNames is a small catalog whose names overlap: shared words ("cg",
// "sao", "jose", "150"), prefixes of one another ("camp", "fa", "ha"),
// accents, ids with no name, and names for id 0 (which the index finds
// an ad of brand 0 by, but not one of version 0, kept under no version).
var savedNames = Names{
	Brands: map[uint32]string{0: "Outra", 1: "Honda", 2: "Yamaha", 3: "Harley-Davidson", 4: "Haojue"},
	Models: map[uint32]string{11: "CG 160", 12: "CG 125", 13: "Biz 125", 21: "Fazer 250", 22: "Factor 150", 31: "Fat Boy",
		41: "DK 150", 42: "Chopper Road 150"},
	Versions: map[uint32]string{0: "Std", 111: "Titan", 112: "Fan", 113: "Start", 211: "ABS", 311: "114", 411: "CBS"},
	Cities: map[uint32]string{100: "São Paulo", 101: "São José dos Campos", 102: "Campinas", 200: "Belo Horizonte",
		201: "São José da Lapa", 300: "Fortaleza"},
}

var (
	savedLines  = [][3]uint32{{1, 11, 111}, {1, 11, 112}, {1, 11, 113}, {1, 12, 0}, {1, 13, 0}, {2, 21, 211}, {2, 21, 0}, {2, 22, 0}, {3, 31, 311}, {4, 41, 411}, {4, 42, 0}, {5, 51, 0}}
	savedPlaces = [][2]uint32{{1, 100}, {1, 101}, {1, 102}, {2, 200}, {2, 201}, {3, 300}, {3, 301}}
	// Prices, years and km at and around the bounds filters use.
	savedPrices = []int64{-100, 0, 1, 9_999_99, 10_000_00, 14_999_99, 15_000_00, 15_000_01, 40_000_00, MaxPrice, MaxPrice + 1}
	savedYears  = []int{-3, 0, 2009, 2015, 2020, 2021, 2022, 2026, 65_535, 70_000}
	savedKms    = []int{-5, 0, 1, 9_999, 10_000, 10_001, 50_000, 1 << 33}
	savedTexts  = []string{"CG 160 Titan zerada", "Única dona, aceito troca", "Fan 160 revisada", "Fazer ABS", "moto de São Paulo",
		"", "baixa km", "ÚNICO DONO", "cg", "150 cilindradas", "Harley davidson fat", savedLongPhrase}
	// Filter words: whole words and prefixes of the names and phrases, an
	// unfolded word (which nothing matches, as in the index), and the
	// empty word.
	savedWords = []string{"cg", "c", "16", "160", "1", "125", "12", "150", "sao", "sa", "s", "jose", "jos", "campinas", "camp",
		"campos", "honda", "hon", "h", "ha", "harley", "davidson", "fan", "fa", "fat", "fazer", "factor", "titan", "t", "abs",
		"unica", "unico", "dona", "", "zzz", "zerada", "zer", "revisada", "paulo", "horizonte", "CG", "são", "wab", "wjz", "wj", "std", "outra"}
)

// savedLongPhrase has more words than the index keeps: "wab" is kept,
// "wjz" (the 260th) is not.
var savedLongPhrase = func() string {
	var words []string
	for i := range 260 {
		words = append(words, fmt.Sprintf("w%c%c", 'a'+i/26, 'a'+i%26))
	}
	return strings.Join(words, " ")
}()

func savedPick[T any](rng *rand.Rand, from []T) T { return from[rng.IntN(len(from))] }

func savedDoc(rng *rand.Rand, id uint64) Doc {
	line, place := savedPick(rng, savedLines), savedPick(rng, savedPlaces)
	if rng.IntN(15) == 0 { // a line out of the catalog
		line = [3]uint32{uint32(rng.IntN(6)), uint32(rng.IntN(60)), uint32(rng.IntN(3)) * 111}
	}
	d := Doc{
		ID: id, BrandID: line[0], ModelID: line[1], VersionID: line[2], StateID: uint16(place[0]), CityID: place[1],
		Type: savedPick(rng, []string{"street", "scooter", "trail", ""}), Color: savedPick(rng, []string{"preta", "vermelha", "branca", ""}),
		ModelYear: savedPick(rng, savedYears), Mileage: savedPick(rng, savedKms), Price: savedPick(rng, savedPrices),
		TopOffer: rng.IntN(4) == 0, Phrase: savedPick(rng, savedTexts),
	}
	if rng.IntN(3) == 0 {
		d.Phrase += " " + savedPick(rng, savedTexts)
	}
	if rng.IntN(3) == 0 {
		d.Price = rng.Int64N(50_000_00)
	}
	return d
}

// savedFilter asks for a few things at a time (the more, the fewer ads
// pass), drawn around the ads' own values.
func savedFilter(rng *rand.Rand) Filter {
	var f Filter
	// Catalog and place ids drawn on their own, so that some disagree (a
	// model of another brand, a city of another state).
	line, other, place := savedPick(rng, savedLines), savedPick(rng, savedLines), savedPick(rng, savedPlaces)
	bounds := func(from []int64) int64 {
		return savedPick(rng, append([]int64{0, -1, rng.Int64N(50_000_00)}, from...))
	}
	years := func() int { return savedPick(rng, append([]int{0}, savedYears...)) }
	parts := []func(){
		func() { f.BrandID = savedPick(rng, []uint32{line[0], line[0], other[0]}) },
		func() { f.ModelID = savedPick(rng, []uint32{line[1], line[1], other[1]}) },
		func() {
			f.BrandID, f.ModelID, f.VersionID = line[0], line[1], savedPick(rng, []uint32{line[2], line[2], other[2]})
		},
		func() { f.StateID = savedPick(rng, []uint16{uint16(place[0]), uint16(place[0]), 2}) },
		func() { f.StateID, f.CityID = savedPick(rng, []uint16{uint16(place[0]), 2}), place[1] },
		func() { f.PriceMin = bounds(savedPrices) },
		func() { f.PriceMax = bounds(savedPrices) },
		func() { f.PriceMin, f.PriceMax = bounds(savedPrices), bounds(savedPrices) },
		func() { f.YearMin, f.YearMax = years(), years() },
		func() { f.KmMax = savedPick(rng, append([]int{-1}, savedKms...)) },
		func() { f.Type = savedPick(rng, []string{"street", "scooter", "custom"}) },
		func() { f.Color = savedPick(rng, []string{"preta", "azul"}) },
		func() { f.TopOffer = true },
		func() { f.Words = append(f.Words, savedPick(rng, savedWords)) },
		func() { f.Words = append(f.Words, savedPick(rng, savedWords), savedPick(rng, savedWords)) },
	}
	for range savedPick(rng, []int{0, 1, 1, 2, 2, 3, 4}) {
		savedPick(rng, parts)()
	}
	return f
}

// savedIndexOf returns an index holding d alone.
func savedIndexOf(d Doc, names Names) *Index {
	ix := New()
	ix.SetNames(names)
	ix.Apply([]Doc{d}, nil)
	ix.MarkReady()
	return ix
}

// savedFinds reports whether a search with f finds the ad of an index holding
// one; the matcher ignores the top offer rating, so the search does too.
func savedFinds(ix *Index, f Filter) bool {
	f.TopOffer = false
	return ix.Search(f, OrderNewest, 0, 1, false).Total == 1
}

func TestSavedSearchesMatchAsTheIndexFinds(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	m := NewMatcher()
	m.SetNames(savedNames)
	held := map[uint64]Filter{}
	rounds, docs := 100, 25
	if raceEnabled {
		rounds = 20
	}
	passes, textPasses := 0, 0
	for round := range rounds {
		// Saved searches come, change and go.
		for range 40 {
			id := uint64(1 + rng.IntN(400))
			if rng.IntN(4) == 0 {
				m.Remove(id)
				delete(held, id)
				continue
			}
			f := savedFilter(rng)
			m.Put(id, f)
			held[id] = f
		}
		if m.Len() != len(held) {
			t.Fatalf("round %d: matcher holds %d searches, want %d", round, m.Len(), len(held))
		}
		for i := range docs {
			d := savedDoc(rng, uint64(round*docs+i+1))
			got := m.Match(&d)
			want, ix := []uint64{}, savedIndexOf(d, savedNames)
			for id, f := range held {
				if savedFinds(ix, f) {
					want = append(want, id)
				}
			}
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Fatalf("round %d, ad %+v:\n got %v\nwant %v\nmissing %v, extra %v", round, d, got, want,
					savedDescribe(held, savedWithout(want, got)), savedDescribe(held, savedWithout(got, want)))
			}
			passes += len(got)
			for _, id := range got {
				if len(held[id].Words) > 0 {
					textPasses++
				}
			}
		}
	}
	// The rounds must have tested both ways, free text too.
	savedBothWays(t, passes, textPasses, rounds*docs*len(held))
}

// savedBothWays fails the test unless between 2 % and 50 % of the checks
// passed, and 2 % of those with free text.
func savedBothWays(t *testing.T, passes, textPasses, checked int) {
	t.Helper()
	t.Logf("%d passes (%d with free text) in about %d checks", passes, textPasses, checked)
	if passes*50 < checked || passes*2 > checked || textPasses*50 < passes {
		t.Fatalf("%d passes (%d with free text) in about %d checks: the random searches are too narrow or too broad to tell",
			passes, textPasses, checked)
	}
}

// savedWithout returns the ids of a not in b.
func savedWithout(a, b []uint64) []uint64 {
	return slices.DeleteFunc(slices.Clone(a), func(id uint64) bool { return slices.Contains(b, id) })
}

func savedDescribe(held map[uint64]Filter, ids []uint64) string {
	var b strings.Builder
	for _, id := range ids {
		fmt.Fprintf(&b, "\n  %d: %+v", id, held[id])
	}
	return b.String()
}

// A CG 160 Titan in São Paulo at R$ 15.000, 2022, 12.000 km.
var savedCG = Doc{ID: 1, BrandID: 1, ModelID: 11, VersionID: 111, StateID: 1, CityID: 100, Type: "street", Color: "preta",
	ModelYear: 2022, Mileage: 12_000, Price: 15_000_00, Phrase: "Única dona, revisada"}

func TestSavedSearchCases(t *testing.T) {
	fazer := Doc{ID: 2, BrandID: 2, ModelID: 21, StateID: 1, CityID: 101, Type: "street", ModelYear: 2020, Price: 18_000_00, Phrase: "Fazer top"}
	cases := []struct {
		name string
		f    Filter
		d    Doc
		want bool
	}{
		{"“cg 16” finds a CG 160 by its model's name", Filter{Words: Words("cg 16")}, savedCG, true},
		{"“cg 16” does not find a Fazer", Filter{Words: Words("cg 16")}, fazer, false},
		{"“16 cg” wants the whole word 16", Filter{Words: Words("16 cg")}, savedCG, false},
		{"“titan” finds the version", Filter{Words: Words("Titan")}, savedCG, true},
		{"“são paulo” finds the city, accents or not", Filter{Words: Words("são paulo")}, savedCG, true},
		{"“sao paulo” too", Filter{Words: Words("SAO PAULO")}, savedCG, true},
		{"“unica dona” finds the phrase", Filter{Words: Words("unica don")}, savedCG, true},
		{"Honda in SP finds a Honda in SP", Filter{BrandID: 1, StateID: 1}, savedCG, true},
		{"Honda in SP does not find a Yamaha in SP", Filter{BrandID: 1, StateID: 1}, fazer, false},
		{"a model wins over another brand", Filter{BrandID: 2, ModelID: 11}, savedCG, true},
		{"a city wins over another state", Filter{StateID: 2, CityID: 100}, savedCG, true},
		{"another version of the model", Filter{ModelID: 11, VersionID: 112}, savedCG, false},
		{"a price cap of R$ 15.000 finds R$ 15.000", Filter{PriceMax: 15_000_00}, savedCG, true},
		{"a price cap of R$ 14.999,99 does not", Filter{PriceMax: 14_999_99}, savedCG, false},
		{"from R$ 15.000 finds R$ 15.000", Filter{PriceMin: 15_000_00, PriceMax: 15_000_00}, savedCG, true},
		{"from R$ 15.000,01 does not", Filter{PriceMin: 15_000_01}, savedCG, false},
		{"model year 2022 to 2022", Filter{YearMin: 2022, YearMax: 2022}, savedCG, true},
		{"up to 2021", Filter{YearMax: 2021}, savedCG, false},
		{"up to 12.000 km", Filter{KmMax: 12_000}, savedCG, true},
		{"up to 11.999 km", Filter{KmMax: 11_999}, savedCG, false},
		{"a style nobody has keeps nothing", Filter{Type: "custom"}, savedCG, false},
		{"a colour nobody has keeps nothing", Filter{Color: "azul"}, savedCG, false},
		{"the top offer rating is ignored", Filter{TopOffer: true}, savedCG, true},
		{"an empty filter finds every ad", Filter{}, fazer, true},
	}
	for _, c := range cases {
		m := NewMatcher()
		m.SetNames(savedNames)
		m.Put(7, c.f)
		got := slices.Equal(m.Match(&c.d), []uint64{7})
		if got != c.want {
			t.Errorf("%s: %+v passes %v, want %v", c.name, c.f, got, c.want)
		}
		if index := savedFinds(savedIndexOf(c.d, savedNames), c.f); index != c.want {
			t.Errorf("%s: the index finds it: %v, want %v", c.name, index, c.want)
		}
	}
}

func TestSavedPutReplacesAndRemoveForgets(t *testing.T) {
	m := NewMatcher()
	m.SetNames(savedNames)
	m.Put(3, Filter{BrandID: 1})
	m.Put(1, Filter{Words: []string{"cg"}})
	m.Put(2, Filter{BrandID: 2})
	if got := m.Match(&savedCG); !slices.Equal(got, []uint64{1, 3}) {
		t.Fatalf("Match = %v, want [1 3]", got)
	}
	m.Put(3, Filter{BrandID: 2, Words: []string{"zzz"}}) // replaced: no longer a Honda search
	m.Put(2, Filter{ModelID: 11})
	m.Remove(1)
	m.Remove(99) // absent: ignored
	if got := m.Match(&savedCG); !slices.Equal(got, []uint64{2}) {
		t.Fatalf("after the changes Match = %v, want [2]", got)
	}
	if m.Len() != 2 {
		t.Fatalf("Len = %d, want 2", m.Len())
	}
	m.Put(4, Filter{}) // takes the freed slot
	m.Remove(3)
	if got := m.Match(&savedCG); !slices.Equal(got, []uint64{2, 4}) || m.Len() != 2 {
		t.Fatalf("Match = %v (Len %d), want [2 4] (2)", got, m.Len())
	}
	if len(m.texts)+len(m.slotText) != 0 || !m.withText.IsEmpty() || len(m.wholeKey)+len(m.prefixKey) != 0 || len(m.looks) != 0 {
		t.Fatalf("removed searches left text behind: %d texts, %d keys", len(m.texts), len(m.wholeKey)+len(m.prefixKey))
	}
}

// Matches run while searches are saved and removed (for the race detector).
func TestSavedConcurrentUse(t *testing.T) {
	m := NewMatcher()
	m.SetNames(savedNames)
	var wg sync.WaitGroup
	for w := range 2 {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(w), 3))
			for i := range 2000 {
				id := uint64(rng.IntN(300))
				if i%3 == 0 {
					m.Remove(id)
				} else {
					m.Put(id, savedFilter(rng))
				}
			}
		})
	}
	wg.Go(func() {
		rng := rand.New(rand.NewPCG(9, 9))
		for i := range 2000 {
			d := savedDoc(rng, uint64(i))
			if got := m.Match(&d); !slices.IsSorted(got) {
				t.Errorf("Match = %v, not ascending", got)
			}
		}
	})
	wg.Wait()
	if n := m.Len(); n > 300 {
		t.Fatalf("Len = %d, more than the 300 ids used", n)
	}
}
