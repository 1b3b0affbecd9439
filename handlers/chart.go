package handlers

import (
	"fmt"
	"math"
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
	chartLeft, chartBase = 70, 190
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
	every := max(len(values)/5, 1)
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
	for _, f := range []float64{0, 0.5, 1} {
		if f == 0.5 && wholeNumbers(values) && top/2 != math.Trunc(top/2) {
			continue // no "2,5" on an axis of counts
		}
		c.Ticks = append(c.Ticks, chartTick{X: chartLeft - 6, Y: chartBase - (chartBase-chartTop)*f, Label: trimNumber(top * f)})
	}
	return c
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

// niceMax is a round top for the axis: at least the largest value, and 1.
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
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m*step >= top {
			return m * step
		}
	}
	return 10 * step
}

// trimNumber writes an axis value: "12", "2,5", "1,2 mil".
func trimNumber(v float64) string {
	if v >= 10_000 {
		return strings.Replace(fmt.Sprintf("%.3g mil", v/1000), ".", ",", 1)
	}
	if v == math.Trunc(v) {
		return fmt.Sprintf("%.0f", v)
	}
	return strings.Replace(fmt.Sprintf("%.1f", v), ".", ",", 1)
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
