package search

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// The fair-price rating on ads made for each case, and against a plain
// reading of the method on random ads.

// ratedDoc is a used Honda CG 160 (model 11) of the version, model year,
// km and price in reais given.
func ratedDoc(id uint64, version uint32, year, km int, reais int64) Doc {
	return Doc{ID: id, BrandID: 1, ModelID: 11, VersionID: version, StateID: 1, CityID: 100, ModelYear: year, FabricationYear: year,
		Mileage: km, Price: reais * 100, PublishedAt: time.Date(2026, 1, 1, 0, 0, int(id), 0, time.UTC)}
}

// loaded is an index holding the ads, after its first load.
func loaded(docs ...Doc) *Index {
	ix := New()
	ix.Apply(docs, nil)
	ix.MarkReady()
	return ix
}

// mustRating returns the ad's rating, failing the test without one.
func mustRating(t *testing.T, ix *Index, id uint64) Rating {
	t.Helper()
	r, ok := ix.Rating(id)
	if !ok {
		t.Fatalf("ad %d has no rating", id)
	}
	return r
}

// priceGroup is ten CG 160 Titan 2020 at 10,000 km: eight around
// R$ 20.000, one 20 % below (id 100), one 7 % below (id 10), one 17.5 %
// above (id 9).
func priceGroup() []Doc {
	var docs []Doc
	for i, p := range []int64{19_400, 19_700, 20_000, 20_000, 20_000, 20_300, 20_600, 21_000, 23_500, 18_600} {
		docs = append(docs, ratedDoc(uint64(i+1), 111, 2020, 10_000, p))
	}
	return append(docs, ratedDoc(100, 111, 2020, 10_000, 16_000))
}

func TestRatingLevels(t *testing.T) {
	ix := loaded(priceGroup()...)
	for id, want := range map[uint64]Level{100: LevelGreat, 10: LevelGood, 3: LevelFair, 9: LevelHigh} {
		r := mustRating(t, ix, id)
		if r.Level != want {
			t.Errorf("ad %d: %s, want %s (%+v)", id, r.Level.Label(), want.Label(), r)
		}
		if r.Estimate != 20_000_00 || r.Comparables != 10 || r.Wide {
			t.Errorf("ad %d: estimate %d from %d ads (wide %v), want R$ 20.000 from 10 of its version", id, r.Estimate, r.Comparables, r.Wide)
		}
	}
	if got := LevelGreat.Label(); got != "Ótimo preço" {
		t.Errorf("label %q", got)
	}
}

func TestRatingNeedsComparables(t *testing.T) {
	docs := []Doc{ratedDoc(100, 111, 2020, 10_000, 16_000)}
	for i := range 4 {
		docs = append(docs, ratedDoc(uint64(1+i), 111, 2020+i%2, 10_000, 20_000))
	}
	// Neither zero-km ads, nor another model, nor model years too far count.
	for i := range 3 {
		d := ratedDoc(uint64(10+i), 111, 2020, 0, 24_000)
		d.IsNew = true
		docs = append(docs, d)
	}
	other := ratedDoc(20, 111, 2020, 10_000, 20_000)
	other.ModelID = 12
	docs = append(docs, other, ratedDoc(21, 111, 2022, 10_000, 20_000), ratedDoc(22, 112, 2017, 10_000, 20_000))
	ix := loaded(docs...)
	if r, ok := ix.Rating(100); ok {
		t.Fatalf("an ad with 4 comparables of its version is rated %+v", r)
	}
	if r, ok := ix.Rating(20); ok {
		t.Fatalf("an ad alone of its model is rated %+v", r)
	}

	// Other versions within two model years make up the wider group.
	var more []Doc
	for i := range 2 {
		more = append(more, ratedDoc(uint64(30+i), 112, 2018+2*i, 10_000, 20_000))
	}
	ix.Apply(more, nil)
	ix.RecomputeRatings()
	if r, ok := ix.Rating(100); ok {
		t.Fatalf("an ad with 7 comparables of its model is rated %+v", r)
	}
	ix.Apply([]Doc{ratedDoc(40, 112, 2021, 10_000, 20_000)}, nil)
	ix.RecomputeRatings()
	r := mustRating(t, ix, 100)
	if !r.Wide || r.Comparables != 8 || r.Estimate != 20_000_00 || r.Level != LevelGreat {
		t.Errorf("rated %+v, want Ótimo preço against R$ 20.000 from the model's 8 ads", r)
	}
}

