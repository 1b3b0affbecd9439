package models

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"motando/search"
)

// Alert modes of a saved search, by their form values.
const (
	AlertNow   = "imediato" // an e-mail as each matching ad is published
	AlertDaily = "diario"   // one e-mail a day with the day's matching ads
	AlertNone  = "nenhum"   // no e-mail; the list still counts new ads
)

// AlertModes are the alert modes in display order, with their labels.
var AlertModes = []Choice{
	{Value: AlertNow, Label: "Na hora"}, {Value: AlertDaily, Label: "Uma vez por dia"}, {Value: AlertNone, Label: "Sem e-mail"},
}

// MaxSavedQuery is the longest query string a saved search keeps.
const MaxSavedQuery = 1000

// MaxSavedSearches is how many searches one person can keep.
const MaxSavedSearches = 50

// ErrTooManySearches is a save past MaxSavedSearches.
var ErrTooManySearches = errors.New("too many saved searches")

// SavedSearch is a search a person keeps (saved_searches): its /motos
// query, its name, its alert, and its filter as alerts match it.
type SavedSearch struct {
	ID            uint64 `gorm:"primaryKey"`
	UserID        uint64
	Name          string
	Query         string // the /motos query string, canonical
	QueryHash     string
	Alert         string
	Words         string // the free-text words, space-separated
	BrandID       uint32
	ModelID       uint32
	VersionID     uint32
	StateID       uint16
	CityID        uint32
	PriceMin      int64 // centavos
	PriceMax      int64
	YearMin       int
	YearMax       int
	KmMax         int
	Type          string
	Color         string
	SeenAt        time.Time
	DigestMatchID uint64
	DigestAt      *time.Time
	Created       time.Time
	Updated       time.Time

	NewAds int `gorm:"-"` // matching ads published since SeenAt, still listed
}

// TableName maps SavedSearch to its table.
func (SavedSearch) TableName() string { return "saved_searches" }

// Filter is the search the saved search makes.
func (s *SavedSearch) Filter() search.Filter {
	f := search.Filter{
		BrandID: s.BrandID, ModelID: s.ModelID, VersionID: s.VersionID, StateID: s.StateID, CityID: s.CityID,
		PriceMin: s.PriceMin, PriceMax: s.PriceMax, YearMin: s.YearMin, YearMax: s.YearMax, KmMax: s.KmMax,
		Type: s.Type, Color: s.Color,
	}
	if s.Words != "" {
		f.Words = strings.Fields(s.Words)
	}
	return f
}

// SetFilter stores the filter in the saved search's columns.
func (s *SavedSearch) SetFilter(f search.Filter) {
	s.Words = strings.Join(f.Words, " ")
	s.BrandID, s.ModelID, s.VersionID, s.StateID, s.CityID = f.BrandID, f.ModelID, f.VersionID, f.StateID, f.CityID
	s.PriceMin, s.PriceMax, s.YearMin, s.YearMax, s.KmMax = f.PriceMin, f.PriceMax, f.YearMin, f.YearMax, f.KmMax
	s.Type, s.Color = f.Type, f.Color
}

// SaveSearch keeps the search for its person: a new one, or — for a query
// the person saved already — the same one with the new name and alert. It
// sets s.ID, and s.Created for a new one only.
func (db *DB) SaveSearch(ctx context.Context, s *SavedSearch) error {
	now := db.NowFunc()
	sum := sha256.Sum256([]byte(s.Query))
	s.QueryHash = hex.EncodeToString(sum[:])
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var cur SavedSearch
		err := tx.Where("user_id = ? AND query_hash = ?", s.UserID, s.QueryHash).First(&cur).Error
		if err == nil {
			s.ID = cur.ID
			return tx.Model(&cur).Updates(map[string]any{"name": s.Name, "alert": s.Alert, "updated": now}).Error
		}
		if !errors.Is(err, gorm.ErrRecordNotFound) {
			return err
		}
		var n int64
		if err := tx.Model(&SavedSearch{}).Where("user_id = ?", s.UserID).Count(&n).Error; err != nil {
			return err
		}
		if n >= MaxSavedSearches {
			return ErrTooManySearches
		}
		s.SeenAt, s.Created, s.Updated = now, now, now
		return tx.Create(s).Error
	})
	if errors.Is(err, ErrTooManySearches) {
		return err
	}
	if err != nil {
		return fmt.Errorf("save search for user %d: %w", s.UserID, err)
	}
	return nil
}

