package flows

import (
	"context"
	"errors"

	"motando/models"
)

// Sign-in limits: failed attempts one e-mail, and one address, may make
// within the counters' window; past them every attempt is refused without
// checking the password.
const (
	MaxFailedSigninsPerEmail = 10
	MaxFailedSigninsPerAddr  = 30
)

// SignIn checks an e-mail and password from an address and returns the
// account. Every attempt takes its place in both limits before the
// password is checked, so that concurrent attempts cannot slip past them;
// a success gives the places back. It is ErrTooMany past a limit,
// models.ErrBadCredentials for a wrong e-mail or password and
// models.ErrBlocked for a blocked account.
func (f *Flows) SignIn(ctx context.Context, email, password, addr string) (*models.User, error) {
	emailKey, addrKey := "signin:email:"+email, "signin:addr:"+addr
	ok, n, err := f.Limits.Reserve(ctx, emailKey, MaxFailedSigninsPerEmail)
	if err != nil || !ok {
		return nil, tooMany(err)
	}
	if ok, _, err := f.Limits.Reserve(ctx, addrKey, MaxFailedSigninsPerAddr); err != nil || !ok {
		f.Limits.Release(ctx, emailKey) //nolint:errcheck // best effort: the window forgets it anyway
		return nil, tooMany(err)
	}
	u, err := f.DB.Authenticate(ctx, email, password)
	switch {
	case errors.Is(err, models.ErrBadCredentials) && n >= MaxFailedSigninsPerEmail:
		return nil, ErrTooMany
	case errors.Is(err, models.ErrBadCredentials), errors.Is(err, models.ErrBlocked):
		return nil, err
	case err != nil:
		// Not a failed attempt: the site could not check it.
		f.Limits.Release(ctx, emailKey) //nolint:errcheck // best effort
		f.Limits.Release(ctx, addrKey)  //nolint:errcheck
		return nil, err
	}
	if err := f.Limits.Reset(ctx, emailKey); err != nil {
		return nil, err
	}
	f.Limits.Release(ctx, addrKey) //nolint:errcheck // best effort
	return u, nil
}

// tooMany is err, or ErrTooMany when there is none.
func tooMany(err error) error {
	if err != nil {
		return err
	}
	return ErrTooMany
}
