package search

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// The index against a plain reading of every ad, in memory: random ads,
// random changes, random searches. (The same against SQL on both databases
// is in the models' tests.)

var testNames = Names{
	Brands:   map[uint32]string{1: "Honda", 2: "Yamaha", 3: "Harley-Davidson", 4: "BMW"},
	Models:   map[uint32]string{11: "CG 160", 12: "Biz 125", 21: "MT-07", 22: "Fazer 250", 31: "Fat Boy", 41: "R 1250 GS"},
	Versions: map[uint32]string{111: "Titan", 112: "Fan ESDi", 211: "ABS", 311: "114", 411: "Adventure"},
	Cities:   map[uint32]string{100: "São Paulo", 101: "Campinas", 200: "Belo Horizonte", 300: "São José dos Campos"},
}

var testLines = [][3]uint32{{1, 11, 111}, {1, 11, 112}, {1, 12, 0}, {2, 21, 211}, {2, 22, 0}, {3, 31, 311}, {4, 41, 411}}
var testPlaces = [][2]uint32{{1, 100}, {1, 101}, {2, 200}, {1, 300}}
var testPhrases = []string{"Moto impecável, revisada", "única dona", "aceito troca", "baixa quilometragem", "pneus novos",
	"documentação em dia", "Revisão feita na concessionária", "", "CG zerada", "aceito cartão"}

func randomDoc(rng *rand.Rand, id uint64) Doc {
	line := testLines[rng.IntN(len(testLines))]
	place := testPlaces[rng.IntN(len(testPlaces))]
	return Doc{
		ID: id, BrandID: line[0], ModelID: line[1], VersionID: line[2], StateID: uint16(place[0]), CityID: place[1],
		Type: []string{"naked", "sport", "scooter", ""}[rng.IntN(4)], Color: []string{"black", "red", "white"}[rng.IntN(3)],
		FabricationYear: 2010 + rng.IntN(15), ModelYear: 2010 + rng.IntN(16), Mileage: rng.IntN(5) * 10_000,
		IsNew: rng.IntN(5) == 0, TopOffer: rng.IntN(6) == 0, Price: int64(rng.IntN(40)) * 500_000,
		PublishedAt: time.Date(2026, 1, 1, 0, 0, rng.IntN(100), 0, time.UTC), Updated: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC),
		Phrase: testPhrases[rng.IntN(len(testPhrases))],
		Cover:  Photo{Key: fmt.Sprintf("ads/%d/1-thumb.jpg", id), Width: 480, Height: 360},
	}
}

func randomFilter(rng *rand.Rand) Filter {
	var f Filter
	if rng.IntN(3) == 0 {
		line := testLines[rng.IntN(len(testLines))]
		f.BrandID = line[0]
		if rng.IntN(2) == 0 {
			f.ModelID = line[1]
			if rng.IntN(2) == 0 {
				f.VersionID = line[2]
			}
		}
	}
	if rng.IntN(3) == 0 {
		place := testPlaces[rng.IntN(len(testPlaces))]
		f.StateID = uint16(place[0])
		if rng.IntN(2) == 0 {
			f.CityID = place[1]
		}
	}
	if rng.IntN(3) == 0 {
		f.PriceMin = int64(rng.IntN(20)) * 500_000
	}
	if rng.IntN(3) == 0 {
		f.PriceMax = int64(rng.IntN(40)) * 500_000
	}
	if rng.IntN(4) == 0 {
		f.YearMin = 2010 + rng.IntN(16)
	}
	if rng.IntN(4) == 0 {
		f.YearMax = 2010 + rng.IntN(16)
	}
	if rng.IntN(4) == 0 {
		f.KmMax = rng.IntN(50_000)
	}
	if rng.IntN(5) == 0 {
		f.Type = []string{"naked", "sport", "scooter", "custom"}[rng.IntN(4)]
	}
	if rng.IntN(5) == 0 {
		f.Color = []string{"black", "red", "white"}[rng.IntN(3)]
	}
	if rng.IntN(8) == 0 {
		f.TopOffer = true
	}
	if rng.IntN(3) == 0 {
		texts := []string{"cg 16", "honda", "sao paulo", "são jo", "aceito", "revis", "mt 0", "harley", "davidson fat", "zerad", "x", "s"}
		f.Words = Words(texts[rng.IntN(len(texts))])
	}
	return f
}

