package models

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"gorm.io/gorm/schema"
)

// AdPage is everything the ad's page shows: the ad with its ready photos in
// order, and its seller with their profile.
type AdPage struct {
	Ad      *Ad
	Seller  *User
	Profile *Profile
}

// adPageRow is the ad, its seller and their profile read as one row; the
// seller's and profile's columns carry a prefix.
type adPageRow struct {
	Ad      Ad      `gorm:"embedded"`
	Seller  User    `gorm:"embedded;embeddedPrefix:u__"`
	Profile Profile `gorm:"embedded;embeddedPrefix:p__"`
}

// adPageColumns is the select list of adPageRow, made once from the models.
var adPageColumns = sync.OnceValue(func() string {
	cols := []string{"classifiedad.*"}
	for _, t := range []struct {
		model         any
		table, prefix string
	}{{&User{}, "users", "u__"}, {&Profile{}, "user_profiles", "p__"}} {
		s, err := schema.Parse(t.model, &sync.Map{}, schema.NamingStrategy{})
		if err != nil {
			panic(fmt.Sprintf("ad page columns: %v", err))
		}
		for _, name := range s.DBNames {
			cols = append(cols, t.table+"."+name+" AS "+t.prefix+name)
		}
	}
	return strings.Join(cols, ", ")
})

// AdPageByID reads an ad's page in two queries, whatever its status (the
// caller decides who may see it: the public only a listed, unexpired ad;
// its owner always): the ad with its seller and their profile, then its
// ready photos in order.
func (db *DB) AdPageByID(ctx context.Context, id uint64) (*AdPage, error) {
	var row adPageRow
	err := db.WithContext(ctx).Table("classifiedad").Select(adPageColumns()).
		Joins("JOIN users ON users.id = classifiedad.user_id").
		Joins("LEFT JOIN user_profiles ON user_profiles.user_id = classifiedad.user_id").
		Where("classifiedad.id = ? AND classifiedad.status <> ?", id, StatusDelete).Take(&row).Error
	if err != nil {
		return nil, notFound(err, "read ad %d", id)
	}
	row.Profile.UserID = row.Ad.UserID
	err = db.WithContext(ctx).Where("classifiedad_id = ? AND status = ?", id, ImageReady).Order("position, id").Find(&row.Ad.Images).Error
	if err != nil {
		return nil, fmt.Errorf("read photos of ad %d: %w", id, err)
	}
	return &AdPage{Ad: &row.Ad, Seller: &row.Seller, Profile: &row.Profile}, nil
}
