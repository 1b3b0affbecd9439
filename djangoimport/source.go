package djangoimport

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"

	"motando/models"
)

// OpenSource connects to the original site's MySQL database. dsn is in the
// Go MySQL driver's form (user:password@tcp(host:3306)/motandodb); times
// are read as UTC, as the original stored them.
func OpenSource(dsn string) (*sql.DB, error) {
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		return nil, fmt.Errorf("source database address: %w", err)
	}
	cfg.ParseTime, cfg.Loc = true, time.UTC
	if cfg.Params == nil {
		cfg.Params = map[string]string{}
	}
	cfg.Params["charset"] = "utf8mb4"
	db, err := sql.Open("mysql", cfg.FormatDSN())
	if err != nil {
		return nil, fmt.Errorf("open source database: %w", err)
	}
	db.SetMaxOpenConns(4)
	if err := checkSource(db); err != nil {
		db.Close()
		return nil, fmt.Errorf("source database %s/%s: %w", cfg.Addr, cfg.DBName, err)
	}
	return db, nil
}

// sourceTables are the original's tables the import reads.
var sourceTables = []string{"states", "cities", "motorcycle_brands", "motorcycle_brand_models",
	"motorcycle_brand_models_versions", "account_user", "account_userprofile", "classifiedad", "classifiedad_images", "chats"}

// checkSource tells whether the database answers and is the original's.
func checkSource(db *sql.DB) error {
	if err := db.Ping(); err != nil {
		return err
	}
	rows, err := db.Query("SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE()")
	if err != nil {
		return err
	}
	defer rows.Close()
	have := map[string]bool{}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return err
		}
		have[name] = true
	}
	if err := rows.Err(); err != nil {
		return err
	}
	var missing []string
	for _, t := range sourceTables {
		if !have[t] {
			missing = append(missing, t)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("not an original Motando database: no table %s", strings.Join(missing, ", "))
	}
	return nil
}

// batchSize is how many rows of a table are read at a time: the import's
// memory does not grow with the source.
const batchSize = 500

// source reads the original's tables.
type source struct{ db *sql.DB }

// count returns how many rows the table has.
func (s source) count(ctx context.Context, table string) (int, error) {
	var n int
	if err := s.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+table).Scan(&n); err != nil {
		return 0, fmt.Errorf("count %s: %w", table, err)
	}
	return n, nil
}

// query runs a query and calls scan for each row.
func (s source) query(ctx context.Context, what, query string, args []any, scan func(*sql.Rows) error) error {
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("read %s: %w", what, err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return fmt.Errorf("read %s: %w", what, err)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read %s: %w", what, err)
	}
	return nil
}

// srcPlace is a named row of a reference table: a state (UF set), a
// city, a brand, a model or a version, with its parent's id (0 for none).
type srcPlace struct {
	ID, Parent uint64
	Name, UF   string
}

// Queries of the reference tables, each giving id, parent, name and UF.
const (
	statesQuery   = "SELECT id, 0, state, acronym FROM states"
	citiesQuery   = "SELECT id, state_id, city, '' FROM cities"
	brandsQuery   = "SELECT id, 0, brand, '' FROM motorcycle_brands ORDER BY id"
	modelsQuery   = "SELECT id, brand_id, model, '' FROM motorcycle_brand_models ORDER BY id"
	versionsQuery = "SELECT id, model_id, version, '' FROM motorcycle_brand_models_versions ORDER BY id"
)

// named reads a reference table with one of the queries above.
func (s source) named(ctx context.Context, query string) ([]srcPlace, error) {
	var out []srcPlace
	return out, s.query(ctx, "reference data", query, nil, func(r *sql.Rows) error {
		var p srcPlace
		if err := r.Scan(&p.ID, &p.Parent, &p.Name, &p.UF); err != nil {
			return err
		}
		out = append(out, p)
		return nil
	})
}

// srcUser is an account_user row with its account_userprofile.
type srcUser struct {
	ID                       uint64
	Password, Email, Name    string
	Superuser, Active        bool
	LastLogin                sql.NullTime
	Created, Updated         time.Time
	Phone, Zip, Address      string
	Neighborhood, Complement string
	Gender                   string
	StateID, CityID          sql.NullInt64
	BrandWanted, ModelWanted sql.NullInt64
	YearWanted               sql.NullInt64
	Born                     sql.NullTime
	HasMotorcycle            sql.NullBool
	Subscribe                sql.NullBool
	Whatsapp, SMS, ShowPhone sql.NullBool
}

const usersQuery = `SELECT u.id, u.password, u.email, u.fullname, u.is_superuser, u.is_active, u.last_login, u.created, u.updated,
	COALESCE(p.telephone, ''), COALESCE(p.zip_code, ''), COALESCE(p.address, ''), COALESCE(p.neighborhood, ''),
	COALESCE(p.address_complement, ''), COALESCE(p.gender, ''), p.state_id, p.city_id,
	p.motorcycle_brand_wanted_id, p.motorcycle_brand_model_wanted_id, p.motorcycle_wanted_year, p.date_of_birth,
	p.has_motorcycle, p.subscribe_offer, p.authz_whatsapp, p.authz_sms, p.show_telephone_classifiedad
FROM account_user u LEFT JOIN account_userprofile p ON p.user_id = u.id
WHERE u.id > ? ORDER BY u.id LIMIT ?`

