package models

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"
)

// Upload is a photo waiting in the temporary bucket for its ad
// (photo_uploads). Its token is only honoured for the user who uploaded it.
type Upload struct {
	Token       string `gorm:"primaryKey"`
	UserID      uint64
	TmpKey      string
	ContentType string
	SizeBytes   int64
	Width       int
	Height      int
	Created     time.Time `gorm:"autoCreateTime"`
	UsedAt      *time.Time
}

// TableName maps Upload to its table.
func (Upload) TableName() string { return "photo_uploads" }

// NewUploadToken returns a random token for an upload.
func NewUploadToken() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// CreateUpload records an uploaded photo.
func (db *DB) CreateUpload(ctx context.Context, u *Upload) error {
	if err := db.WithContext(ctx).Create(u).Error; err != nil {
		return fmt.Errorf("record upload: %w", err)
	}
	return nil
}

// UploadsOf returns the user's unused uploads among tokens, by token; a
// token that is another user's, used or unknown is absent.
func (db *DB) UploadsOf(ctx context.Context, userID uint64, tokens []string) (map[string]Upload, error) {
	out := map[string]Upload{}
	if len(tokens) == 0 {
		return out, nil
	}
	var ups []Upload
	if err := db.WithContext(ctx).Where("user_id = ? AND used_at IS NULL AND token IN ?", userID, tokens).Find(&ups).Error; err != nil {
		return nil, fmt.Errorf("read uploads: %w", err)
	}
	for _, u := range ups {
		out[u.Token] = u
	}
	return out, nil
}

// UploadOf returns one of the user's uploads, used or not.
func (db *DB) UploadOf(ctx context.Context, userID uint64, token string) (*Upload, error) {
	var u Upload
	if err := db.WithContext(ctx).Where("token = ? AND user_id = ?", token, userID).First(&u).Error; err != nil {
		return nil, notFound(err, "read upload")
	}
	return &u, nil
}

// DeleteStaleUploads removes upload rows older than cutoff (their objects
// are gone with the temporary bucket's lifecycle) and returns how many.
func (db *DB) DeleteStaleUploads(ctx context.Context, cutoff time.Time) (int64, error) {
	res := db.WithContext(ctx).Delete(&Upload{}, "created < ?", cutoff)
	if res.Error != nil {
		return 0, fmt.Errorf("delete stale uploads: %w", res.Error)
	}
	return res.RowsAffected, nil
}
