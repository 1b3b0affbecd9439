package search

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// Benchmarks of the saved searches' matcher on a catalog shaped like
// Brazil's (Honda about half of it, then Yamaha, a long tail of brands; São
// Paulo a quarter of the ads and the state capitals most of each state's)
// and 100,000 saved searches mixed as people save them: most with a brand,
// many with a model, some with a state or city, price caps, year ranges,
// and one in five with free text.
//
//	go test ./search/ -run '^$' -bench 'Match|SavedPut' -benchmem -count 5

const alertSearches = 100_000

type alertLine struct {
	name     string
	share    int
	versions []string
	style    string
	price    int64 // a typical price, in reais
}

type alertMaker struct {
	name  string
	share int
	lines []alertLine
}

var alertCatalog = []alertMaker{
	{"Honda", 55, []alertLine{
		{"CG 160", 25, []string{"Titan", "Fan", "Start", "Cargo"}, "street", 16_000},
		{"Biz 125", 10, []string{"ES", "EX"}, "scooter", 14_000},
		{"Pop 110i", 6, nil, "street", 10_000},
		{"NXR 160 Bros", 8, []string{"ESDD"}, "trail", 19_000},
		{"XRE 300", 6, []string{"Rally", "ABS"}, "trail", 26_000},
		{"XRE 190", 4, nil, "trail", 20_000},
		{"CB 300F Twister", 6, []string{"ABS"}, "street", 22_000},
		{"CB 500X", 2, nil, "touring", 40_000},
		{"PCX 160", 6, []string{"DLX", "ABS"}, "scooter", 18_000},
		{"Elite 125", 2, nil, "scooter", 12_000},
		{"Sahara 300", 3, []string{"Adventure"}, "trail", 28_000},
	}},
	{"Yamaha", 22, []alertLine{
		{"Fazer 250", 6, []string{"ABS"}, "street", 20_000},
		{"Factor 150", 5, []string{"ED", "UBS"}, "street", 14_000},
		{"Crosser 150", 3, []string{"S", "Z"}, "trail", 17_000},
		{"Lander 250", 3, []string{"ABS"}, "trail", 24_000},
		{"MT-03", 2, nil, "naked", 30_000},
		{"MT-07", 1, nil, "naked", 45_000},
		{"NMax 160", 4, []string{"ABS"}, "scooter", 19_000},
		{"XTZ 250", 2, nil, "trail", 18_000},
	}},
	{"Suzuki", 3, []alertLine{{"GSX-S750", 1, nil, "naked", 45_000}, {"V-Strom 650", 1, []string{"XT"}, "touring", 50_000}, {"Burgman 125", 1, nil, "scooter", 11_000}}},
	{"Kawasaki", 3, []alertLine{{"Ninja 400", 2, nil, "sport", 32_000}, {"Z400", 1, nil, "naked", 30_000}, {"Versys 650", 1, nil, "touring", 45_000}}},
	{"BMW", 3, []alertLine{{"G 310 GS", 2, nil, "trail", 30_000}, {"R 1250 GS", 2, []string{"Adventure", "HP"}, "trail", 110_000}, {"F 850 GS", 1, nil, "trail", 70_000}}},
	{"Triumph", 2, []alertLine{{"Tiger 900", 2, []string{"GT", "Rally"}, "trail", 75_000}, {"Street Triple", 1, nil, "naked", 55_000}}},
	{"Harley-Davidson", 2, []alertLine{{"Fat Boy", 1, nil, "custom", 90_000}, {"Sportster S", 1, nil, "custom", 80_000}}},
	{"Royal Enfield", 2, []alertLine{{"Meteor 350", 2, []string{"Fireball", "Stellar"}, "custom", 22_000}, {"Himalayan", 1, nil, "trail", 25_000}}},
	{"Shineray", 3, []alertLine{{"Jet 50", 2, nil, "scooter", 7_000}, {"Phoenix 50", 1, nil, "street", 6_500}, {"Worker 125", 1, nil, "street", 8_000}}},
	{"Haojue", 2, []alertLine{{"DK 150", 2, []string{"CBS"}, "street", 12_000}, {"Chopper Road 150", 1, nil, "custom", 13_000}}},
	{"Dafra", 2, []alertLine{{"Citycom 300", 1, nil, "scooter", 15_000}, {"Apache 200", 1, nil, "street", 12_000}}},
}

// The states by their share of the ads (SP first), with their capitals.
var alertStates = []struct {
	capital string
	share   int
}{
	{"São Paulo", 25}, {"Belo Horizonte", 11}, {"Rio de Janeiro", 7}, {"Curitiba", 7}, {"Porto Alegre", 6}, {"Florianópolis", 5},
	{"Salvador", 5}, {"Goiânia", 4}, {"Recife", 3}, {"Fortaleza", 3}, {"Belém", 3}, {"Manaus", 2}, {"Campo Grande", 2},
	{"Cuiabá", 2}, {"Vitória", 2}, {"São Luís", 2}, {"Teresina", 1}, {"Natal", 1}, {"João Pessoa", 1}, {"Maceió", 1},
	{"Aracaju", 1}, {"Palmas", 1}, {"Porto Velho", 1}, {"Rio Branco", 1}, {"Macapá", 1}, {"Boa Vista", 1}, {"Brasília", 1},
}

