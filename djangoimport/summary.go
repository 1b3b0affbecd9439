package djangoimport

import (
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
)

// What the summary counts, in the order it lists them.
const (
	kindCities    = "cidades"
	kindCatalog   = "catálogo"
	kindAccounts  = "contas"
	kindAds       = "anúncios"
	kindPhotos    = "fotos"
	kindPublished = "publicados"
	kindChats     = "conversas"
	kindMessages  = "mensagens"
)

var kindOrder = []string{kindCities, kindCatalog, kindAccounts, kindAds, kindPhotos, kindPublished, kindChats, kindMessages}

// examplesPerReason is how many rows the summary names for each reason.
const examplesPerReason = 5

// Summary is what a run did, by kind of row: how many it imported, how
// many it skipped and how many failed, with the reasons.
type Summary struct {
	mu      sync.Mutex
	tallies map[string]*Tally
	Elapsed time.Duration
	// Interrupted: an error stopped the run; running it again continues.
	Interrupted bool
}

// Tally counts one kind of row.
type Tally struct {
	sum      *Summary
	Imported int // brought over by this run
	Matched  int // found here already (cities, the catalog)
	Skipped  int // left out on purpose, or imported by an earlier run
	Failed   int // could not be imported
	Reasons  []*Reason
}

// Reason is why rows were skipped, failed or came with a warning: how
// many, and a few of them.
type Reason struct {
	Text     string
	Kind     string // "ignorado", "com falha" or "aviso"
	Count    int
	Examples []string
}

// Kinds of reasons.
const (
	reasonSkipped = "ignorado"
	reasonFailed  = "com falha"
	reasonNote    = "aviso"
)

// feminine are the kinds named by a feminine noun, for the agreement of
// "ignoradas".
var feminine = map[string]bool{kindCities: true, kindAccounts: true, kindPhotos: true, kindChats: true, kindMessages: true}

// tally returns the counts of a kind.
func (s *Summary) tally(kind string) *Tally {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tallies == nil {
		s.tallies = map[string]*Tally{}
	}
	t, ok := s.tallies[kind]
	if !ok {
		t = &Tally{sum: s}
		s.tallies[kind] = t
	}
	return t
}

// Tally returns the counts of a kind ("contas", "anúncios", "fotos",
// "conversas", "mensagens", "cidades", "catálogo"); zero when none.
func (s *Summary) Tally(kind string) Tally {
	t := s.tally(kind)
	s.mu.Lock()
	defer s.mu.Unlock()
	return *t
}

// add counts n rows imported.
func (t *Tally) add(n int) {
	t.sum.mu.Lock()
	t.Imported += n
	t.sum.mu.Unlock()
}

// match counts a row found here already.
func (t *Tally) match() {
	t.sum.mu.Lock()
	t.Matched++
	t.sum.mu.Unlock()
}

// skip counts a row left out, with why and which.
func (t *Tally) skip(reason, example string) { t.note(reasonSkipped, reason, example) }

// fail counts a row that could not be imported, with why and which.
func (t *Tally) fail(reason, example string) { t.note(reasonFailed, reason, example) }

// warn notes a row imported with a change worth knowing, and which.
func (t *Tally) warn(reason, example string) { t.note(reasonNote, reason, example) }

func (t *Tally) note(kind, reason, example string) {
	t.sum.mu.Lock()
	defer t.sum.mu.Unlock()
	switch kind {
	case reasonFailed:
		t.Failed++
	case reasonSkipped:
		t.Skipped++
	}
	var r *Reason
	for _, seen := range t.Reasons {
		if seen.Text == reason && seen.Kind == kind {
			r = seen
		}
	}
	if r == nil {
		r = &Reason{Text: reason, Kind: kind}
		t.Reasons = append(t.Reasons, r)
	}
	r.Count++
	if len(r.Examples) < examplesPerReason && !slices.Contains(r.Examples, example) {
		r.Examples = append(r.Examples, example)
	}
}

// Print writes the summary as a table, then each reason with its count and
// examples.
func (s *Summary) Print(w io.Writer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.Interrupted {
		fmt.Fprintf(w, "\nImportação interrompida após %s: rode o comando de novo para continuar de onde parou.\n", s.Elapsed.Round(time.Second))
	} else {
		fmt.Fprintf(w, "\nImportação concluída em %s.\n", s.Elapsed.Round(time.Second))
	}
	fmt.Fprintf(w, "%-11s %7s %8s %10s %7s\n", "", "novos", "já aqui", "ignorados", "falhas")
	news := 0
	for _, kind := range kindOrder {
		if t, ok := s.tallies[kind]; ok {
			fmt.Fprintf(w, "%-11s %7d %8d %10d %7d\n", kind, t.Imported, t.Matched, t.Skipped, t.Failed)
			if kind != kindCities && kind != kindPublished {
				news += t.Imported
			}
		}
	}
	for _, kind := range kindOrder {
		if t, ok := s.tallies[kind]; ok {
			printReasons(w, kind, t.Reasons)
		}
	}
	if news == 0 && !s.Interrupted {
		fmt.Fprintln(w, "Nada de novo para importar.")
	}
}

// printReasons writes a kind's reasons, the most frequent first: "fotos
// com falha: 2 — o servidor respondeu 404 (foto 8 do anúncio 15, …)".
func printReasons(w io.Writer, kind string, reasons []*Reason) {
	reasons = slices.Clone(reasons)
	sort.SliceStable(reasons, func(i, j int) bool { return reasons[i].Count > reasons[j].Count })
	for _, r := range reasons {
		what := r.Kind
		switch {
		case r.Kind == reasonSkipped && feminine[kind]:
			what = "ignoradas"
		case r.Kind == reasonSkipped:
			what = "ignorados"
		case r.Kind == reasonNote:
			what = "com aviso"
		}
		fmt.Fprintf(w, "%s %s: %d — %s (%s)\n", kind, what, r.Count, r.Text, strings.Join(r.Examples, "; "))
	}
}