// naive is the plain reading: every ad checked against every filter.
type naive struct {
	docs  map[uint64]Doc
	names Names
	words map[uint64][]string
}

func (n *naive) matchWord(d Doc, w string, prefix bool) bool {
	words, ok := n.words[d.ID]
	if !ok {
		text := []string{n.names.Brands[d.BrandID], n.names.Models[d.ModelID], n.names.Versions[d.VersionID], n.names.Cities[d.CityID], d.Phrase}
		words = Words(strings.Join(text, " "))
		n.words[d.ID] = words
	}
	for _, x := range words {
		if x == w || prefix && strings.HasPrefix(x, w) {
			return true
		}
	}
	return false
}

func (n *naive) match(d Doc, f Filter, leaveOut int) bool {
	ok := true
	if leaveOut != groupBrand {
		ok = ok && (f.BrandID == 0 || d.BrandID == f.BrandID) && (f.ModelID == 0 || d.ModelID == f.ModelID) &&
			(f.VersionID == 0 || d.VersionID == f.VersionID)
	}
	if leaveOut != groupState {
		ok = ok && (f.StateID == 0 || d.StateID == f.StateID) && (f.CityID == 0 || d.CityID == f.CityID)
	}
	if leaveOut != groupType {
		ok = ok && (f.Type == "" || d.Type == f.Type)
	}
	if leaveOut != groupYear {
		ok = ok && (f.YearMin == 0 || d.ModelYear >= f.YearMin) && (f.YearMax == 0 || d.ModelYear <= f.YearMax)
	}
	if leaveOut != groupPrice {
		ok = ok && (f.PriceMin == 0 || d.Price >= f.PriceMin) && (f.PriceMax == 0 || d.Price <= f.PriceMax)
	}
	ok = ok && (f.KmMax == 0 || d.Mileage <= f.KmMax) && (f.Color == "" || d.Color == f.Color) && (!f.TopOffer || d.TopOffer)
	for i, w := range f.Words {
		ok = ok && n.matchWord(d, w, i == len(f.Words)-1)
	}
	return ok
}

func (n *naive) search(f Filter, order string, offset, limit int) Result {
	var hits []Doc
	res := Result{Facets: Facets{Brands: map[uint32]int{}, States: map[uint16]int{}, Types: map[string]int{}, Years: map[int]int{},
		Prices: make([]int, len(PriceBands))}}
	for _, d := range n.docs {
		if n.match(d, f, -1) {
			hits = append(hits, d)
		}
		if n.match(d, f, groupBrand) {
			res.Facets.Brands[d.BrandID]++
		}
		if n.match(d, f, groupState) {
			res.Facets.States[d.StateID]++
		}
		if n.match(d, f, groupType) && d.Type != "" {
			res.Facets.Types[d.Type]++
		}
		if n.match(d, f, groupYear) {
			res.Facets.Years[d.ModelYear]++
		}
		if n.match(d, f, groupPrice) {
			for i, lo := range PriceBands {
				if d.Price >= lo && (i+1 == len(PriceBands) || d.Price <= PriceBands[i+1]) {
					res.Facets.Prices[i]++
				}
			}
		}
	}
	key := func(d Doc) []int64 {
		pub := d.PublishedAt.UnixMicro()
		id := int64(d.ID)
		switch order {
		case OrderPriceAsc:
			return []int64{d.Price, id}
		case OrderPriceDesc:
			return []int64{-d.Price, -id}
		case OrderKmAsc:
			return []int64{int64(d.Mileage), id}
		case OrderModelYearNew:
			return []int64{-int64(d.ModelYear), -pub, -id}
		}
		return []int64{-pub, -id}
	}
	slices.SortFunc(hits, func(a, b Doc) int { return slices.Compare(key(a), key(b)) })
	res.Total = len(hits)
	if offset < len(hits) {
		for _, d := range hits[offset:min(offset+limit, len(hits))] {
			d.Phrase = ""
			res.Docs = append(res.Docs, d)
		}
	}
	return res
}

