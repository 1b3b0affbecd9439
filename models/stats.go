package models

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"motando/stats"
)

// statsBatch is how many rows one statement of a flush adds.
const statsBatch = 500

// AddAdStats adds counts of views and taps to the ads' days
// (ad_stats_daily), creating the rows they lack.
func (db *DB) AddAdStats(ctx context.Context, counts map[stats.AdDay]stats.AdCounts) error {
	rows := make([][]any, 0, len(counts))
	for k, v := range counts {
		rows = append(rows, []any{k.AdID, k.Day, v.Views, v.WhatsApp, v.Phone})
	}
	err := db.upsertAdding(ctx, "ad_stats_daily", []string{"classifiedad_id", "day"}, []string{"views", "whatsapp", "phone"}, rows)
	if err != nil {
		return fmt.Errorf("add ad stats: %w", err)
	}
	return nil
}

// AddSearchStats adds counts of searches to their days
// (search_stats_daily).
func (db *DB) AddSearchStats(ctx context.Context, counts map[stats.SearchKey]stats.SearchCounts) error {
	rows := make([][]any, 0, len(counts))
	for k, v := range counts {
		rows = append(rows, []any{k.Day, k.BrandID, k.ModelID, k.StateID, k.Words, v.Searches, v.Empty})
	}
	err := db.upsertAdding(ctx, "search_stats_daily", []string{"day", "brand_id", "model_id", "state_id", "words"},
		[]string{"searches", "empty"}, rows)
	if err != nil {
		return fmt.Errorf("add search stats: %w", err)
	}
	return nil
}

// upsertAdding inserts rows of key columns then counted columns; a row
// whose key exists has its counts added instead.
func (db *DB) upsertAdding(ctx context.Context, table string, keys, counted []string, rows [][]any) error {
	cols := append(append([]string{}, keys...), counted...)
	set := make([]string, len(counted))
	for i, c := range counted {
		if db.Dialect == "mysql" {
			set[i] = fmt.Sprintf("%s = %s + VALUES(%s)", c, c, c)
		} else {
			set[i] = fmt.Sprintf("%s = %s.%s + excluded.%s", c, table, c, c)
		}
	}
	tuple := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ") + ")"
	// One transaction: one commit for the whole flush.
	return db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		for start := 0; start < len(rows); start += statsBatch {
			part := rows[start:min(start+statsBatch, len(rows))]
			args := make([]any, 0, len(part)*len(cols))
			for _, r := range part {
				args = append(args, r...)
			}
			q := fmt.Sprintf("INSERT INTO %s (%s) VALUES %s", table, strings.Join(cols, ", "),
				strings.TrimSuffix(strings.Repeat(tuple+", ", len(part)), ", "))
			if db.Dialect == "mysql" {
				q += " ON DUPLICATE KEY UPDATE " + strings.Join(set, ", ")
			} else {
				q += " ON CONFLICT (" + strings.Join(keys, ", ") + ") DO UPDATE SET " + strings.Join(set, ", ")
			}
			if err := tx.Exec(q, args...).Error; err != nil {
				return err
			}
		}
		return nil
	})
}

// AdTotals are an ad's numbers for its seller: views of its page,
// contacts (conversations started, WhatsApp and phone taps) and saves.
type AdTotals struct {
	Views, Conversations, WhatsApp, Phone, Saves int64
}

// Contacts are the ways buyers reached the seller, together.
func (t AdTotals) Contacts() int64 { return t.Conversations + t.WhatsApp + t.Phone }

// AdTotalsOf sums the numbers of the ads since the day from ("" for all
// time), by ad.
func (db *DB) AdTotalsOf(ctx context.Context, adIDs []uint64, from time.Time) (map[uint64]*AdTotals, error) {
	out := make(map[uint64]*AdTotals, len(adIDs))
	if len(adIDs) == 0 {
		return out, nil
	}
	for _, id := range adIDs {
		out[id] = &AdTotals{}
	}
	var views []struct {
		AdID                   uint64 `gorm:"column:classifiedad_id"`
		Views, WhatsApp, Phone int64
	}
	err := db.WithContext(ctx).Table("ad_stats_daily").
		Select("classifiedad_id, SUM(views) AS views, SUM(whatsapp) AS whats_app, SUM(phone) AS phone").
		Where("classifiedad_id IN ? AND day >= ?", adIDs, stats.Day(from)).Group("classifiedad_id").Scan(&views).Error
	if err != nil {
		return nil, fmt.Errorf("read ad stats: %w", err)
	}
	for _, v := range views {
		t := out[v.AdID]
		t.Views, t.WhatsApp, t.Phone = v.Views, v.WhatsApp, v.Phone
	}
	for table, field := range map[string]func(*AdTotals) *int64{
		"conversations": func(t *AdTotals) *int64 { return &t.Conversations },
		"favorites":     func(t *AdTotals) *int64 { return &t.Saves },
	} {
		var counts []struct {
			AdID uint64 `gorm:"column:classifiedad_id"`
			N    int64
		}
		err := db.WithContext(ctx).Table(table).Select("classifiedad_id, COUNT(*) AS n").
			Where("classifiedad_id IN ? AND created >= ?", adIDs, from).Group("classifiedad_id").Scan(&counts).Error
		if err != nil {
			return nil, fmt.Errorf("count %s: %w", table, err)
		}
		for _, c := range counts {
			*field(out[c.AdID]) = c.N
		}
	}
	return out, nil
}

// DayTotals are an ad's numbers on one day.
type DayTotals struct {
	Day string
	AdTotals
}

// AdDaily lists an ad's numbers for each of the days days up to today,
// oldest first (days without any are zero).
func (db *DB) AdDaily(ctx context.Context, adID uint64, days int, now time.Time) ([]DayTotals, error) {
	from := now.AddDate(0, 0, -(days - 1))
	out := make([]DayTotals, days)
	index := map[string]int{}
	for i := range out {
		out[i].Day = stats.Day(from.AddDate(0, 0, i))
		index[out[i].Day] = i
	}
	var rows []struct {
		Day                    string
		Views, WhatsApp, Phone int64
	}
	err := db.WithContext(ctx).Table("ad_stats_daily").Select("day, views, whatsapp AS whats_app, phone").
		Where("classifiedad_id = ? AND day >= ?", adID, out[0].Day).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("read daily stats of ad %d: %w", adID, err)
	}
	for _, r := range rows {
		if i, ok := index[r.Day]; ok {
			out[i].Views, out[i].WhatsApp, out[i].Phone = r.Views, r.WhatsApp, r.Phone
		}
	}
	start := dayStart(out[0].Day)
	for table, field := range map[string]func(*AdTotals) *int64{
		"conversations": func(t *AdTotals) *int64 { return &t.Conversations },
		"favorites":     func(t *AdTotals) *int64 { return &t.Saves },
	} {
		var times []time.Time
		if err := db.WithContext(ctx).Table(table).Where("classifiedad_id = ? AND created >= ?", adID, start).
			Pluck("created", &times).Error; err != nil {
			return nil, fmt.Errorf("read %s of ad %d: %w", table, adID, err)
		}
		for _, t := range times {
			if i, ok := index[stats.Day(t)]; ok {
				*field(&out[i].AdTotals)++
			}
		}
	}
	return out, nil
}

// dayStart is the first instant of a site's day.
func dayStart(day string) time.Time {
	t, _ := time.ParseInLocation(time.DateOnly, day, time.FixedZone("BRT", -3*60*60))
	return t.UTC()
}
