package handlers

import (
	"math"
	"slices"
	"testing"
	"time"
)

// chartDays are n days ending on 2026-12-02.
func chartDays(n int) []string {
	end := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
	days := make([]string, n)
	for i := range days {
		days[i] = end.AddDate(0, 0, i-n+1).Format(time.DateOnly)
	}
	return days
}

// A chart of counts has whole numbers on its axis and today's date under
// its last bar; a day with nothing to measure has no bar and says why.
func TestBarChartReadsRight(t *testing.T) {
	for _, n := range []int{1, 7, 30, 90} {
		values := make([]float64, n)
		values[n-1] = 5 // an axis up to 5: no "2,5" in the middle
		c := newBarChart("c", "Contatos", "", chartDays(n), values, counted("contato", "contatos"))
		var ticks []string
		for _, tick := range c.Ticks {
			ticks = append(ticks, tick.Label)
		}
		if !slices.Equal(ticks, []string{"0", "5"}) {
			t.Errorf("%d days: axis %v, want 0 and 5", n, ticks)
		}
		if last := c.Labels[len(c.Labels)-1]; last.Label != "02/12" {
			t.Errorf("%d days: the last day labelled is %s, want today (02/12)", n, last.Label)
		}
		if len(c.Labels) > 8 {
			t.Errorf("%d days: %d day labels crowd the axis", n, len(c.Labels))
		}
		if w := c.Bars[0].W; w > chartMaxBar {
			t.Errorf("%d days: bars %.0f wide", n, w)
		}
	}

	latency := newBarChart("l", "Tempo até publicar", "", chartDays(3), []float64{1.5, math.NaN(), 0.5}, seconds)
	if len(latency.Bars) != 2 {
		t.Errorf("%d bars, want 2 (none for the day without publications)", len(latency.Bars))
	}
	if got := latency.Rows[1].Value; got != "sem publicações" {
		t.Errorf("the day without publications reads %q", got)
	}
	var ticks []string
	for _, tick := range latency.Ticks {
		ticks = append(ticks, tick.Label)
	}
	if !slices.Equal(ticks, []string{"0", "1", "2"}) {
		t.Errorf("latency axis %v", ticks)
	}
}