// In the wider group a dear version is compared at its own level: three
// CG 160 Titan 2023 at about R$ 17.000 among ten Start 2023 at R$ 13.000
// (too few Titans for a group of their own) are at a fair price, not
// above the market, and a Titan at R$ 14.000 is a great one.
func TestRatingWiderGroupKeepsVersionLevels(t *testing.T) {
	var docs []Doc
	for i := range 10 {
		docs = append(docs, ratedDoc(uint64(1+i), 111, 2023, 10_000, 12_800+int64(i%3)*200))
	}
	docs = append(docs, ratedDoc(20, 112, 2023, 10_000, 16_800), ratedDoc(21, 112, 2023, 10_000, 17_200), ratedDoc(22, 112, 2023, 10_000, 17_000))
	docs = append(docs, ratedDoc(23, 112, 2023, 10_000, 14_000))
	ix := loaded(docs...)
	r := mustRating(t, ix, 22)
	if !r.Wide || r.Level != LevelFair || r.Estimate < 16_500_00 || r.Estimate > 17_500_00 {
		t.Errorf("a Titan at R$ 17.000 rated %s against %d (%+v), want a fair price near R$ 17.000", r.Level.Label(), r.Estimate/100, r)
	}
	if r := mustRating(t, ix, 23); r.Level != LevelGreat {
		t.Errorf("a Titan at R$ 14.000 rated %s against %d", r.Level.Label(), r.Estimate/100)
	}
	if r := mustRating(t, ix, 5); r.Wide || r.Level != LevelFair {
		t.Errorf("a Start at its version's price rated %+v", r)
	}
}

