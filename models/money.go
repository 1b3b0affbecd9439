package models

import (
	"database/sql/driver"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Money is an amount in centavos, stored as DECIMAL(10,2).
type Money int64

// Value writes the amount as a decimal string ("12345.67").
func (m Money) Value() (driver.Value, error) {
	sign := ""
	v := int64(m)
	if v < 0 {
		sign, v = "-", -v
	}
	return fmt.Sprintf("%s%d.%02d", sign, v/100, v%100), nil
}

// Scan reads a DECIMAL as MySQL ([]byte) or SQLite (float64, int64) return it.
func (m *Money) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*m = 0
	case int64:
		*m = Money(v * 100)
	case float64:
		*m = Money(math.Round(v * 100))
	case []byte:
		return m.parse(string(v))
	case string:
		return m.parse(v)
	default:
		return fmt.Errorf("money: cannot scan %T", src)
	}
	return nil
}

func (m *Money) parse(s string) error {
	whole, frac, _ := strings.Cut(strings.TrimSpace(s), ".")
	neg := strings.HasPrefix(whole, "-")
	w, err := strconv.ParseInt(strings.TrimPrefix(whole, "-"), 10, 64)
	if err != nil {
		return fmt.Errorf("money: %q: %w", s, err)
	}
	frac = (frac + "00")[:2]
	f, err := strconv.ParseInt(frac, 10, 64)
	if err != nil {
		return fmt.Errorf("money: %q: %w", s, err)
	}
	v := w*100 + f
	if neg {
		v = -v
	}
	*m = Money(v)
	return nil
}

// String writes the amount as Brazilians write prices: whole reais without
// cents ("R$ 14.500"), cents only when there are some ("R$ 14.500,50").
func (m Money) String() string {
	reais := "R$ " + Thousands(int64(m)/100)
	if m%100 == 0 {
		return reais
	}
	return reais + "," + strconv.FormatInt(100+int64(m)%100, 10)[1:]
}

// Thousands formats an integer the Brazilian way: 12.345.
func Thousands(n int64) string {
	neg := n < 0
	if neg {
		n = -n
	}
	digits := strconv.FormatInt(n, 10)
	var b strings.Builder
	for i, d := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(d)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