func TestIndexAgreesWithPlainReading(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	ix := New()
	ix.SetNames(testNames)
	plain := &naive{docs: map[uint64]Doc{}, names: testNames, words: map[uint64][]string{}}
	var batch []Doc
	for id := uint64(1); id <= 3000; id++ {
		d := randomDoc(rng, id)
		batch = append(batch, d)
		plain.docs[id] = d
	}
	ix.Apply(batch, nil) // the first load
	ix.MarkReady()
	orders := []string{OrderNewest, OrderPriceAsc, OrderPriceDesc, OrderKmAsc, OrderModelYearNew}
	rounds := 40
	if raceEnabled {
		rounds = 10
	}
	for round := range rounds {
		// Changes one by one: new ads, edits, removals.
		var ups []Doc
		var gone []uint64
		for range 25 {
			id := uint64(1 + rng.IntN(3200))
			if rng.IntN(4) == 0 {
				gone = append(gone, id)
				delete(plain.docs, id)
				ups = slices.DeleteFunc(ups, func(d Doc) bool { return d.ID == id })
				continue
			}
			d := randomDoc(rng, id)
			ups = append(ups, d)
			plain.docs[id] = d
			delete(plain.words, id)
			gone = slices.DeleteFunc(gone, func(g uint64) bool { return g == id })
		}
		ix.Apply(nil, gone)
		ix.Apply(ups, nil)
		for q := range 50 {
			f := randomFilter(rng)
			order := orders[rng.IntN(len(orders))]
			offset := []int{0, 0, 24, 48, 240}[rng.IntN(5)]
			got := ix.Search(f, order, offset, 24, true)
			want := plain.search(f, order, offset, 24)
			for i := range got.Docs {
				got.Docs[i].Updated = want.Docs[min(i, len(want.Docs)-1)].Updated
				got.Docs[i].Rating = Rating{} // the ratings have their own tests (rating_test.go)
			}
			if got.Total != want.Total || !reflect.DeepEqual(ids(got.Docs), ids(want.Docs)) {
				t.Fatalf("round %d query %d: %+v %s offset %d: got %d %v, want %d %v", round, q, f, order, offset,
					got.Total, ids(got.Docs), want.Total, ids(want.Docs))
			}
			if !reflect.DeepEqual(got.Docs, want.Docs) && len(want.Docs) > 0 {
				t.Fatalf("cards differ:\n got %+v\nwant %+v", got.Docs[0], want.Docs[0])
			}
			if !reflect.DeepEqual(got.Facets, want.Facets) {
				t.Fatalf("round %d query %d: %+v: facets\n got %+v\nwant %+v", round, q, f, got.Facets, want.Facets)
			}
		}
	}
	if ix.Len() != len(plain.docs) {
		t.Fatalf("index holds %d ads, want %d", ix.Len(), len(plain.docs))
	}
}

func ids(docs []Doc) []uint64 {
	out := []uint64{}
	for _, d := range docs {
		out = append(out, d.ID)
	}
	return out
}

func TestWords(t *testing.T) {
	for in, want := range map[string]string{
		"São Paulo":           " sao paulo ",
		"MT-07  ABS, MT-07":   " mt 07 abs ",
		"Coração ÇÃ ñ":        " coracao ca n ",
		"":                    "",
		"  --  ":              "",
		"Harley-Davidson 1.2": " harley davidson 1 2 ",
		"CG160 cb500X 200i":   " cg 160 cb 500 x 200 i ",
	} {
		if got := WordsText(in); got != want {
			t.Errorf("WordsText(%q) = %q, want %q", in, got, want)
		}
	}
	long := WordsText(strings.Repeat("palavra", 100) + " " + strings.Repeat("x ", 500))
	if len(long) > maxWordsText || !strings.HasSuffix(long, " ") {
		t.Errorf("a long text is cut to %d bytes ending %q", len(long), long[len(long)-3:])
	}
}