func TestRatingFollowsChanges(t *testing.T) {
	defer func(d time.Duration) { ratingDelay = d }(ratingDelay)
	ratingDelay = 10 * time.Millisecond
	var docs []Doc
	for i := range 6 {
		docs = append(docs, ratedDoc(uint64(1+i), 111, 2020, 10_000, 20_000+int64(i)*100))
	}
	docs = append(docs, ratedDoc(100, 111, 2020, 10_000, 19_000))
	ix := loaded(docs...)
	before := mustRating(t, ix, 100)

	// A seller cuts the price: that ad's old rating goes at once.
	cut := ratedDoc(1, 111, 2020, 10_000, 15_000)
	var cheaper []Doc
	for i := range 7 {
		cheaper = append(cheaper, ratedDoc(uint64(50+i), 111, 2020, 10_000, 15_000+int64(i)*100))
	}
	ix.Apply(append(cheaper, cut), nil)
	if r, ok := ix.Rating(1); ok {
		t.Errorf("a changed ad keeps its old rating %+v", r)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		after, _ := ix.Rating(100)
		if after.Estimate != 0 && after.Estimate < before.Estimate {
			if after.Comparables != 13 {
				t.Errorf("the estimate rests on %d ads, want 13", after.Comparables)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the estimate stays %d (was %d) after cheaper comparables came in", after.Estimate, before.Estimate)
		}
		time.Sleep(5 * time.Millisecond)
	}
	if _, ok := ix.Rating(1); !ok {
		t.Error("the changed ad is not rated again")
	}
}

// kmGroup is sixteen Yamaha MT-07 ABS 2019 (model 21) whose price falls
// 0.8 % per 1,000 km, from R$ 30.000 at 0 km.
func kmGroup() []Doc {
	var docs []Doc
	for i := range 16 {
		km := i * 5_000
		d := ratedDoc(uint64(300+i), 211, 2019, km, int64(math.Round(30_000*math.Exp(-0.008*float64(km)/1000))))
		d.ModelID = 21
		docs = append(docs, d)
	}
	return docs
}

func TestRatingAdjustsForKm(t *testing.T) {
	low, high := ratedDoc(200, 211, 2019, 5_000, 25_000), ratedDoc(201, 211, 2019, 60_000, 25_000)
	low.ModelID, high.ModelID = 21, 21
	ix := loaded(append(kmGroup(), low, high)...)
	rl, rh := mustRating(t, ix, 200), mustRating(t, ix, 201)
	if rl.Estimate <= rh.Estimate || rl.Level >= rh.Level {
		t.Errorf("at the same price, 5,000 km is rated %s (R$ %d) and 60,000 km %s (R$ %d): the high km should rate worse",
			rl.Level.Label(), rl.Estimate/100, rh.Level.Label(), rh.Estimate/100)
	}
	// The estimates follow the fall: R$ 28.800 at 5,000 km, R$ 18.600 at 60,000.
	for _, c := range []struct {
		r    Rating
		want float64
	}{{rl, 30_000 * math.Exp(-0.04)}, {rh, 30_000 * math.Exp(-0.48)}} {
		if got := float64(c.r.Estimate) / 100; math.Abs(got-c.want) > 0.03*c.want {
			t.Errorf("estimate R$ %.0f, want about R$ %.0f", got, c.want)
		}
	}
}

func TestRatingKmSlopeIsClamped(t *testing.T) {
	for _, c := range []struct {
		name string
		drop float64 // per 1,000 km
		want float64
	}{{"steep", 0.04, -MaxKmDrop / 1000}, {"rising", -0.01, 0}, {"plain", 0.008, -0.008 / 1000}} {
		var docs []Doc
		for i := range 16 {
			km := i * 2_000
			docs = append(docs, ratedDoc(uint64(i+1), 111, 2020, km, int64(math.Round(30_000*math.Exp(-c.drop*float64(km)/1000)))))
		}
		ix := loaded(docs...)
		items, _ := ix.rateItems()
		sortByVersion(items)
		if got := kmSlopes(items)[11]; math.Abs(got-c.want) > 1e-7 {
			t.Errorf("%s: slope %g per km, want %g", c.name, got, c.want)
		}
	}
}

func TestRatingFilterAndOrder(t *testing.T) {
	docs := priceGroup()
	// Unrated: alone of their model.
	for i := range 3 {
		d := ratedDoc(uint64(60+i), 111, 2020, 10_000, 20_000)
		d.ModelID = uint32(70 + i)
		docs = append(docs, d)
	}
	// Another brand's ads, most of the index, so that a page of the first
	// brand is taken from its result and not by walking the order.
	rng := rand.New(rand.NewPCG(8, 9))
	for i := range 200 {
		d := ratedDoc(uint64(1000+i), 211, 2015+rng.IntN(6), rng.IntN(50_000), 20_000+rng.Int64N(15_000))
		d.BrandID, d.ModelID = 2, 21
		docs = append(docs, d)
	}
	ix := loaded(docs...)
	good := ix.Search(Filter{BrandID: 1, GoodPrice: true}, OrderNewest, 0, 50, true)
	if got := ids(good.Docs); !slices.Equal(got, []uint64{100, 10}) || good.Total != 2 {
		t.Errorf("good prices %v (%d), want [100 10]", got, good.Total)
	}
	for _, d := range good.Docs {
		if !d.Rating.Good() {
			t.Errorf("ad %d found as a good price is rated %+v", d.ID, d.Rating)
		}
	}
	if n := ix.Search(Filter{GoodPrice: true, ModelID: 70}, OrderNewest, 0, 50, false).Total; n != 0 {
		t.Errorf("%d unrated ads pass the good-price filter", n)
	}
	// Rated by price over estimate (9 and the R$ 20.000 ones by id), then
	// the unrated newest first; the same paged, whether the page is taken
	// from the result or by walking the order.
	want := []uint64{100, 10, 1, 2, 3, 4, 5, 6, 7, 8, 9, 62, 61, 60}
	for _, facets := range []bool{false, true} {
		var got []uint64
		for offset := 0; offset < len(want); offset += 4 {
			got = append(got, ids(ix.Search(Filter{BrandID: 1}, OrderBestDeal, offset, 4, facets).Docs)...)
		}
		if !slices.Equal(got, want) {
			t.Errorf("best deal first (facets %v): %v, want %v", facets, got, want)
		}
	}
	// Every ad: the same order as sorting them by their ratings.
	all := ix.Search(Filter{}, OrderBestDeal, 0, len(docs), false).Docs
	sorted := slices.Clone(all)
	slices.SortStableFunc(sorted, func(a, b Doc) int {
		ra, rb := a.Rating.Level != NoRating, b.Rating.Level != NoRating
		switch {
		case ra && rb:
			x, y := float64(a.Price)/float64(a.Rating.Estimate), float64(b.Price)/float64(b.Rating.Estimate)
			return cmp.Or(cmp.Compare(x, y), cmp.Compare(a.ID, b.ID))
		case ra != rb:
			return cmpBool(rb, ra)
		}
		return -a.PublishedAt.Compare(b.PublishedAt)
	})
	if len(all) != len(docs) || !slices.Equal(ids(all), ids(sorted)) {
		t.Errorf("best deal first, unfiltered: %v…, want %v…", ids(all)[:20], ids(sorted)[:20])
	}
	if n := ix.Search(Filter{GoodPrice: true}, OrderNewest, 0, 1, true).Total; n < 3 || n > 150 {
		t.Errorf("%d of %d ads are good prices", n, len(docs))
	}
}

// plainRatings rates the docs by reading every ad for every ad, with the
// index's km slopes.
func plainRatings(docs map[uint64]Doc, slopes map[uint32]float64) map[uint64]Rating {
	zeroKm := func(d Doc) float64 { return math.Log(float64(d.Price)) - slopes[d.ModelID]*float64(d.Mileage) }
	offset := plainOffsets(docs, zeroKm)
	out := map[uint64]Rating{}
	for _, d := range docs {
		if d.Price < MinRatedPrice {
			continue
		}
		for _, wide := range []bool{false, true} {
			var others []float64
			for _, o := range docs {
				near := abs(o.ModelYear-d.ModelYear) <= YearSpan && o.VersionID == d.VersionID
				if wide {
					near = abs(o.ModelYear-d.ModelYear) <= WideYearSpan
				}
				if o.ID != d.ID && near && o.ModelID == d.ModelID && o.IsNew == d.IsNew && o.Price >= MinRatedPrice {
					others = append(others, zeroKm(o)-wideOffset(wide, offset, o))
				}
			}
			least := MinComparables
			if wide {
				least = MinWideComparables
			}
			if len(others) < least {
				continue
			}
			mid := median(others)
			est := math.Round(math.Exp(mid+wideOffset(wide, offset, d)+slopes[d.ModelID]*float64(d.Mileage))/100_00) * 100_00
			out[d.ID] = Rating{Level: levelOf(float64(d.Price) / est), Estimate: int64(est), Comparables: len(others), Wide: wide}
			break
		}
	}
	return out
}

func abs(n int) int { return max(n, -n) }

// plainOffsets is each ad's version offset read plainly: the median, over
// its version's rated ads, of their 0 km log price less the median of
// their model, condition and model year.
func plainOffsets(docs map[uint64]Doc, zeroKm func(Doc) float64) map[uint64]float64 {
	rated := func(d Doc) bool { return d.Price >= MinRatedPrice }
	cellMedian := func(d Doc) float64 {
		var xs []float64
		for _, o := range docs {
			if rated(o) && o.ModelID == d.ModelID && o.IsNew == d.IsNew && o.ModelYear == d.ModelYear {
				xs = append(xs, zeroKm(o))
			}
		}
		return median(xs)
	}
	dev := map[uint64]float64{}
	for id, d := range docs {
		if rated(d) {
			dev[id] = zeroKm(d) - cellMedian(d)
		}
	}
	out := map[uint64]float64{}
	for id, d := range docs {
		var xs []float64
		for oid, o := range docs {
			if rated(o) && o.ModelID == d.ModelID && o.IsNew == d.IsNew && o.VersionID == d.VersionID {
				xs = append(xs, dev[oid])
			}
		}
		if len(xs) > 0 {
			out[id] = median(xs)
		}
	}
	return out
}

// wideOffset is the ad's version offset in the wider group, 0 in its own.
func wideOffset(wide bool, offset map[uint64]float64, d Doc) float64 {
	if !wide {
		return 0
	}
	return offset[d.ID]
}

func TestRatingAgreesWithPlainReading(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	docs := map[uint64]Doc{}
	var batch []Doc
	for id := uint64(1); id <= 1500; id++ {
		d := randomDoc(rng, id)
		d.Mileage = rng.IntN(60_000)
		d.Price = 500_000 + rng.Int64N(3_000_000)
		if rng.IntN(50) == 0 {
			d.Price = rng.Int64N(MinRatedPrice)
		}
		docs[id], batch = d, append(batch, d)
	}
	ix := loaded(batch...)
	rated := 0
	for round := range 4 {
		items, _ := ix.rateItems()
		sortByVersion(items)
		want := plainRatings(docs, kmSlopes(items))
		for id := range docs {
			got, _ := ix.Rating(id)
			if got != want[id] {
				t.Fatalf("round %d: ad %d rated %+v, want %+v", round, id, got, want[id])
			}
		}
		rated = len(want)
		// Changes: new prices, new ads, ads gone; then the computation.
		var ups []Doc
		var gone []uint64
		for range 40 {
			id := uint64(1 + rng.IntN(1600))
			if rng.IntN(4) == 0 {
				if _, ok := docs[id]; ok && !slices.ContainsFunc(ups, func(d Doc) bool { return d.ID == id }) {
					gone = append(gone, id)
					delete(docs, id)
				}
				continue
			}
			if slices.Contains(gone, id) || slices.ContainsFunc(ups, func(d Doc) bool { return d.ID == id }) {
				continue
			}
			d := randomDoc(rng, id)
			d.Mileage, d.Price = rng.IntN(60_000), 500_000+rng.Int64N(3_000_000)
			docs[id], ups = d, append(ups, d)
		}
		ix.Apply(ups, gone)
		for _, d := range ups {
			if r, ok := ix.Rating(d.ID); ok {
				t.Fatalf("ad %d keeps a rating %+v after it changed", d.ID, r)
			}
		}
		for _, d := range ix.Search(Filter{GoodPrice: true}, OrderNewest, 0, len(docs), false).Docs {
			if !d.Rating.Good() {
				t.Fatalf("ad %d, rated %+v, passes the good-price filter", d.ID, d.Rating)
			}
		}
		ix.RecomputeRatings()
	}
	if rated < len(docs)/2 {
		t.Errorf("only %d of %d ads rated: the test rates too little", rated, len(docs))
	}
}
