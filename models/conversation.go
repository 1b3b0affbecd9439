package models

import "time"

// Conversation is the thread between a buyer and the seller of an ad
// (conversations); one per (ad, buyer).
type Conversation struct {
	ID            uint64 `gorm:"primaryKey"`
	AdID          uint64 `gorm:"column:classifiedad_id"`
	SellerID      uint64
	BuyerID       *uint64
	BuyerKey      string
	BuyerName     string
	BuyerEmail    string
	BuyerPhone    string
	BuyerToken    string
	SellerUnread  int
	BuyerUnread   int
	LastMessageAt time.Time
	Created       time.Time `gorm:"autoCreateTime"`
}

// TableName maps Conversation to its table.
func (Conversation) TableName() string { return "conversations" }

// Message authors.
const (
	AuthorSeller = "seller"
	AuthorBuyer  = "buyer"
)

// Message is one message of a conversation (messages).
type Message struct {
	ID             uint64 `gorm:"primaryKey"`
	ConversationID uint64
	Author         string
	AuthorUserID   *uint64
	Body           string
	Created        time.Time `gorm:"autoCreateTime"`
}

// TableName maps Message to its table.
func (Message) TableName() string { return "messages" }

// Report is a visitor's "Denunciar anúncio" (reports).
type Report struct {
	ID             uint64 `gorm:"primaryKey"`
	AdID           uint64 `gorm:"column:classifiedad_id"`
	Reason         string
	Note           string
	ReporterUserID *uint64
	ReporterAddr   string
	Created        time.Time `gorm:"autoCreateTime"`
	ClosedAt       *time.Time
	ClosedBy       *uint64
}

// TableName maps Report to its table.
func (Report) TableName() string { return "reports" }