// alertCitiesPerState is how many cities each state has here (5,570 in all
// in Brazil); city 1 of a state is its capital.
const alertCitiesPerState = 200

var (
	alertTexts   = []string{"cg 160", "biz", "fazer 250", "xre", "titan", "bros", "lander", "pcx", "twister", "cg 160 fan", "nmax", "factor", "xre 300 abs", "mt 07", "unico dono", "sahara", "start 160", "cb 500", "tiger", "harley"}
	alertPhrases = []string{"único dono", "revisada", "aceito troca", "documento ok", "pneus novos", "IPVA 2026 pago", "baixa km", "manual e chave reserva", "financio", "impecável", "nunca caiu", "segundo dono", "toda original", "escapamento esportivo", "baú", "nota fiscal", "garantia de fábrica", "zero km"}
	alertColors  = []string{"preta", "branca", "vermelha", "azul", "prata", "cinza"}
)

// alertWorld draws ads and saved searches from the catalog, the same for
// a seed.
type alertWorld struct {
	rng   *rand.Rand
	names Names
}

func newAlertWorld(seed uint64) *alertWorld {
	w := &alertWorld{rng: rand.New(rand.NewPCG(seed, 42)), names: Names{Brands: map[uint32]string{}, Models: map[uint32]string{},
		Versions: map[uint32]string{}, Cities: map[uint32]string{}}}
	for bi, b := range alertCatalog {
		w.names.Brands[uint32(bi+1)] = b.name
		for li, l := range b.lines {
			w.names.Models[alertModelID(bi, li)] = l.name
			for vi, v := range l.versions {
				w.names.Versions[alertModelID(bi, li)*10+uint32(vi+1)] = v
			}
		}
	}
	towns := []string{"Santa", "Nova", "São", "Campo", "Porto", "Bom", "Vila", "Monte"}
	places := []string{"Esperança", "Alegre", "Vista", "Grande", "Jesus", "Cruz", "Azul", "Verde", "do Sul", "Bonito"}
	for si, s := range alertStates {
		for c := 1; c <= alertCitiesPerState; c++ {
			name := s.capital
			if c > 1 {
				name = towns[(c+si)%len(towns)] + " " + places[(c*7+si)%len(places)]
			}
			w.names.Cities[alertCityID(si, c)] = name
		}
	}
	return w
}

func alertModelID(brand, line int) uint32 { return uint32((brand+1)*100 + line + 1) }
func alertCityID(state, city int) uint32  { return uint32((state+1)*1000 + city) }

// share draws an index from the shares.
func (w *alertWorld) share(n int, share func(i int) int) int {
	total := 0
	for i := range n {
		total += share(i)
	}
	x := w.rng.IntN(total)
	for i := range n {
		if x -= share(i); x < 0 {
			return i
		}
	}
	return n - 1
}

func (w *alertWorld) line() (brand, line int) {
	brand = w.share(len(alertCatalog), func(i int) int { return alertCatalog[i].share })
	lines := alertCatalog[brand].lines
	return brand, w.share(len(lines), func(i int) int { return lines[i].share })
}

// place draws a state and a city: the capital a third of the time, one of
// the next 20 cities another third.
func (w *alertWorld) place() (state int, city int) {
	state = w.share(len(alertStates), func(i int) int { return alertStates[i].share })
	switch w.rng.IntN(3) {
	case 0:
		return state, 1
	case 1:
		return state, 2 + w.rng.IntN(20)
	}
	return state, 2 + w.rng.IntN(alertCitiesPerState-1)
}

// doc draws a newly published ad.
func (w *alertWorld) doc(id uint64) Doc {
	bi, li := w.line()
	l := alertCatalog[bi].lines[li]
	si, ci := w.place()
	year := 2008 + w.rng.IntN(19)
	d := Doc{
		ID: id, BrandID: uint32(bi + 1), ModelID: alertModelID(bi, li), StateID: uint16(si + 1), CityID: alertCityID(si, ci),
		Type: l.style, Color: alertColors[w.rng.IntN(len(alertColors))], ModelYear: year, FabricationYear: year,
		Mileage: (2026 - year) * w.rng.IntN(12_000), Price: (l.price*int64(60+w.rng.IntN(80))/100 + int64(year-2008)*300) * 100,
	}
	if len(l.versions) > 0 && w.rng.IntN(4) > 0 {
		d.VersionID = d.ModelID*10 + uint32(1+w.rng.IntN(len(l.versions)))
	}
	words := []string{}
	if w.rng.IntN(2) == 0 {
		words = append(words, alertCatalog[bi].name, l.name, fmt.Sprint(year))
	}
	for range 2 + w.rng.IntN(5) {
		words = append(words, alertPhrases[w.rng.IntN(len(alertPhrases))])
	}
	d.Phrase = strings.Join(words, ", ")
	return d
}

