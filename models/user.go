package models

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

// User is an account (users). Sign-in is by e-mail, stored lower-cased.
type User struct {
	ID            uint64 `gorm:"primaryKey"`
	Email         string
	Fullname      string
	Password      string // argon2id hash in PHC format (or an imported account's Django hash until its first sign-in)
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

// FirstName is the first word of the name, for greetings.
func (u *User) FirstName() string {
	first, _, _ := strings.Cut(strings.TrimSpace(u.Fullname), " ")
	return first
}

// Profile holds an account's personal data and preferences (user_profiles).
type Profile struct {
	UserID                       uint64 `gorm:"primaryKey"`
	SubscribeOffer               bool
	StateID                      *uint16
	CityID                       *uint32
	ZipCode                      string
	Address                      string
	Neighborhood                 string
	AddressComplement            string
	DateOfBirth                  *time.Time
	Telephone                    string // digits only: DDD + number
	Gender                       string // "M", "F" or ""
	HasMotorcycle                *bool
	MotorcycleBrandWantedID      *uint32
	MotorcycleBrandModelWantedID *uint32
	MotorcycleWantedYear         *int
	AuthzWhatsapp                bool
	AuthzSMS                     bool `gorm:"column:authz_sms"`
	ShowTelephoneClassifiedad    bool
}

// TableName maps Profile to its table.
func (Profile) TableName() string { return "user_profiles" }

// Account errors.
var (
	ErrEmailTaken     = errors.New("e-mail already registered")
	ErrBadCredentials = errors.New("wrong e-mail or password")
	ErrBlocked        = errors.New("account blocked")
)

// NormalizeEmail trims and lower-cases an e-mail address.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// CreateUser inserts the account and its profile in one transaction. The
// e-mail is normalised; a taken e-mail is ErrEmailTaken.
func (db *DB) CreateUser(ctx context.Context, u *User, p *Profile) error {
	u.Email = NormalizeEmail(u.Email)
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(u).Error; err != nil {
			return err
		}
		p.UserID = u.ID
		return tx.Create(p).Error
	})
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return ErrEmailTaken
	}
	if err != nil {
		return fmt.Errorf("create user: %w", err)
	}
	return nil
}

// UserByID reads an account.
func (db *DB) UserByID(ctx context.Context, id uint64) (*User, error) {
	var u User
	if err := db.WithContext(ctx).First(&u, id).Error; err != nil {
		return nil, notFound(err, "read user %d", id)
	}
	return &u, nil
}

// UserByEmail reads an account by e-mail, in any case.
func (db *DB) UserByEmail(ctx context.Context, email string) (*User, error) {
	var u User
	if err := db.WithContext(ctx).Where("email = ?", NormalizeEmail(email)).First(&u).Error; err != nil {
		return nil, notFound(err, "read user by e-mail")
	}
	return &u, nil
}

// Authenticate checks an e-mail and password. It takes as long for an
// unknown e-mail as for a wrong password, and refuses blocked accounts.
func (db *DB) Authenticate(ctx context.Context, email, password string) (*User, error) {
	u, err := db.UserByEmail(ctx, email)
	if errors.Is(err, ErrNotFound) {
		if _, err := CheckPassword(ctx, dummyHash, password); err != nil {
			return nil, err
		}
		return nil, ErrBadCredentials
	}
	if err != nil {
		return nil, err
	}
	ok, err := CheckPassword(ctx, u.Password, password)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, ErrBadCredentials
	}
	if u.BlockedAt != nil {
		return nil, ErrBlocked
	}
	now := db.NowFunc()
	u.LastLogin = &now
	cols := map[string]any{"last_login": now}
	if NeedsRehash(u.Password) {
		// An imported account's Django hash, checked once: replaced now
		// that the password is known.
		hash, err := HashPassword(ctx, password)
		if err != nil {
			return nil, err
		}
		u.Password, cols["password"] = hash, hash
	}
	if err := db.WithContext(ctx).Model(u).UpdateColumns(cols).Error; err != nil {
		return nil, fmt.Errorf("record sign-in: %w", err)
	}
	return u, nil
}

// SetPassword stores a new password hash and ends the account's
// outstanding password reset links.
func (db *DB) SetPassword(ctx context.Context, userID uint64, hash string) error {
	now := db.NowFunc()
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Model(&User{}).Where("id = ?", userID).Updates(map[string]any{"password": hash, "updated": now}).Error; err != nil {
			return err
		}
		return tx.Model(&PasswordReset{}).Where("user_id = ? AND used_at IS NULL", userID).Update("used_at", now).Error
	})
	if err != nil {
		return fmt.Errorf("set password of user %d: %w", userID, err)
	}
	return nil
}

// ProfileOf reads an account's profile (an empty one if it has none).
func (db *DB) ProfileOf(ctx context.Context, userID uint64) (*Profile, error) {
	p := Profile{UserID: userID}
	err := db.WithContext(ctx).First(&p, userID).Error
	if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, fmt.Errorf("read profile of user %d: %w", userID, err)
	}
	return &p, nil
}

// SaveProfile stores the name and the whole profile.
func (db *DB) SaveProfile(ctx context.Context, userID uint64, fullname string, p *Profile) error {
	p.UserID = userID
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Model(&User{}).Where("id = ?", userID).
			Updates(map[string]any{"fullname": fullname, "updated": db.NowFunc()}).Error; err != nil {
			return err
		}
		return tx.Save(p).Error
	})
	if err != nil {
		return fmt.Errorf("save profile of user %d: %w", userID, err)
	}
	return nil
}

// MakeAdmin sets the admin flag of the account with the e-mail.
func (db *DB) MakeAdmin(ctx context.Context, email string) error {
	u, err := db.UserByEmail(ctx, email)
	if err != nil {
		return err
	}
	if err := db.WithContext(ctx).Model(u).Update("is_admin", true).Error; err != nil {
		return fmt.Errorf("make admin: %w", err)
	}
	return nil
}

// notFound maps GORM's missing row to ErrNotFound and wraps other errors.
func notFound(err error, format string, args ...any) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return ErrNotFound
	}
	return fmt.Errorf(format+": %w", append(args, err)...)
}
