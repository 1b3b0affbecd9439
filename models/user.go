package models

import "time"

// User is an account (users). Sign-in is by e-mail, stored lower-cased.
type User struct {
	ID            uint64 `gorm:"primaryKey"`
	Email         string
	Fullname      string
	Password      string // argon2id hash in PHC format
	IsAdmin       bool
	IsDemo        bool
	BlockedAt     *time.Time
	BlockedReason string
	LastLogin     *time.Time
	Created       time.Time `gorm:"autoCreateTime"`
	Updated       time.Time `gorm:"autoUpdateTime"`
}

// TableName maps User to its table.
func (User) TableName() string { return "users" }
