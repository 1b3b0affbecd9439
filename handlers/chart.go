package handlers

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// barChart is a series of numbers by day drawn as an SVG on the server:
// its title and description name it for screen readers, and its numbers
// are in a table beside it.
type barChart struct {
	ID, Title, Desc string
	Width, Height   int
	GridLeft        int // where the grid lines start; they end at GridRight
	GridRight       int
	Bars            []chartBar
	Ticks           []chartTick // horizontal lines with their values
	Labels          []chartTick // days under the bars
	Rows            []chartRow  // the numbers, for the table
}

// chartBar is one bar, in the SVG's units.
type chartBar struct {
	X, Y, W, H float64
	Title      string // "02/12: 14 visualizações"
}

// chartTick is a labelled position on an axis.
type chartTick struct {
	X, Y   float64
	Label  string
	Anchor string // the label's text-anchor: "middle", or "end" at the right edge
}

// chartRow is a line of the chart's table.
type chartRow struct{ Label, Value string }

// Chart geometry, in the SVG's units; the SVG scales to its container.
const (
	chartW, chartH       = 640, 230
	chartLeft, chartBase = 100, 190
	chartTop             = 14
	chartMaxBar          = 48 // the widest bar, for charts of a few days
)

// newBarChart draws values by day; format writes a value as the table and
// titles show it ("14 visualizações", "1,2 s"). A value that is NaN is a
// day with nothing to measure: it has no bar, and format says so.
func newBarChart(id, title, desc string, days []string, values []float64, format func(float64) string) barChart {
	c := barChart{ID: id, Title: title, Desc: desc, Width: chartW, Height: chartH, GridLeft: chartLeft, GridRight: chartW - 8}
	top := niceMax(values)
	slot := float64(chartW-chartLeft-8) / float64(max(len(values), 1))
	width := min(slot*0.7, chartMaxBar)
	// Days are labelled every few bars counting back from the last (today).
	every := max((len(values)+4)/5, 1)
	for i, v := range values {
		label := shortDay(days[i])
		if (len(values)-1-i)%every == 0 {
			tick := chartTick{X: chartLeft + float64(i)*slot + slot/2, Y: chartBase + 30, Label: label, Anchor: "middle"}
			if i == len(values)-1 && len(values) > 7 {
				tick.X, tick.Anchor = chartLeft+float64(i+1)*slot, "end" // today's, kept inside the chart
			}
			c.Labels = append(c.Labels, tick)
		}
		if math.IsNaN(v) {
			c.Rows = append(c.Rows, chartRow{Label: label, Value: format(v)})
			continue
		}
		h := (chartBase - chartTop) * v / top
		c.Bars = append(c.Bars, chartBar{X: chartLeft + float64(i)*slot + (slot-width)/2, Y: chartBase - h, W: width, H: h,
			Title: label + ": " + format(v)})
		c.Rows = append(c.Rows, chartRow{Label: label, Value: format(v)})
	}
	axis := axisFormat(top)
	for _, v := range axisTicks(top, wholeNumbers(values)) {
		c.Ticks = append(c.Ticks, chartTick{X: chartLeft - 6, Y: chartBase - (chartBase-chartTop)*v/top, Label: axis(v)})
	}
	return c
}

// inUnit writes the unit after the axis' numbers but the zero: "30 min".
func (c barChart) inUnit(unit string) barChart {
	for i := range c.Ticks {
		if c.Ticks[i].Label != "0" {
			c.Ticks[i].Label += " " + unit
		}
	}
	return c
}

// axisTicks are the values an axis up to top marks: 0, the middle and
// the top; for counts up to 1, no middle.
func axisTicks(top float64, whole bool) []float64 {
	if whole && top == 1 {
		return []float64{0, 1}
	}
	return []float64{0, top / 2, top}
}

// wholeNumbers tells whether every value is a whole number (counts).
func wholeNumbers(values []float64) bool {
	for _, v := range values {
		if v != math.Trunc(v) && !math.IsNaN(v) {
			return false
		}
	}
	return true
}

// niceMax is a round top for the axis: at least the largest value, and 1;
// for counts, one whose half is a whole number too.
func niceMax(values []float64) float64 {
	top := 0.0
	for _, v := range values {
		if !math.IsNaN(v) {
			top = math.Max(top, v)
		}
	}
	if top <= 1 {
		return 1
	}
	step := math.Pow(10, math.Floor(math.Log10(top)))
	steps := []float64{1, 2, 2.5, 5, 10}
	if wholeNumbers(values) {
		steps = []float64{1, 2, 3, 4, 5, 6, 8, 10}
	}
	for _, m := range steps {
		if t := m * step; t >= top && (!wholeNumbers(values) || t/2 == math.Trunc(t/2)) {
			return t
		}
	}
	return 10 * step
}

// axisFormat writes the numbers of an axis up to top alike: "2.000",
// "2,5"; "5 mil" and "10 mil" when top is ten thousand or more; "1,5 mi"
// from a million.
func axisFormat(top float64) func(float64) string {
	div, suffix := 1.0, ""
	switch {
	case top >= 1_000_000:
		div, suffix = 1_000_000, " mi"
	case top >= 10_000:
		div, suffix = 1_000, " mil"
	}
	return func(v float64) string {
		if v == 0 {
			return "0"
		}
		v /= div
		if v == math.Trunc(v) {
			return thousands(int64(v)) + suffix
		}
		return strings.Replace(strconv.FormatFloat(v, 'f', -1, 64), ".", ",", 1) + suffix
	}
}

// shortDay writes "2026-12-02" as "02/12".
func shortDay(day string) string {
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return day
	}
	return t.Format("02/01")
}

// counted formats a count with its noun, for a chart of counts.
func counted(one, many string) func(float64) string {
	return func(v float64) string { return plural(int64(v), one, many) }
}
