package models

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// PriceDropDays is how long an ad is shown as "Preço reduzido" after its
// latest reduction.
const PriceDropDays = 14

// PricePoint is one of an ad's prices (classifiedad_prices).
type PricePoint struct {
	ID      uint64 `gorm:"primaryKey"`
	AdID    uint64 `gorm:"column:classifiedad_id"`
	Price   Money
	Changed time.Time
}

// TableName maps PricePoint to its table.
func (PricePoint) TableName() string { return "classifiedad_prices" }

// PriceHistory lists the ad's prices, oldest first.
func (db *DB) PriceHistory(ctx context.Context, adID uint64) ([]PricePoint, error) {
	var points []PricePoint
	if err := db.WithContext(ctx).Where("classifiedad_id = ?", adID).Order("id").Find(&points).Error; err != nil {
		return nil, fmt.Errorf("read price history of ad %d: %w", adID, err)
	}
	return points, nil
}

// changePrice records the ad's new price in its history and keeps its
// reduction current: a lower price of a published ad is a reduction from
// the price before the reductions of the last PriceDropDays, a price back
// at that level ends it. It reports whether the ad's savers are to be
// told: only of a price below every price of those days, so that raising
// and lowering again never announces a price they have seen beaten.
func changePrice(tx *gorm.DB, cur *Ad, price Money, now time.Time) (bool, error) {
	if price == cur.Price {
		return false, nil
	}
	since := now.Add(-PriceDropDays * 24 * time.Hour)
	var recent struct {
		N      int64
		Lowest *Money
	}
	if err := tx.Model(&PricePoint{}).Select("COUNT(*) AS n, MIN(CASE WHEN changed >= ? THEN price END) AS lowest", since).
		Where("classifiedad_id = ?", cur.ID).Scan(&recent).Error; err != nil {
		return false, err
	}
	points := []PricePoint{{AdID: cur.ID, Price: price, Changed: now}}
	if recent.N == 0 {
		points = []PricePoint{{AdID: cur.ID, Price: cur.Price, Changed: cur.Created}, points[0]}
	}
	if err := tx.Create(&points).Error; err != nil {
		return false, err
	}
	from := cur.Price
	if cur.PriceDroppedAt != nil && cur.PriceDroppedAt.After(since) && cur.PriceDropFrom != nil && *cur.PriceDropFrom > from {
		from = *cur.PriceDropFrom
	}
	switch {
	case price < cur.Price && cur.PublishedAt != nil:
		lowest := cur.Price
		if recent.Lowest != nil && *recent.Lowest < lowest {
			lowest = *recent.Lowest
		}
		tell := price < lowest
		return tell, tx.Model(&Ad{}).Where("id = ?", cur.ID).UpdateColumns(map[string]any{
			"price_drop_from": from, "price_dropped_at": now, "price_alerts_pending": gorm.Expr("price_alerts_pending OR ?", tell),
		}).Error
	case price >= from:
		return false, tx.Model(&Ad{}).Where("id = ?", cur.ID).
			UpdateColumns(map[string]any{"price_drop_from": nil, "price_dropped_at": nil}).Error
	}
	return false, nil
}
