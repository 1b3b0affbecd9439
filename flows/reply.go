package flows

import (
	"context"

	"motando/models"
)

// Reply stores a party's message in the conversation. The seller's reply to
// an anonymous buyer goes to the buyer's e-mail with a new private link to
// the conversation; the link before stops working.
func (f *Flows) Reply(ctx context.Context, conv *models.Conversation, role string, userID *uint64, body string, line AdLine) error {
	if err := f.DB.Reply(ctx, conv, role, userID, body); err != nil {
		return err
	}
	if role != models.AuthorSeller || conv.BuyerID != nil {
		return nil
	}
	token, hash := models.NewToken()
	if err := f.DB.SetBuyerToken(ctx, conv.ID, hash); err != nil {
		return err
	}
	return f.mail(ctx, conv.BuyerEmail, "reply_buyer", map[string]any{
		"BuyerName": conv.BuyerName, "Ad": line, "Body": body, "ConversationURL": f.BaseURL + "/conversa/" + token,
	})
}

// RevokeLink ends an anonymous buyer's private link; the seller's next
// reply brings a new one.
func (f *Flows) RevokeLink(ctx context.Context, conv *models.Conversation) error {
	_, unsent := models.NewToken()
	return f.DB.SetBuyerToken(ctx, conv.ID, unsent)
}
