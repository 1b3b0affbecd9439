package models

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// ImportedRow is a row of the original Django site that import-django
// brought over (imported_rows): SourceTable and SourceID name it there,
// TargetID is the row it became here.
type ImportedRow struct {
	SourceTable string `gorm:"primaryKey"`
	SourceID    uint64 `gorm:"primaryKey"`
	TargetID    uint64
	Items       int // a chat's messages imported so far
	Imported    time.Time
}

// TableName maps ImportedRow to its table.
func (ImportedRow) TableName() string { return "imported_rows" }

// ImportedRows returns the rows of the source table already imported, by
// source id.
func (db *DB) ImportedRows(ctx context.Context, sourceTable string) (map[uint64]ImportedRow, error) {
	var rows []ImportedRow
	if err := db.WithContext(ctx).Where("source_table = ?", sourceTable).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("read imported %s: %w", sourceTable, err)
	}
	out := make(map[uint64]ImportedRow, len(rows))
	for _, r := range rows {
		out[r.SourceID] = r
	}
	return out, nil
}

// recordImport notes in tx that the source row became targetID, with items
// imported of it.
func recordImport(tx *gorm.DB, sourceTable string, sourceID, targetID uint64, items int, now time.Time) error {
	row := ImportedRow{SourceTable: sourceTable, SourceID: sourceID, TargetID: targetID, Items: items, Imported: now}
	return tx.Clauses(clause.OnConflict{UpdateAll: true}).Create(&row).Error
}

// ImportUser stores an account of the original site and its profile, and
// records it, in one transaction. An e-mail that has an account here
// already is ErrEmailTaken.
func (db *DB) ImportUser(ctx context.Context, sourceID uint64, u *User, p *Profile) error {
	u.Email = NormalizeEmail(u.Email)
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var taken int64
		if err := tx.Model(&User{}).Where("email = ?", u.Email).Count(&taken).Error; err != nil {
			return err
		}
		if taken > 0 {
			return ErrEmailTaken
		}
		if err := tx.Create(u).Error; err != nil {
			return err
		}
		p.UserID = u.ID
		if err := tx.Create(p).Error; err != nil {
			return err
		}
		return recordImport(tx, "account_user", sourceID, u.ID, 0, db.NowFunc())
	})
	switch {
	case errors.Is(err, ErrEmailTaken), errors.Is(err, gorm.ErrDuplicatedKey):
		return ErrEmailTaken
	case err != nil:
		return fmt.Errorf("import user %d: %w", sourceID, err)
	}
	return nil
}

// ImportedPhoto is a photo of the original brought into the temporary
// bucket: its id there, its place in the original's order, its object.
type ImportedPhoto struct {
	SourceID uint64
	Position int
	TmpKey   string
}

// ImportAd stores an ad of the original site with its photos (the first
// in the original's order is the cover) and records both, in one
// transaction. The ad keeps the status it is given: new for the worker to
// publish, or failed with its reason.
func (db *DB) ImportAd(ctx context.Context, sourceID uint64, ad *Ad, photos []ImportedPhoto) error {
	now := db.NowFunc()
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		ad.StatusChanged, ad.Listed, ad.Images = now, false, nil
		for _, p := range photos {
			ad.Images = append(ad.Images, Image{Position: p.Position, Status: ImagePending, TmpKey: p.TmpKey})
		}
		if err := tx.Create(ad).Error; err != nil {
			return err
		}
		if err := recordPhotos(tx, ad.Images, photos, now); err != nil {
			return err
		}
		if err := tx.Create(&PricePoint{AdID: ad.ID, Price: ad.Price, Changed: ad.Created}).Error; err != nil {
			return err
		}
		return recordImport(tx, "classifiedad", sourceID, ad.ID, 0, now)
	})
	if err != nil {
		return fmt.Errorf("import ad %d: %w", sourceID, err)
	}
	return nil
}

