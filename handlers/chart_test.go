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
		values[n-1] = 5 // an axis of counts: no "2,5"
		c := newBarChart("c", "Contatos", "", chartDays(n), values, counted("contato", "contatos"))
		var ticks []string
		for _, tick := range c.Ticks {
			ticks = append(ticks, tick.Label)
		}
		if !slices.Equal(ticks, []string{"0", "3", "6"}) {
			t.Errorf("%d days: axis %v, want 0, 3 and 6", n, ticks)
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

	latency := newBarChart("l", "Tempo até publicar", "", chartDays(3), []float64{1.5, math.NaN(), 0.5}, durationUnitFor(1500*time.Millisecond).format).inUnit("s")
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
	if !slices.Equal(ticks, []string{"0", "1 s", "2 s"}) {
		t.Errorf("latency axis %v", ticks)
	}
}

// Axes write their numbers alike, in thousands or millions when large.
func TestAxisNumbers(t *testing.T) {
	for _, c := range []struct {
		largest float64
		want    []string
	}{
		{1, []string{"0", "1"}},
		{3, []string{"0", "2", "4"}},
		{17, []string{"0", "10", "20"}},
		{23, []string{"0", "15", "30"}},
		{1_900, []string{"0", "1.000", "2.000"}},
		{4_000, []string{"0", "2.000", "4.000"}},
		{9_000, []string{"0", "5 mil", "10 mil"}},
		{120_000, []string{"0", "100 mil", "200 mil"}},
		{1_215_505, []string{"0", "1 mi", "2 mi"}},
		{23_000_000, []string{"0", "15 mi", "30 mi"}},
	} {
		chart := newBarChart("c", "Visualizações", "", chartDays(2), []float64{0, c.largest}, counted("visualização", "visualizações"))
		var ticks []string
		for _, tick := range chart.Ticks {
			ticks = append(ticks, tick.Label)
		}
		if !slices.Equal(ticks, c.want) {
			t.Errorf("up to %.0f: axis %v, want %v", c.largest, ticks, c.want)
		}
	}
	for longest, want := range map[time.Duration]string{
		40 * time.Second: "s", 5 * time.Minute: "min", 90 * time.Minute: "min", 3 * time.Hour: "h", 15 * 24 * time.Hour: "dias",
	} {
		if got := durationUnitFor(longest).short; got != want {
			t.Errorf("latencies up to %s read in %s, want %s", longest, got, want)
		}
	}
}