// SavedSearchesOf lists the person's saved searches, the latest first, each
// with the number of its matching ads published since the person last
// opened it and still listed.
func (db *DB) SavedSearchesOf(ctx context.Context, userID uint64) ([]SavedSearch, error) {
	var list []SavedSearch
	if err := db.WithContext(ctx).Where("user_id = ?", userID).Order("created DESC, id DESC").Find(&list).Error; err != nil {
		return nil, fmt.Errorf("list saved searches of user %d: %w", userID, err)
	}
	if len(list) == 0 {
		return list, nil
	}
	var counts []struct {
		ID uint64
		N  int
	}
	err := db.WithContext(ctx).Table("saved_searches s").
		Select("s.id, COUNT(*) AS n").
		Joins("JOIN saved_search_matches m ON m.saved_search_id = s.id AND m.created > s.seen_at").
		Joins("JOIN classifiedad a ON a.id = m.classifiedad_id AND a.listed = ?", true).
		Where("s.user_id = ?", userID).Group("s.id").Scan(&counts).Error
	if err != nil {
		return nil, fmt.Errorf("count new ads of user %d's searches: %w", userID, err)
	}
	byID := map[uint64]int{}
	for _, c := range counts {
		byID[c.ID] = c.N
	}
	for i := range list {
		list[i].NewAds = byID[list[i].ID]
	}
	return list, nil
}

// OpenSavedSearch records that the person opens the saved search now (its
// new-ad count starts again) and returns it.
func (db *DB) OpenSavedSearch(ctx context.Context, userID, id uint64) (*SavedSearch, error) {
	var s SavedSearch
	if err := db.WithContext(ctx).Where("id = ? AND user_id = ?", id, userID).First(&s).Error; err != nil {
		return nil, notFound(err, "read saved search %d", id)
	}
	if err := db.WithContext(ctx).Model(&s).UpdateColumn("seen_at", db.NowFunc()).Error; err != nil {
		return nil, fmt.Errorf("open saved search %d: %w", id, err)
	}
	return &s, nil
}

// DeleteSavedSearch removes the person's saved search.
func (db *DB) DeleteSavedSearch(ctx context.Context, userID, id uint64) error {
	res := db.WithContext(ctx).Where("id = ? AND user_id = ?", id, userID).Delete(&SavedSearch{})
	if res.Error != nil {
		return fmt.Errorf("delete saved search %d: %w", id, res.Error)
	}
	if res.RowsAffected == 0 {
		return ErrNotFound
	}
	return nil
}

// StopAlert turns the saved search's e-mails off and returns it.
func (db *DB) StopAlert(ctx context.Context, id uint64) (*SavedSearch, error) {
	var s SavedSearch
	if err := db.WithContext(ctx).First(&s, id).Error; err != nil {
		return nil, notFound(err, "read saved search %d", id)
	}
	if s.Alert != AlertNone {
		s.Alert = AlertNone
		if err := db.WithContext(ctx).Model(&s).Updates(map[string]any{"alert": AlertNone, "updated": db.NowFunc()}).Error; err != nil {
			return nil, fmt.Errorf("stop alert %d: %w", id, err)
		}
	}
	return &s, nil
}

// AlertStopToken is the token of a saved search's one-click stop link: an
// HMAC of its id under the site's secret, so the link works without a
// sign-in and nothing is stored.
func AlertStopToken(secret []byte, id uint64) string {
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte("motando alert stop " + strconv.FormatUint(id, 10)))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// ValidAlertStopToken reports whether token is the stop token of id.
func ValidAlertStopToken(secret []byte, id uint64, token string) bool {
	return hmac.Equal([]byte(AlertStopToken(secret, id)), []byte(token))
}

// EachSavedSearch calls fn with every saved search changed at or after
// since (all of them for the zero time), a batch at a time, and returns the
// latest change it saw (since when none).
func (db *DB) EachSavedSearch(ctx context.Context, since time.Time, fn func([]SavedSearch)) (time.Time, error) {
	latest := since
	var batch []SavedSearch
	err := db.WithContext(ctx).Where("updated >= ?", since).Order("id").
		FindInBatches(&batch, 2000, func(_ *gorm.DB, _ int) error {
			for _, s := range batch {
				if s.Updated.After(latest) {
					latest = s.Updated
				}
			}
			fn(batch)
			return nil
		}).Error
	if err != nil {
		return since, fmt.Errorf("read saved searches: %w", err)
	}
	return latest, nil
}

// savedMatch is an ad a saved search matched (saved_search_matches).
type savedMatch struct {
	ID            uint64 `gorm:"primaryKey"`
	SavedSearchID uint64
	AdID          uint64 `gorm:"column:classifiedad_id"`
	Created       time.Time
}

func (savedMatch) TableName() string { return "saved_search_matches" }

// insertMatches records that the saved searches matched the ad, once each.
func insertMatches(tx *gorm.DB, adID uint64, ids []uint64, now time.Time) error {
	rows := make([]savedMatch, len(ids))
	for i, id := range ids {
		rows[i] = savedMatch{SavedSearchID: id, AdID: adID, Created: now}
	}
	return tx.Clauses(clause.OnConflict{DoNothing: true}).CreateInBatches(rows, 500).Error
}
