package djangoimport

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"motando/models"
)

// maxMessage is the longest message imported; longer ones are cut.
const maxMessage = 4000

// srcMessage is one entry of a chat's JSON list.
type srcMessage struct {
	From      string `json:"from"`
	Text      string `json:"text"`
	Timestamp string `json:"timestamp"`
}

// importChats brings over the chats of imported ads as conversations: a
// registered buyer's (when the account was imported) or an anonymous
// one's, keyed by e-mail like the contact form's. A chat imported before
// gets only the messages added to it since.
func (im *Importer) importChats(ctx context.Context) error {
	ads, err := im.DB.ImportedRows(ctx, "classifiedad")
	if err != nil {
		return err
	}
	done, err := im.DB.ImportedRows(ctx, "chats")
	if err != nil {
		return err
	}
	return eachBatch(ctx, im, "chats", "conversas", im.src.chats, func(c *srcChat) uint64 { return c.ID },
		func(ctx context.Context, sc *srcChat) error {
			ad, ok := ads[sc.AdID]
			if !ok {
				im.sum.tally(kindChats).skip("o anúncio não foi importado", fmt.Sprintf("conversa %d", sc.ID))
				return nil
			}
			return im.importChat(ctx, sc, ad.TargetID, done[sc.ID])
		})
}

// importChat imports one chat into the conversation of the ad here.
func (im *Importer) importChat(ctx context.Context, sc *srcChat, adID uint64, before models.ImportedRow) error {
	tally, example := im.sum.tally(kindChats), fmt.Sprintf("conversa %d", sc.ID)
	if len(sc.Messages) > maxChatJSON {
		tally.fail("mensagens demais (mais de 1 MB)", example)
		return nil
	}
	var list []srcMessage
	if err := json.Unmarshal([]byte(sc.Messages), &list); err != nil {
		tally.fail("mensagens ilegíveis", example)
		return nil
	}
	if before.TargetID != 0 {
		tally.match()
		if len(list) <= before.Items {
			return nil
		}
	}
	sellerID, err := im.DB.AdOwner(ctx, adID)
	if errors.Is(err, models.ErrNotFound) {
		tally.skip("o anúncio foi excluído aqui", example)
		return nil
	}
	if err != nil {
		return err
	}
	seller, err := im.DB.UserByID(ctx, sellerID)
	if err != nil {
		return err
	}
	conv, problem := im.conversation(sc, adID, sellerID)
	if problem != "" {
		tally.fail(problem, example)
		return nil
	}
	conv.ID = before.TargetID
	msgs := im.messages(sc, list[before.Items:], conv, seller)
	err = im.DB.ImportChat(ctx, sc.ID, conv, msgs, len(list))
	if errors.Is(err, models.ErrNotFound) {
		tally.skip("a conversa foi excluída aqui", example)
		return nil
	}
	if err != nil {
		return err
	}
	if before.TargetID == 0 {
		tally.add(1)
	}
	im.sum.tally(kindMessages).add(len(msgs))
	return nil
}

// conversation is the conversation a chat becomes, or why it cannot be
// imported.
func (im *Importer) conversation(sc *srcChat, adID, sellerID uint64) (*models.Conversation, string) {
	b := models.Buyer{Name: cut(strings.TrimSpace(sc.BuyerName), 200), Email: models.NormalizeEmail(sc.BuyerEmail),
		Phone: cut(digits(sc.Phone), 40)}
	if id, ok := im.users[uint64(sc.BuyerID.Int64)]; ok && sc.BuyerID.Valid {
		b.UserID = &id
	}
	if b.UserID == nil && !strings.Contains(b.Email, "@") {
		return nil, "comprador sem conta importada nem e-mail"
	}
	if b.UserID != nil && *b.UserID == sellerID {
		return nil, "o comprador é o próprio vendedor"
	}
	if b.Name == "" {
		b.Name = "Comprador"
	}
	_, hash := models.NewToken() // the anonymous buyer's private link: sent by the site's next reply
	return &models.Conversation{AdID: adID, SellerID: sellerID, BuyerID: b.UserID, BuyerKey: b.Key(), BuyerName: b.Name,
		BuyerEmail: b.Email, BuyerPhone: b.Phone, BuyerToken: hash, LastMessageAt: sc.Created, Created: sc.Created}, ""
}

// messages converts a chat's messages. The original stored every reply
// under the buyer's name, whoever wrote it (a defect of its chat): a
// message is the seller's only when it names the seller.
func (im *Importer) messages(sc *srcChat, list []srcMessage, conv *models.Conversation, seller *models.User) []models.Message {
	sellerKey := models.NameKey(seller.Fullname)
	var out []models.Message
	for _, m := range list {
		body := cut(strings.TrimSpace(m.Text), maxMessage)
		if body == "" {
			continue
		}
		msg := models.Message{Author: models.AuthorBuyer, AuthorUserID: conv.BuyerID, Body: body, Created: messageTime(m.Timestamp, sc.Created)}
		if models.NameKey(m.From) == sellerKey && sellerKey != models.NameKey(conv.BuyerName) {
			msg.Author, msg.AuthorUserID = models.AuthorSeller, &seller.ID
		}
		out = append(out, msg)
	}
	return out
}

// timeLayouts are the forms the original wrote timestamps in: Python's
// isoformat, with or without a UTC offset.
var timeLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999"}

// messageTime reads a message's timestamp (without an offset, UTC: the
// original's TIME_ZONE), or fallback when it cannot be read.
func messageTime(s string, fallback time.Time) time.Time {
	for _, layout := range timeLayouts {
		if t, err := time.Parse(layout, strings.TrimSpace(s)); err == nil {
			return t.UTC()
		}
	}
	return fallback
}
