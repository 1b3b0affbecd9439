package models

import (
	"context"
	"fmt"
	"slices"
	"time"

	"motando/stats"
)

// SiteDay is one day of the admin's charts.
type SiteDay struct {
	Day                    string
	Published              int64 // ads published for the first time
	Accounts               int64 // accounts created
	Searches, Empty        int64 // searches, and those that found nothing
	Timed                  int64 // publications whose latency is known
	LatencyP50, LatencyP95 time.Duration
}

// SiteDaily returns the site's numbers for each of the days days up to
// now's, oldest first. Publish latency is from an ad's creation to its
// first publication, for the ads first published that day.
func (db *DB) SiteDaily(ctx context.Context, days int, now time.Time) ([]SiteDay, error) {
	from := dayStart(stats.Day(now.AddDate(0, 0, -(days - 1))))
	out := make([]SiteDay, days)
	index := map[string]int{}
	for i := range out {
		out[i].Day = stats.Day(from.AddDate(0, 0, i))
		index[out[i].Day] = i
	}
	var accounts []time.Time
	if err := db.WithContext(ctx).Model(&User{}).Where("created >= ?", from).Pluck("created", &accounts).Error; err != nil {
		return nil, fmt.Errorf("read accounts per day: %w", err)
	}
	for _, t := range accounts {
		if i, ok := index[stats.Day(t)]; ok {
			out[i].Accounts++
		}
	}
	if err := db.publishedDaily(ctx, from, index, out); err != nil {
		return nil, err
	}
	var searches []struct {
		Day             string
		Searches, Empty int64
	}
	err := db.WithContext(ctx).Table("search_stats_daily").Select("day, SUM(searches) AS searches, SUM(empty) AS empty").
		Where("day >= ?", out[0].Day).Group("day").Scan(&searches).Error
	if err != nil {
		return nil, fmt.Errorf("read searches per day: %w", err)
	}
	for _, s := range searches {
		if i, ok := index[s.Day]; ok {
			out[i].Searches, out[i].Empty = s.Searches, s.Empty
		}
	}
	return out, nil
}

// publishedDaily counts the first publications per day and their
// latencies' p50 and p95.
func (db *DB) publishedDaily(ctx context.Context, from time.Time, index map[string]int, out []SiteDay) error {
	var ads []struct {
		Created     time.Time
		PublishedAt time.Time
	}
	err := db.WithContext(ctx).Model(&Ad{}).Select("created, published_at").
		Where("published_at >= ?", from).Scan(&ads).Error
	if err != nil {
		return fmt.Errorf("read publications per day: %w", err)
	}
	latencies := map[int][]time.Duration{}
	for _, a := range ads {
		i, ok := index[stats.Day(a.PublishedAt)]
		if !ok {
			continue
		}
		out[i].Published++
		if d := a.PublishedAt.Sub(a.Created); d >= 0 {
			latencies[i] = append(latencies[i], d)
		}
	}
	for i, ds := range latencies {
		slices.Sort(ds)
		out[i].Timed = int64(len(ds))
		out[i].LatencyP50, out[i].LatencyP95 = percentile(ds, 50), percentile(ds, 95)
	}
	return nil
}

// percentile is the p-th percentile of sorted durations (nearest rank).
func percentile(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := (p*len(sorted) + 99) / 100
	return sorted[max(rank, 1)-1]
}

// SearchGroup is what searches looked for, with how many there were.
type SearchGroup struct {
	BrandID  uint32
	ModelID  uint32
	StateID  uint16
	Words    string
	Searches int64
}

// TopSearched returns the brands, models or states (by: "brand_id",
// "model_id" or "state_id") searched most since the day from, most first.
func (db *DB) TopSearched(ctx context.Context, by string, from time.Time, limit int) ([]SearchGroup, error) {
	if by != "brand_id" && by != "model_id" && by != "state_id" {
		return nil, fmt.Errorf("top searched by %q", by)
	}
	var out []SearchGroup
	err := db.WithContext(ctx).Table("search_stats_daily").Select(by+", SUM(searches) AS searches").
		Where("day >= ? AND "+by+" <> 0", stats.Day(from)).Group(by).Order("searches DESC, " + by).Limit(limit).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("top searched by %s: %w", by, err)
	}
	return out, nil
}

// EmptySearches returns what the searches that found nothing since the
// day from looked for, grouped, the most frequent first: the stock buyers
// want and nobody offers.
func (db *DB) EmptySearches(ctx context.Context, from time.Time, limit int) ([]SearchGroup, error) {
	var out []SearchGroup
	err := db.WithContext(ctx).Table("search_stats_daily").
		Select("brand_id, model_id, state_id, words, SUM(empty) AS searches").
		Where("day >= ? AND empty > 0", stats.Day(from)).Group("brand_id, model_id, state_id, words").
		Order("searches DESC, brand_id, model_id, state_id, words").Limit(limit).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("read searches without results: %w", err)
	}
	return out, nil
}
