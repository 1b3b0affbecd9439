package search

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"
)

// marketLine is a model as the market has it: its brand, its price new in
// reais, how many versions it comes in, and its weight among the ads.
type marketLine struct {
	brand    uint32
	priceNew float64
	versions int
	weight   int
}

// market is a Brazilian used-motorcycle market in miniature: Honda's
// commuters most of it, Yamaha next, then the rest down to a few big bikes.
var market = func() []marketLine {
	lines := []marketLine{
		{1, 16_000, 4, 180}, {1, 10_000, 3, 110}, {1, 14_000, 2, 60}, {1, 22_000, 3, 50}, {1, 17_000, 2, 45}, // CG, Biz, Pop, XRE, Bros
		{1, 30_000, 2, 30}, {1, 45_000, 2, 12}, {1, 25_000, 2, 25}, // CB 500, Africa-like, PCX
		{2, 18_000, 3, 60}, {2, 24_000, 2, 35}, {2, 15_000, 2, 25}, {2, 55_000, 2, 10}, // Fazer, Lander, Factor, MT-07
		{3, 14_000, 2, 20}, {3, 20_000, 2, 12}, // Suzuki
		{4, 60_000, 3, 6}, {4, 90_000, 2, 4}, // BMW
		{5, 110_000, 3, 3}, {6, 40_000, 2, 8}, {7, 13_000, 2, 15}, {8, 35_000, 2, 6}, // Harley, Kawasaki, Shineray, Triumph
	}
	// A long tail of rarer models, a handful of ads each.
	for i := range 180 {
		lines = append(lines, marketLine{uint32(9 + i%10), 12_000 + float64(i%30)*4_000, 1 + i%3, 1})
	}
	return lines
}()

// marketDocs makes n ads of the market: model years 2008–2026, newer ones
// more often; km growing with age; the price new losing about 8 % a year
// and 0.6 % per 1,000 km, with a spread of about 12 % between sellers.
func marketDocs(n int, seed uint64) []Doc {
	rng := rand.New(rand.NewPCG(seed, 2))
	var weights []int
	total := 0
	for _, l := range market {
		total += l.weight
		weights = append(weights, total)
	}
	docs := make([]Doc, n)
	start := time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)
	for i := range docs {
		w := rng.IntN(total)
		m := 0
		for weights[m] <= w {
			m++
		}
		l := market[m]
		age := min(int(rng.ExpFloat64()*4), 18)
		km := int(float64(age)*8_000*(0.4+rng.Float64()*1.2)) + rng.IntN(3_000)
		isNew := age == 0 && rng.IntN(3) == 0
		if isNew {
			km = 0
		}
		price := l.priceNew * math.Pow(0.92, float64(age)) * math.Exp(-0.006*float64(km)/1000+rng.NormFloat64()*0.12)
		docs[i] = Doc{
			ID: uint64(i + 1), BrandID: l.brand, ModelID: uint32(m + 1), VersionID: uint32((m+1)*10 + rng.IntN(l.versions)),
			StateID: uint16(1 + rng.IntN(27)), CityID: uint32(1 + rng.IntN(5570)), ModelYear: 2026 - age, FabricationYear: 2026 - age,
			Mileage: km, IsNew: isNew, Price: int64(price) * 100,
			PublishedAt: start.Add(time.Duration(rng.Int64N(int64(55 * 24 * time.Hour)))),
		}
	}
	return docs
}

// BenchmarkRating computes every ad's fair-price rating at BENCH_ADS ads
// (100,000 by default), as the index does a second after changes, and
// reports the share of ads rated.
func BenchmarkRating(b *testing.B) {
	docs := marketDocs(benchAds(), 1)
	ix := New()
	ix.Apply(docs, nil)
	ix.MarkReady()
	for b.Loop() {
		ix.RecomputeRatings()
	}
	n := ix.Search(Filter{}, OrderBestDeal, 0, 1, false).Total
	good := ix.Search(Filter{GoodPrice: true}, OrderNewest, 0, 1, false).Total
	rated := 0
	for _, d := range docs {
		if _, ok := ix.Rating(d.ID); ok {
			rated++
		}
	}
	b.ReportMetric(100*float64(rated)/float64(n), "%rated")
	b.ReportMetric(100*float64(good)/float64(n), "%good")
}