// filter draws a saved search.
func (w *alertWorld) filter() Filter {
	var f Filter
	text := w.rng.IntN(5) == 0
	if text {
		f.Words = Words(alertTexts[w.rng.IntN(len(alertTexts))])
	}
	if !text && w.rng.IntN(100) < 85 || text && w.rng.IntN(100) < 40 {
		w.catalog(&f, !text)
	}
	if w.rng.IntN(100) < 40 {
		si, ci := w.place()
		f.StateID = uint16(si + 1)
		if w.rng.IntN(2) == 0 {
			f.CityID = alertCityID(si, ci)
		}
	}
	w.ranges(&f)
	if w.rng.IntN(100) < 4 {
		f.Type = []string{"street", "trail", "scooter", "custom"}[w.rng.IntN(4)]
	}
	if w.rng.IntN(100) < 3 {
		f.Color = alertColors[w.rng.IntN(len(alertColors))]
	}
	f.TopOffer = w.rng.IntN(20) == 0
	return f
}

// catalog fills a search's brand, and often its model and version.
func (w *alertWorld) catalog(f *Filter, models bool) {
	bi, li := w.line()
	f.BrandID = uint32(bi + 1)
	if !models || w.rng.IntN(100) >= 60 {
		return
	}
	f.ModelID = alertModelID(bi, li)
	if n := len(alertCatalog[bi].lines[li].versions); n > 0 && w.rng.IntN(5) == 0 {
		f.VersionID = f.ModelID*10 + uint32(1+w.rng.IntN(n))
	}
}

// ranges fills a search's price, year and km bounds, as people set them.
func (w *alertWorld) ranges(f *Filter) {
	if w.rng.IntN(100) < 65 {
		f.PriceMax = int64(5_000+500*w.rng.IntN(150)) * 100
	}
	if w.rng.IntN(100) < 15 {
		f.PriceMin = int64(3_000+500*w.rng.IntN(40)) * 100
	}
	if w.rng.IntN(100) < 40 {
		f.YearMin = 2010 + w.rng.IntN(16)
		if w.rng.IntN(100) < 35 {
			f.YearMax = f.YearMin + w.rng.IntN(6)
		}
	}
	if w.rng.IntN(100) < 25 {
		f.KmMax = []int{10_000, 20_000, 30_000, 50_000, 80_000}[w.rng.IntN(5)]
	}
}

// alertMatcher returns a matcher holding n saved searches, and the ads to
// match.
func alertMatcher(n, ads int) (*Matcher, []Doc) {
	w := newAlertWorld(1)
	m := NewMatcher()
	m.SetNames(w.names)
	for id := range uint64(n) {
		m.Put(id+1, w.filter())
	}
	docs := make([]Doc, ads)
	for i := range docs {
		docs[i] = w.doc(uint64(i + 1))
	}
	return m, docs
}

// BenchmarkMatch matches newly published ads, a different one each time,
// against 100,000 saved searches, and reports how many each ad passes (the
// median).
func BenchmarkMatch(b *testing.B) {
	m, docs := alertMatcher(alertSearches, 1<<14)
	i := 0
	for b.Loop() {
		m.Match(&docs[i%len(docs)])
		i++
	}
	counts := make([]int, 1001)
	for i := range counts {
		counts[i] = len(m.Match(&docs[i]))
	}
	slices.Sort(counts)
	b.ReportMetric(float64(counts[len(counts)/2]), "matches/ad")
}

// BenchmarkSavedPut loads 100,000 saved searches into an empty matcher,
// and reports the heap the matcher holds per saved search.
func BenchmarkSavedPut(b *testing.B) {
	w := newAlertWorld(1)
	filters := make([]Filter, alertSearches)
	for i := range filters {
		filters[i] = w.filter()
	}
	for b.Loop() {
		m := NewMatcher()
		m.SetNames(w.names)
		for i := range filters {
			m.Put(uint64(i+1), filters[i])
		}
	}
	// The heap the searches hold (the names aside), their words drawn
	// anew as a load from the database would.
	var before, after runtime.MemStats
	w = newAlertWorld(1)
	m := NewMatcher()
	m.SetNames(w.names)
	runtime.GC()
	runtime.ReadMemStats(&before)
	for id := range uint64(alertSearches) {
		m.Put(id+1, w.filter())
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/alertSearches, "bytes/search")
	runtime.KeepAlive(m)
}
