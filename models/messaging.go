package models

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Buyer is who writes to a seller from an ad's page: a signed-in person
// (UserID set) or an anonymous visitor known by e-mail.
type Buyer struct {
	UserID *uint64
	Name   string
	Email  string
	Phone  string
}

// Key identifies the buyer's conversation on an ad: "u:<id>" or
// "e:<e-mail>".
func (b Buyer) Key() string {
	if b.UserID != nil {
		return fmt.Sprintf("u:%d", *b.UserID)
	}
	return "e:" + NormalizeEmail(b.Email)
}

// ContactSeller stores a buyer's message to an ad's seller, in the
// conversation of that ad and buyer, created if needed (created is true
// then). tokenHash is the hash of the conversation's private link.
// Concurrent messages are all kept, in order: each is a row.
func (db *DB) ContactSeller(ctx context.Context, ad *Ad, b Buyer, body, tokenHash string) (*Conversation, bool, error) {
	var conv *Conversation
	var created bool
	// A concurrent first message of the same buyer may create the
	// conversation first (a duplicate key), or MySQL may pick this
	// transaction as a deadlock victim: both succeed when run again.
	err := retryConflicts(ctx, func() error {
		var err error
		conv, created, err = db.contactSeller(ctx, ad, b, body, tokenHash)
		return err
	})
	if err != nil {
		return nil, false, fmt.Errorf("contact seller of ad %d: %w", ad.ID, err)
	}
	return conv, created, nil
}

func (db *DB) contactSeller(ctx context.Context, ad *Ad, b Buyer, body, tokenHash string) (*Conversation, bool, error) {
	now := db.NowFunc()
	key := b.Key()
	var conv Conversation
	created := false
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		// Locked at once: taking a shared lock first (by the message's
		// foreign key) and upgrading it later deadlocks concurrent senders.
		err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).
			Where("classifiedad_id = ? AND buyer_key = ?", ad.ID, key).First(&conv).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			conv = Conversation{AdID: ad.ID, SellerID: ad.UserID, BuyerID: b.UserID, BuyerKey: key, BuyerName: b.Name,
				BuyerEmail: NormalizeEmail(b.Email), BuyerPhone: b.Phone, LastMessageAt: now, BuyerToken: tokenHash}
			if err = tx.Create(&conv).Error; err != nil {
				return err
			}
			created = true
		} else if err != nil {
			return err
		}
		return addMessage(tx, &conv, AuthorBuyer, b.UserID, body, now)
	})
	return &conv, created, err
}

// addMessage counts a message unread for the other party and inserts it.
// The conversation's row is updated first, so that the transaction holds
// its exclusive lock before the message's foreign key asks for a shared
// one.
func addMessage(tx *gorm.DB, conv *Conversation, author string, userID *uint64, body string, now time.Time) error {
	unread := "seller_unread"
	if author == AuthorSeller {
		unread = "buyer_unread"
	}
	err := tx.Model(&Conversation{}).Where("id = ?", conv.ID).
		Updates(map[string]any{unread: gorm.Expr(unread + " + 1"), "last_message_at": now}).Error
	if err != nil {
		return err
	}
	return tx.Create(&Message{ConversationID: conv.ID, Author: author, AuthorUserID: userID, Body: body, Created: now}).Error
}

// Reply stores a message of one party of a conversation.
func (db *DB) Reply(ctx context.Context, conv *Conversation, author string, userID *uint64, body string) error {
	err := retryConflicts(ctx, func() error {
		return db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			return addMessage(tx, conv, author, userID, body, db.NowFunc())
		})
	})
	if err != nil {
		return fmt.Errorf("reply in conversation %d: %w", conv.ID, err)
	}
	return nil
}

// ConversationFor returns a conversation the user takes part in and their
// role in it (AuthorSeller or AuthorBuyer); anyone else gets ErrNotFound.
func (db *DB) ConversationFor(ctx context.Context, id, userID uint64) (*Conversation, string, error) {
	var c Conversation
	err := db.WithContext(ctx).Where("id = ? AND (seller_id = ? OR buyer_id = ?)", id, userID, userID).First(&c).Error
	if err != nil {
		return nil, "", notFound(err, "read conversation %d", id)
	}
	role := AuthorBuyer
	if c.SellerID == userID {
		role = AuthorSeller
	}
	return &c, role, nil
}

