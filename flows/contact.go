package flows

import (
	"context"
	"errors"
	"strconv"

	"motando/models"
)

// Contact limits, within the counters' window.
const (
	MaxContactsPerAddr  = 20 // messages to sellers from one address
	MaxContactsPerEmail = 10 // messages to sellers from one e-mail
)

// AdLine is what e-mails say of an ad.
type AdLine struct {
	Title, Years, Price string
}

// Contact is a buyer's message to the seller of an ad.
type Contact struct {
	Ad        *models.Ad
	Seller    *models.User
	Line      AdLine
	Buyer     models.Buyer
	Body      string
	Anonymous bool // written without signing in
}

// CountContact counts an attempt to write to a seller from the address,
// before anything is looked up; past the limit it is ErrTooMany.
func (f *Flows) CountContact(ctx context.Context, addr string) error {
	return f.count(ctx, "contact:addr:"+addr, MaxContactsPerAddr)
}

// SendContact counts the attempt against the buyer's e-mail (ErrTooMany
// past the limit), stores the message in the conversation of the ad and
// buyer, and tells the seller by e-mail when the conversation is new. An
// anonymous buyer who gives the e-mail of an account gets the same answer
// as anyone, and the account is told by e-mail instead.
func (f *Flows) SendContact(ctx context.Context, m Contact) error {
	if err := f.count(ctx, "contact:email:"+m.Buyer.Email, MaxContactsPerEmail); err != nil {
		return err
	}
	// The private link is made when the seller answers; until then the
	// conversation has a hash nobody holds the link of.
	_, hash := models.NewToken()
	conv, created, err := f.DB.ContactSeller(ctx, m.Ad, m.Buyer, m.Body, hash)
	if err != nil {
		return err
	}
	if created {
		err := f.mail(ctx, m.Seller.Email, "contact_seller", map[string]any{
			"FirstName": m.Seller.FirstName(), "BuyerName": m.Buyer.Name, "Ad": m.Line, "Body": m.Body,
			"ReplyURL": f.BaseURL + "/mensagens/" + strconv.FormatUint(conv.ID, 10),
		})
		if err != nil {
			return err
		}
	}
	if !m.Anonymous {
		return nil
	}
	owner, err := f.DB.UserByEmail(ctx, m.Buyer.Email)
	if errors.Is(err, models.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	return f.mail(ctx, owner.Email, "contact_owner_notice", map[string]any{"FirstName": owner.FirstName(), "Ad": m.Line})
}