func (s source) users(ctx context.Context, after uint64) ([]srcUser, error) {
	var out []srcUser
	return out, s.query(ctx, "accounts", usersQuery, []any{after, batchSize}, func(r *sql.Rows) error {
		var u srcUser
		if err := r.Scan(&u.ID, &u.Password, &u.Email, &u.Name, &u.Superuser, &u.Active, &u.LastLogin, &u.Created, &u.Updated,
			&u.Phone, &u.Zip, &u.Address, &u.Neighborhood, &u.Complement, &u.Gender, &u.StateID, &u.CityID,
			&u.BrandWanted, &u.ModelWanted, &u.YearWanted, &u.Born,
			&u.HasMotorcycle, &u.Subscribe, &u.Whatsapp, &u.SMS, &u.ShowPhone); err != nil {
			return err
		}
		out = append(out, u)
		return nil
	})
}

// srcAd is a classifiedad row (its description's first 100,000
// characters: the site keeps 4,000 of its text) with the addresses of its photos, in the
// order they were added.
type srcAd struct {
	ID                                uint64
	Type, Origin, Plate, Color        string
	Fabrication, ModelYear            int
	Mileage                           sql.NullInt64
	IsNew, TopOffer                   bool
	Price                             models.Money
	Phrase, Description               string
	Alarm, Chest, Computer, GPS       bool
	NewOffer, Exchange                bool
	DocOK, TrackReady                 sql.NullBool
	Brakes, Ignition, Cooling, Status string
	Created, Updated                  time.Time
	ModelID, UserID                   uint64
	VersionID                         sql.NullInt64
	Photos                            []srcPhoto
}

type srcPhoto struct {
	ID  uint64
	URL string
}

const adsQuery = `SELECT id, COALESCE(type, ''), COALESCE(origin, ''), license_plate, COALESCE(color, ''),
	fabrication_year, model_year, mileage, is_new, top_offer, price, COALESCE(sales_phrase, ''), LEFT(COALESCE(description, ''), 100000),
	optional_alarm, optional_chest, optional_computer, optional_gps, accept_new_offer, accept_exchange, doc_ok, track_ready,
	COALESCE(brake_system, ''), COALESCE(ignition_system, ''), COALESCE(refrigeration, ''), status, created, updated,
	model_id, user_id, model_version_id
FROM classifiedad WHERE id > ? ORDER BY id LIMIT ?`

func (s source) ads(ctx context.Context, after uint64) ([]srcAd, error) {
	var out []srcAd
	err := s.query(ctx, "ads", adsQuery, []any{after, batchSize}, func(r *sql.Rows) error {
		var a srcAd
		if err := r.Scan(&a.ID, &a.Type, &a.Origin, &a.Plate, &a.Color, &a.Fabrication, &a.ModelYear, &a.Mileage,
			&a.IsNew, &a.TopOffer, &a.Price, &a.Phrase, &a.Description, &a.Alarm, &a.Chest, &a.Computer, &a.GPS,
			&a.NewOffer, &a.Exchange, &a.DocOK, &a.TrackReady, &a.Brakes, &a.Ignition, &a.Cooling, &a.Status,
			&a.Created, &a.Updated, &a.ModelID, &a.UserID, &a.VersionID); err != nil {
			return err
		}
		out = append(out, a)
		return nil
	})
	if err != nil || len(out) == 0 {
		return out, err
	}
	return out, s.photosOf(ctx, out)
}

// photosOf reads the photos of the ads, in id order (the original has no
// position: its photos show in the order they were added).
func (s source) photosOf(ctx context.Context, ads []srcAd) error {
	byID := make(map[uint64]*srcAd, len(ads))
	args := make([]any, len(ads))
	for i := range ads {
		byID[ads[i].ID] = &ads[i]
		args[i] = ads[i].ID
	}
	q := "SELECT id, classifiedad_id, url FROM classifiedad_images WHERE classifiedad_id IN (?" +
		strings.Repeat(",?", len(ads)-1) + ") ORDER BY classifiedad_id, id"
	return s.query(ctx, "photos", q, args, func(r *sql.Rows) error {
		var p srcPhoto
		var adID uint64
		if err := r.Scan(&p.ID, &adID, &p.URL); err != nil {
			return err
		}
		byID[adID].Photos = append(byID[adID].Photos, p)
		return nil
	})
}

// maxChatJSON bounds the messages of one chat read (characters of its
// JSON): a longer list is reported, not read.
const maxChatJSON = 1 << 20

// srcChat is a chats row: the buyer (a registered one, or name, e-mail and
// phone) and the messages as the original's JSON list.
type srcChat struct {
	ID, AdID, SellerID           uint64
	BuyerID                      sql.NullInt64
	BuyerName, BuyerEmail, Phone string
	Messages                     string
	Created                      time.Time
}

const chatsQuery = `SELECT id, classifiedad_id, user_to_id, user_from_id, COALESCE(user_from_fullname, ''),
	COALESCE(user_from_email, ''), COALESCE(user_from_telephone, ''), LEFT(messages, ?), created
FROM chats WHERE id > ? ORDER BY id LIMIT ?`

func (s source) chats(ctx context.Context, after uint64) ([]srcChat, error) {
	var out []srcChat
	return out, s.query(ctx, "chats", chatsQuery, []any{maxChatJSON + 1, after, batchSize}, func(r *sql.Rows) error {
		var c srcChat
		if err := r.Scan(&c.ID, &c.AdID, &c.SellerID, &c.BuyerID, &c.BuyerName, &c.BuyerEmail, &c.Phone, &c.Messages, &c.Created); err != nil {
			return err
		}
		out = append(out, c)
		return nil
	})
}

// SourceName names the original's database for the operator, without its
// password: "db.old.example:3306/motandodb".
func SourceName(dsn string) string {
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		return "?"
	}
	return cfg.Addr + "/" + cfg.DBName
}
