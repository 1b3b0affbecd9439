package models

import (
	"context"
	"fmt"

	"gorm.io/gorm"
)

// AdPage is everything the ad's page shows: the ad with its ready photos in
// order, and its seller with their profile.
type AdPage struct {
	Ad      *Ad
	Seller  *User
	Profile *Profile
}

// AdPageByID reads an ad's page in four queries, whatever its status: the
// caller decides who may see it (the public only a listed, unexpired ad;
// its owner always).
func (db *DB) AdPageByID(ctx context.Context, id uint64) (*AdPage, error) {
	var ad Ad
	err := db.WithContext(ctx).
		Preload("Images", func(tx *gorm.DB) *gorm.DB {
			return tx.Where("status = ?", ImageReady).Order("position, id")
		}).
		Where("id = ? AND status <> ?", id, StatusDelete).First(&ad).Error
	if err != nil {
		return nil, notFound(err, "read ad %d", id)
	}
	seller, err := db.UserByID(ctx, ad.UserID)
	if err != nil {
		return nil, fmt.Errorf("read seller of ad %d: %w", id, err)
	}
	profile, err := db.ProfileOf(ctx, ad.UserID)
	if err != nil {
		return nil, err
	}
	return &AdPage{Ad: &ad, Seller: seller, Profile: profile}, nil
}
