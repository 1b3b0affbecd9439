// Package progress draws the progress bars of the operator commands (seed,
// import-django): a bar redrawn in place on a terminal, a line every tenth
// of the way when the output is a file or a pipe.
package progress

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
)

// Bar shows how much of a known total is done. It is safe for concurrent
// use.
type Bar struct {
	mu    sync.Mutex
	out   io.Writer
	total int
	label string
	tty   bool
	n     int
	last  int
}

// New starts a bar of total steps, named label ("anúncios publicados"), on
// out.
func New(out io.Writer, total int, label string) *Bar {
	tty := false
	if f, ok := out.(*os.File); ok {
		if st, err := f.Stat(); err == nil {
			tty = st.Mode()&os.ModeCharDevice != 0
		}
	}
	b := &Bar{out: out, total: total, label: label, tty: tty, last: -1}
	b.Set(0)
	return b
}

// Set shows n of the total done.
func (b *Bar) Set(n int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.n = n
	b.draw()
}

// Add counts one more step done.
func (b *Bar) Add() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.n++
	b.draw()
}

func (b *Bar) draw() {
	n := b.n
	if n == b.last {
		return
	}
	if b.tty {
		const width = 30
		filled := width * min(n, b.total) / max(b.total, 1)
		fmt.Fprintf(b.out, "\r[%s%s] %d/%d %s", strings.Repeat("█", filled), strings.Repeat("░", width-filled), n, b.total, b.label)
	} else if b.total > 0 && (n == b.total || n*10/b.total != b.last*10/b.total) {
		fmt.Fprintf(b.out, "%d/%d %s\n", n, b.total, b.label)
	}
	b.last = n
}

// Done ends the bar's line.
func (b *Bar) Done() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.tty {
		fmt.Fprintln(b.out)
	}
}
