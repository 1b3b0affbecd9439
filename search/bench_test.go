package search

import (
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Benchmarks of the index alone, on synthetic ads shaped like the site's:
// 18 brands, 300 models, 1,000 versions, 5,570 cities (a few large ones
// holding most ads), sales phrases of 2–8 words from a vocabulary of 3,000.
// BENCH_ADS sets the number of ads (100,000 by default):
//
//	BENCH_ADS=1000000 go test -run '^$' -bench . -benchtime 20000x ./search/

func benchAds() int {
	if n, err := strconv.Atoi(os.Getenv("BENCH_ADS")); err == nil && n > 0 {
		return n
	}
	return 100_000
}

// syntheticDocs makes n ads with the shapes above, the same for a seed.
func syntheticDocs(n int, seed uint64) []Doc {
	rng := rand.New(rand.NewPCG(seed, 1))
	vocab := make([]string, 3000)
	for i := range vocab {
		vocab[i] = fmt.Sprintf("%c%c%c%d", 'a'+rng.IntN(26), 'a'+rng.IntN(26), 'a'+rng.IntN(26), i)
	}
	docs := make([]Doc, n)
	start := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	for i := range docs {
		version := uint32(1 + rng.IntN(1000))
		model := 1 + (version-1)*3/10 // 300 models
		brand := 1 + (model-1)*18/300 // 18 brands
		city := uint32(1 + int(float64(5570)*rng.Float64()*rng.Float64()*rng.Float64()))
		words := make([]string, 2+rng.IntN(7))
		for j := range words {
			words[j] = vocab[int(float64(len(vocab))*rng.Float64()*rng.Float64())]
		}
		id := uint64(i + 1)
		docs[i] = Doc{
			ID: id, BrandID: brand, ModelID: model, VersionID: version, StateID: uint16(1 + city%27), CityID: city,
			Type:            []string{"naked", "sport", "touring", "offroad", "scooter", "street", "custom"}[rng.IntN(7)],
			Color:           []string{"black", "white", "silver", "red", "blue"}[rng.IntN(5)],
			FabricationYear: 1995 + rng.IntN(31), ModelYear: 1995 + rng.IntN(32), Mileage: rng.IntN(120_000),
			IsNew: rng.IntN(10) == 0, TopOffer: rng.IntN(8) == 0, Price: 300_000 + rng.Int64N(15_000_000),
			PublishedAt: start.Add(time.Duration(rng.Int64N(int64(55 * 24 * time.Hour)))).Truncate(time.Second),
			Updated:     start, Phrase: strings.Join(words, " "),
			Cover: Photo{Key: fmt.Sprintf("ads/%d/%d-thumb.jpg", id, 3*id), Width: 480, Height: 360},
		}
	}
	return docs
}

// BenchmarkBuild loads the ads into an empty index and reports the heap
// the index holds per ad.
func BenchmarkBuild(b *testing.B) {
	docs := syntheticDocs(benchAds(), 1)
	var perAd float64
	for b.Loop() {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		ix := New()
		for i := 0; i < len(docs); i += 2000 {
			ix.Apply(docs[i:min(i+2000, len(docs))], nil)
		}
		ix.MarkReady()
		runtime.GC()
		runtime.ReadMemStats(&after)
		perAd = float64(after.HeapAlloc-before.HeapAlloc) / float64(len(docs))
		runtime.KeepAlive(ix)
	}
	b.ReportMetric(perAd, "bytes/ad")
}

// BenchmarkSearch answers searches nobody made before: each iteration a
// new combination of filters, order and page, as BENCH_ADS ads are
// searched.
func BenchmarkSearch(b *testing.B) {
	docs := syntheticDocs(benchAds(), 1)
	ix := New()
	ix.Apply(docs, nil)
	ix.MarkReady()
	ix.SetNames(Names{Brands: map[uint32]string{1: "Honda", 2: "Yamaha"}})
	orders := []string{OrderNewest, OrderPriceAsc, OrderPriceDesc, OrderKmAsc, OrderModelYearNew}
	rng := rand.New(rand.NewPCG(3, 4))
	vocab := syntheticDocs(200, 9)
	kinds := []struct {
		name   string
		filter func() Filter
	}{
		{"brand+state+price+year", func() Filter {
			lo := 100_000 * rng.Int64N(60)
			y := 1995 + rng.IntN(25)
			return Filter{BrandID: uint32(1 + rng.IntN(18)), StateID: uint16(1 + rng.IntN(27)),
				PriceMin: lo, PriceMax: lo + 100_000*(1+rng.Int64N(80)), YearMin: y, YearMax: y + rng.IntN(8)}
		}},
		{"word+price cap", func() Filter {
			w := Words(vocab[rng.IntN(len(vocab))].Phrase)[0]
			return Filter{Words: []string{w[:2+rng.IntN(len(w)-2)]}, PriceMax: 500_000 + 10_000*rng.Int64N(1000)}
		}},
		{"broad price range", func() Filter {
			lo := 10_000 * rng.Int64N(300)
			return Filter{PriceMin: lo, PriceMax: lo + 5_000_000 + 10_000*rng.Int64N(500)}
		}},
	}
	for _, k := range kinds {
		b.Run(k.name, func(b *testing.B) {
			for b.Loop() {
				ix.Search(k.filter(), orders[rng.IntN(len(orders))], 24*rng.IntN(100), 24, true)
			}
		})
	}
}

// BenchmarkApply changes one ad at a time (a new price), as edits do.
func BenchmarkApply(b *testing.B) {
	docs := syntheticDocs(benchAds(), 1)
	ix := New()
	ix.Apply(docs, nil)
	ix.MarkReady()
	rng := rand.New(rand.NewPCG(5, 6))
	for b.Loop() {
		d := docs[rng.IntN(len(docs))]
		d.Price = rng.Int64N(20_000_000)
		ix.Apply([]Doc{d}, nil)
	}
}