// ConversationByToken returns the conversation of an anonymous buyer's
// private link (by the link's hash).
func (db *DB) ConversationByToken(ctx context.Context, tokenHash string) (*Conversation, error) {
	var c Conversation
	if err := db.WithContext(ctx).Where("buyer_token = ?", tokenHash).First(&c).Error; err != nil {
		return nil, notFound(err, "read conversation by link")
	}
	return &c, nil
}

// SetBuyerToken replaces the hash of an anonymous buyer's private link:
// the link sent before stops opening the conversation.
func (db *DB) SetBuyerToken(ctx context.Context, convID uint64, tokenHash string) error {
	if err := db.WithContext(ctx).Model(&Conversation{}).Where("id = ?", convID).Update("buyer_token", tokenHash).Error; err != nil {
		return fmt.Errorf("set the private link of conversation %d: %w", convID, err)
	}
	return nil
}

// Messages returns a conversation's messages, oldest first.
func (db *DB) Messages(ctx context.Context, convID uint64) ([]Message, error) {
	var ms []Message
	if err := db.WithContext(ctx).Where("conversation_id = ?", convID).Order("id").Find(&ms).Error; err != nil {
		return nil, fmt.Errorf("read messages of conversation %d: %w", convID, err)
	}
	return ms, nil
}

// MarkRead clears a party's unread count.
func (db *DB) MarkRead(ctx context.Context, convID uint64, role string) error {
	col := "buyer_unread"
	if role == AuthorSeller {
		col = "seller_unread"
	}
	if err := db.WithContext(ctx).Model(&Conversation{}).Where("id = ?", convID).Update(col, 0).Error; err != nil {
		return fmt.Errorf("mark conversation %d read: %w", convID, err)
	}
	return nil
}

// Inbox is a person's conversations, newest first, with their ads.
type Inbox struct {
	Conversations []Conversation
	Ads           map[uint64]Ad
}

// InboxOf lists the conversations the user takes part in, as seller or
// buyer, newest first (up to limit), with their ads' card columns: two
// queries.
func (db *DB) InboxOf(ctx context.Context, userID uint64, limit int) (*Inbox, error) {
	in := &Inbox{Ads: map[uint64]Ad{}}
	err := db.WithContext(ctx).Where("seller_id = ? OR buyer_id = ?", userID, userID).
		Order("last_message_at DESC, id DESC").Limit(limit).Find(&in.Conversations).Error
	if err != nil {
		return nil, fmt.Errorf("inbox of user %d: %w", userID, err)
	}
	var ids []uint64
	for _, c := range in.Conversations {
		ids = append(ids, c.AdID)
	}
	if len(ids) == 0 {
		return in, nil
	}
	var ads []Ad
	if err := db.WithContext(ctx).Select(cardColumns).Where("id IN ?", ids).Find(&ads).Error; err != nil {
		return nil, fmt.Errorf("inbox ads: %w", err)
	}
	for _, a := range ads {
		in.Ads[a.ID] = a
	}
	return in, nil
}

// UnreadCount is how many messages wait for the user, across their
// conversations.
func (db *DB) UnreadCount(ctx context.Context, userID uint64) (int64, error) {
	var n struct{ N int64 }
	err := db.WithContext(ctx).Model(&Conversation{}).
		Select("COALESCE(SUM(CASE WHEN seller_id = ? THEN seller_unread ELSE 0 END + CASE WHEN buyer_id = ? THEN buyer_unread ELSE 0 END), 0) AS n", userID, userID).
		Where("seller_id = ? OR buyer_id = ?", userID, userID).Scan(&n).Error
	if err != nil {
		return 0, fmt.Errorf("unread count of user %d: %w", userID, err)
	}
	return n.N, nil
}

// CreateReport stores a "Denunciar anúncio".
func (db *DB) CreateReport(ctx context.Context, r *Report) error {
	if err := db.WithContext(ctx).Create(r).Error; err != nil {
		return fmt.Errorf("report ad %d: %w", r.AdID, err)
	}
	return nil
}