// recordPhotos records each stored image as the photo of the original it
// came from.
func recordPhotos(tx *gorm.DB, images []Image, photos []ImportedPhoto, now time.Time) error {
	for i, img := range images {
		if err := recordImport(tx, "classifiedad_images", photos[i].SourceID, img.ID, 0, now); err != nil {
			return err
		}
	}
	return nil
}

// ImportPhotos adds to an ad imported before the photos of the original
// that could not be brought then, each at its place in the original's
// order, records them and hands the ad back to the worker: a failed ad
// (left without photos) goes back to new, a public one to update. A
// missing ad (deleted here since) is ErrNotFound.
func (db *DB) ImportPhotos(ctx context.Context, adID uint64, photos []ImportedPhoto) error {
	now := db.NowFunc()
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var ad Ad
		if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Select("id", "status", "listed").First(&ad, adID).Error; err != nil {
			return err
		}
		if ad.Status == StatusDelete {
			return gorm.ErrRecordNotFound
		}
		images := make([]Image, len(photos))
		for i, p := range photos {
			images[i] = Image{AdID: adID, Position: p.Position, Status: ImagePending, TmpKey: p.TmpKey}
		}
		if err := tx.Create(&images).Error; err != nil {
			return err
		}
		if err := recordPhotos(tx, images, photos, now); err != nil {
			return err
		}
		status := StatusNew
		if ad.Listed {
			status = StatusUpdate
		}
		return tx.Model(&Ad{}).Where("id = ? AND status IN ?", adID, []string{StatusFailed, StatusPublished}).
			Updates(map[string]any{"status": status, "status_reason": "", "status_changed": now}).Error
	})
	if err != nil {
		return notFound(err, "import photos of ad %d", adID)
	}
	return nil
}

// ImportChat stores the messages of a chat of the original site, oldest
// first, in its conversation here, and records how many it has imported.
// conv is the conversation the chat became in an earlier run (its ID set;
// msgs are then only the new messages), or a new one: when the ad and
// buyer have a conversation already (two chats of one buyer), it is
// continued. Each message counts as read.
func (db *DB) ImportChat(ctx context.Context, sourceID uint64, conv *Conversation, msgs []Message, total int) error {
	now := db.NowFunc()
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := findOrCreateConversation(tx, conv); err != nil {
			return err
		}
		for i := range msgs {
			msgs[i].ConversationID = conv.ID
			if msgs[i].Created.After(conv.LastMessageAt) {
				conv.LastMessageAt = msgs[i].Created
			}
		}
		if len(msgs) > 0 {
			if err := tx.Create(&msgs).Error; err != nil {
				return err
			}
		}
		err := tx.Model(&Conversation{}).Where("id = ?", conv.ID).Update("last_message_at", conv.LastMessageAt).Error
		if err != nil {
			return err
		}
		return recordImport(tx, "chats", sourceID, conv.ID, total, now)
	})
	if err != nil {
		return fmt.Errorf("import chat %d: %w", sourceID, err)
	}
	return nil
}

// findOrCreateConversation loads conv by its ID, or by its ad and buyer,
// or creates it.
func findOrCreateConversation(tx *gorm.DB, conv *Conversation) error {
	var found Conversation
	q := tx.Clauses(clause.Locking{Strength: "UPDATE"})
	var err error
	if conv.ID != 0 {
		err = q.First(&found, conv.ID).Error
	} else {
		err = q.Where("classifiedad_id = ? AND buyer_key = ?", conv.AdID, conv.BuyerKey).First(&found).Error
	}
	switch {
	case err == nil:
		*conv = found
		return nil
	case !errors.Is(err, gorm.ErrRecordNotFound):
		return err
	case conv.ID != 0:
		return fmt.Errorf("conversation %d: %w", conv.ID, ErrNotFound)
	}
	return tx.Create(conv).Error
}

// AdOwner returns the id of an ad's seller.
func (db *DB) AdOwner(ctx context.Context, adID uint64) (uint64, error) {
	var ad Ad
	if err := db.WithContext(ctx).Select("id", "user_id").First(&ad, adID).Error; err != nil {
		return 0, notFound(err, "read owner of ad %d", adID)
	}
	return ad.UserID, nil
}
