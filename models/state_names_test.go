package models

import "testing"

// State names take their article after "em" and "de".
func TestStateNamesInSentences(t *testing.T) {
	for _, c := range []struct {
		st     State
		in, of string
	}{
		{State{Name: "Acre", Acronym: "AC"}, "no Acre", "do Acre"},
		{State{Name: "Bahia", Acronym: "BA"}, "na Bahia", "da Bahia"},
		{State{Name: "São Paulo", Acronym: "SP"}, "em São Paulo", "de São Paulo"},
		{State{Name: "Rio de Janeiro", Acronym: "RJ"}, "no Rio de Janeiro", "do Rio de Janeiro"},
		{State{Name: "Paraíba", Acronym: "PB"}, "na Paraíba", "da Paraíba"},
		{State{Name: "Goiás", Acronym: "GO"}, "em Goiás", "de Goiás"},
	} {
		if got := c.st.In(); got != c.in {
			t.Errorf("In: %q, want %q", got, c.in)
		}
		if got := c.st.Of(); got != c.of {
			t.Errorf("Of: %q, want %q", got, c.of)
		}
	}
}
