package handlers

import (
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"motando/models"
	"motando/models/modelstest"
)

func FuzzParsePrice(f *testing.F) {
	for _, s := range []string{"R$ 12.345,67", "12345,67", "12.345", "1500.50", "0,99", "", "abc", "1.2.3", "R$\u00a018.500,00", "9999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		cents, ok := parsePrice(s)
		if !ok {
			return
		}
		if cents < 0 {
			t.Fatalf("parsePrice(%q) = %d, negative", s, cents)
		}
		// What the site writes back must read as the same amount.
		back, ok := parsePrice(strings.TrimPrefix(money(cents), "R$ "))
		if !ok || back != cents {
			t.Fatalf("parsePrice(%q) = %d, but %q reads as %d, %v", s, cents, money(cents), back, ok)
		}
	})
}

func FuzzNormalizePlate(f *testing.F) {
	for _, s := range []string{"ABC-1234", "abc1d23", " bra 2e19 ", "", "AB-12345", "ÀBC1234"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, ok := normalizePlate(s)
		if !ok {
			return
		}
		if len(p) != 7 || !plateOld.MatchString(p) && !plateMercosul.MatchString(p) {
			t.Fatalf("normalizePlate(%q) = %q", s, p)
		}
		if again, ok := normalizePlate(p); !ok || again != p {
			t.Fatalf("normalizePlate(%q) = %q is not stable", p, again)
		}
	})
}

// fuzzServer is a Server with the reference catalog and places, for the
// parsers that need them.
func fuzzServer(t testing.TB) *Server {
	db := modelstest.Open(t, "sqlite")
	places, err := models.LoadPlaces(t.Context(), db)
	if err != nil {
		t.Fatal(err)
	}
	cat, err := models.LoadCatalog(t.Context(), db)
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{places: places}
	s.setCatalog(cat)
	return s
}

func FuzzParseSearch(f *testing.F) {
	for _, s := range []string{
		"", "q=MT-07", "marca=7&modelo=77&versao=332", "estado=sp&cidade=5136", "preco_min=abc&preco_max=10.000",
		"ano_min=2030&ano_max=1990", "km_max=1.000km", "tipo=naked&cor=red&ordem=menor_preco&pagina=3",
		"q=%FF%00&pagina=-1", "q=" + strings.Repeat("x", 300),
	} {
		f.Add(s)
	}
	s := fuzzServer(f)
	f.Fuzz(func(t *testing.T, raw string) {
		vals, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		q := s.parseSearch(vals)
		if q.Page < 1 || q.Page > maxPage {
			t.Fatalf("page %d", q.Page)
		}
		for _, v := range q.Values {
			if !utf8.ValidString(v[0]) || strings.ContainsRune(v[0], 0) {
				t.Fatalf("kept an invalid value %q", v[0])
			}
		}
		flt := q.Filter
		if flt.PriceMin != 0 && flt.PriceMax != 0 && flt.PriceMin > flt.PriceMax || flt.YearMin != 0 && flt.YearMax != 0 && flt.YearMin > flt.YearMax {
			t.Fatalf("inverted range kept: %+v", flt)
		}
		// The canonical URL of a search is a fixed point: reading it gives the
		// same search and the same URL.
		u := q.url("pagina", pageParam(q.Page))
		back, err := url.Parse(u)
		if err != nil {
			t.Fatalf("url %q: %v", u, err)
		}
		q2 := s.parseSearch(back.Query())
		if !reflect.DeepEqual(q2.Filter, flt) || q2.Order != q.Order || q2.Page != q.Page || len(q2.Notes) != 0 {
			t.Fatalf("%q → %q reads back as another search: %+v %v vs %+v", raw, u, q2.Filter, q2.Notes, flt)
		}
	})
}

func pageParam(p int) string {
	if p <= 1 {
		return ""
	}
	return strconv.Itoa(p)
}
