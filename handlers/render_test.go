package handlers

import (
	"testing"
	"time"
)

func TestMoneyShowsCentsOnlyWhenThereAreSome(t *testing.T) {
	for cents, want := range map[int64]string{
		1450000:    "R$ 14.500",
		1450050:    "R$ 14.500,50",
		1450005:    "R$ 14.500,05",
		99:         "R$ 0,99",
		0:          "R$ 0",
		999999999:  "R$ 9.999.999,99",
		1000000000: "R$ 10.000.000",
	} {
		if got := money(cents); got != want {
			t.Errorf("money(%d) = %q, want %q", cents, got, want)
		}
	}
}

func TestPluralAgreesWithTheCount(t *testing.T) {
	for _, tc := range []struct {
		n    any
		want string
	}{
		{0, "0 publicados"}, {1, "1 publicado"}, {2, "2 publicados"}, {int64(1200), "1.200 publicados"}, {uint64(1), "1 publicado"},
	} {
		if got, err := pluralAny(tc.n, "publicado", "publicados"); err != nil || got != tc.want {
			t.Errorf("plural(%v) = %q, %v; want %q", tc.n, got, err, tc.want)
		}
	}
	if _, err := pluralAny("1", "a", "b"); err == nil {
		t.Error("plural of a string did not fail")
	}
}

func TestShortenCutsBetweenCharacters(t *testing.T) {
	for _, tc := range []struct {
		in   string
		n    int
		want string
	}{
		{"Ana", 20, "Ana"},
		{"Çãéíóúçãéíóúçãéíóúçãéíóú", 6, "Çãéíó…"},
		{"Ana Maria", 5, "Ana…"},
	} {
		if got := shorten(tc.in, tc.n); got != tc.want {
			t.Errorf("shorten(%q, %d) = %q, want %q", tc.in, tc.n, got, tc.want)
		}
	}
}

func TestDurationReadsAsPortuguese(t *testing.T) {
	for d, want := range map[time.Duration]string{
		45 * time.Second:                     "45 s",
		2 * time.Minute:                      "2 min",
		time.Hour + 5*time.Minute:            "1 h 5 min",
		3 * time.Hour:                        "3 h",
		72 * time.Hour:                       "3 dias",
		2*time.Minute + 400*time.Millisecond: "2 min",
	} {
		if got := duration(d); got != want {
			t.Errorf("duration(%v) = %q, want %q", d, got, want)
		}
	}
}
