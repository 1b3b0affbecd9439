package models_test

import (
	"context"
	"testing"
	"time"

	"motando/models/modelstest"
	"motando/stats"
)

// BenchmarkAddAdStats is one flush of a busy web process on SQLite: 10,000
// ads' views of the day (a different ad each, as when every view is of
// another ad), added to rows that exist for half of them.
func BenchmarkAddAdStats(b *testing.B) {
	db := modelstest.Open(b, "sqlite")
	ctx := context.Background()
	day := stats.Day(time.Now())
	for i := range b.N {
		counts := make(map[stats.AdDay]stats.AdCounts, 10_000)
		for ad := range 10_000 {
			counts[stats.AdDay{AdID: uint64(i*5_000 + ad), Day: day}] = stats.AdCounts{Views: 1 + ad%3}
		}
		if err := db.AddAdStats(ctx, counts); err != nil {
			b.Fatal(err)
		}
	}
}
