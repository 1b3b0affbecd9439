package flows

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"

	"motando/models"
	"motando/worker"
)

// Password reset limits, within the counters' window, and how long a link
// works.
const (
	ResetTTL            = time.Hour
	MaxResetsPerEmail   = 5
	MaxResetsPerAddress = 20
)

// RequestPasswordReset sends a reset link to the e-mail when it belongs to
// an account that is not blocked, unless the e-mail or the address asked
// too often; the caller answers the same in every case, so that nobody
// learns whether an account exists.
func (f *Flows) RequestPasswordReset(ctx context.Context, email, addr string) error {
	errEmail := f.count(ctx, "reset:email:"+email, MaxResetsPerEmail)
	errAddr := f.count(ctx, "reset:addr:"+addr, MaxResetsPerAddress)
	for _, err := range []error{errEmail, errAddr} {
		if errors.Is(err, ErrTooMany) {
			return nil
		}
		if err != nil {
			return err
		}
	}
	u, err := f.DB.UserByEmail(ctx, email)
	if errors.Is(err, models.ErrNotFound) || (err == nil && u.BlockedAt != nil) {
		return nil
	}
	if err != nil {
		return err
	}
	mail, err := f.DB.RequestPasswordReset(ctx, u, ResetTTL, func(tx *gorm.DB, token string) (*models.Email, error) {
		return queueMail(ctx, tx, u.Email, "password_reset", map[string]any{
			"FirstName": u.FirstName(), "ResetURL": f.BaseURL + "/senha/redefinir/" + token,
		})
	})
	if err != nil {
		return err
	}
	f.enqueue(ctx, worker.Job{Kind: worker.KindEmail, ID: mail.ID})
	return nil
}
