package models

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// MaxFavorites is how many ads one person can keep saved.
const MaxFavorites = 500

// ErrTooManyFavorites is a save past MaxFavorites.
var ErrTooManyFavorites = errors.New("too many favourites")

// Favorite is an ad a person saved (favorites).
type Favorite struct {
	UserID  uint64 `gorm:"primaryKey"`
	AdID    uint64 `gorm:"primaryKey;column:classifiedad_id"`
	Created time.Time
}

// TableName maps Favorite to its table.
func (Favorite) TableName() string { return "favorites" }

// SaveFavorite saves a listed ad for the person; saving it twice is one
// save. An ad that is not listed is ErrNotFound.
func (db *DB) SaveFavorite(ctx context.Context, userID, adID uint64) error {
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var listed int64
		if err := tx.Model(&Ad{}).Where("id = ? AND listed = ?", adID, true).Count(&listed).Error; err != nil {
			return err
		}
		if listed == 0 {
			return ErrNotFound
		}
		var saved int64
		if err := tx.Model(&Favorite{}).Where("user_id = ?", userID).Count(&saved).Error; err != nil {
			return err
		}
		if saved >= MaxFavorites {
			return ErrTooManyFavorites
		}
		return tx.Clauses(clause.OnConflict{DoNothing: true}).
			Create(&Favorite{UserID: userID, AdID: adID, Created: db.NowFunc()}).Error
	})
	if errors.Is(err, ErrNotFound) || errors.Is(err, ErrTooManyFavorites) {
		return err
	}
	if err != nil {
		return fmt.Errorf("save ad %d for user %d: %w", adID, userID, err)
	}
	return nil
}

// RemoveFavorite takes an ad out of the person's saved ads.
func (db *DB) RemoveFavorite(ctx context.Context, userID, adID uint64) error {
	if err := db.WithContext(ctx).Where("user_id = ? AND classifiedad_id = ?", userID, adID).Delete(&Favorite{}).Error; err != nil {
		return fmt.Errorf("remove ad %d from user %d's favourites: %w", adID, userID, err)
	}
	return nil
}

// FavoriteSet says which of the ads the person saved.
func (db *DB) FavoriteSet(ctx context.Context, userID uint64, adIDs []uint64) (map[uint64]bool, error) {
	saved := map[uint64]bool{}
	if userID == 0 || len(adIDs) == 0 {
		return saved, nil
	}
	var ids []uint64
	err := db.WithContext(ctx).Model(&Favorite{}).Where("user_id = ? AND classifiedad_id IN ?", userID, adIDs).
		Pluck("classifiedad_id", &ids).Error
	if err != nil {
		return nil, fmt.Errorf("read favourites of user %d: %w", userID, err)
	}
	for _, id := range ids {
		saved[id] = true
	}
	return saved, nil
}

// FavoriteAds lists the ads the person saved, the latest saved first, with
// their images in order; ads no longer listed are there too, for the
// person to see they are gone.
func (db *DB) FavoriteAds(ctx context.Context, userID uint64) ([]Ad, error) {
	var ads []Ad
	err := db.WithContext(ctx).
		Preload("Images", func(tx *gorm.DB) *gorm.DB {
			return tx.Where("status = ?", ImageReady).Order("position, id")
		}).
		Joins("JOIN favorites f ON f.classifiedad_id = classifiedad.id AND f.user_id = ?", userID).
		Order("f.created DESC, classifiedad.id DESC").Find(&ads).Error
	if err != nil {
		return nil, fmt.Errorf("list favourites of user %d: %w", userID, err)
	}
	return ads, nil
}
