package djangoimport

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"motando/models"
)

// importAccounts brings over the accounts not imported yet, each with its
// profile and its password hash as it is: the sign-in accepts the
// original's PBKDF2 hashes and replaces each with argon2id at the first
// success.
func (im *Importer) importAccounts(ctx context.Context) error {
	done, err := im.DB.ImportedRows(ctx, "account_user")
	if err != nil {
		return err
	}
	im.users = make(map[uint64]uint64, len(done))
	for src, row := range done {
		im.users[src] = row.TargetID
	}
	tally := im.sum.tally(kindAccounts)
	return eachBatch(ctx, im, "account_user", "contas", im.src.users, func(u *srcUser) uint64 { return u.ID },
		func(ctx context.Context, su *srcUser) error {
			if _, ok := done[su.ID]; ok {
				tally.match()
				return nil
			}
			u, p, problem := im.account(su)
			if problem != "" {
				tally.fail(problem, fmt.Sprintf("conta %d", su.ID))
				return nil
			}
			err := im.DB.ImportUser(ctx, su.ID, u, p)
			if errors.Is(err, models.ErrEmailTaken) {
				tally.skip("o e-mail já tem conta aqui (os anúncios dela não são importados)", fmt.Sprintf("conta %d", su.ID))
				return nil
			}
			if err != nil {
				return err
			}
			im.users[su.ID] = u.ID
			tally.add(1)
			return nil
		})
}

// account converts an account of the original and its profile, or says
// why it cannot be imported.
func (im *Importer) account(su *srcUser) (*models.User, *models.Profile, string) {
	email := models.NormalizeEmail(su.Email)
	if at := strings.IndexByte(email, '@'); at < 1 || at == len(email)-1 || len(email) > 255 {
		return nil, nil, "e-mail inválido"
	}
	name := cut(strings.Join(strings.Fields(su.Name), " "), 500)
	if name == "" {
		name = email[:strings.IndexByte(email, '@')]
	}
	u := &models.User{Email: email, Fullname: name, Password: su.Password, IsAdmin: su.Superuser,
		Created: su.Created, Updated: su.Updated}
	if su.LastLogin.Valid {
		u.LastLogin = &su.LastLogin.Time
	}
	if !su.Active {
		now := time.Now().UTC()
		u.BlockedAt, u.BlockedReason = &now, "Conta desativada no site anterior."
	}
	return u, im.profile(su), ""
}

// profile converts an account's profile: its place mapped onto the
// reference list, its wanted motorcycle onto the catalog, text cut to the
// columns here.
func (im *Importer) profile(su *srcUser) *models.Profile {
	p := &models.Profile{
		Telephone: cut(digits(su.Phone), 40), ZipCode: cut(su.Zip, 9), Address: cut(strings.TrimSpace(su.Address), 1000),
		Neighborhood: cut(strings.TrimSpace(su.Neighborhood), 100), AddressComplement: cut(strings.TrimSpace(su.Complement), 500),
		SubscribeOffer: su.Subscribe.Bool, AuthzWhatsapp: su.Whatsapp.Bool, AuthzSMS: su.SMS.Bool,
		ShowTelephoneClassifiedad: su.ShowPhone.Bool,
	}
	if su.Gender == "M" || su.Gender == "F" {
		p.Gender = su.Gender
	}
	im.placeProfile(su, p)
	im.wantedMotorcycle(su, p)
	if su.Born.Valid {
		p.DateOfBirth = &su.Born.Time
	}
	if su.HasMotorcycle.Valid {
		p.HasMotorcycle = &su.HasMotorcycle.Bool
	}
	return p
}

// placeProfile sets the profile's city and state from the reference
// list; a city not in it leaves the state only.
func (im *Importer) placeProfile(su *srcUser, p *models.Profile) {
	if pl, ok := im.places[uint64(su.CityID.Int64)]; ok && su.CityID.Valid {
		p.StateID, p.CityID = &pl.State, &pl.City
	} else if st, ok := im.states[uint64(su.StateID.Int64)]; ok && su.StateID.Valid {
		p.StateID = &st
	}
}

// wantedMotorcycle sets the brand, model (of that brand) and year the
// person said they want.
func (im *Importer) wantedMotorcycle(su *srcUser, p *models.Profile) {
	if id, ok := im.catalog.brands[uint64(su.BrandWanted.Int64)]; ok && su.BrandWanted.Valid {
		p.MotorcycleBrandWantedID = &id
		if mid, ok := im.catalog.models[uint64(su.ModelWanted.Int64)]; ok && su.ModelWanted.Valid && im.catalog.brandOf(mid) == id {
			p.MotorcycleBrandModelWantedID = &mid
		}
	}
	if y := int(su.YearWanted.Int64); su.YearWanted.Valid && y >= 1900 && y <= 2100 {
		p.MotorcycleWantedYear = &y
	}
}

// digits keeps the digits of s.
func digits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}
