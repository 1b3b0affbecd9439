package models

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"motando/search"
)

// The search index's reads: the listed ads in full at start, then the rows
// changed since a time, or named by id. Plain SQL: at a million ads the
// full read is the start-up time of every web process.

// searchBatch is how many ads one read brings.
const searchBatch = 2000

// searchColumns are what the index keeps of an ad, in scanDoc's order.
const searchColumns = "id, brand_id, model_id, COALESCE(model_version_id, 0), state_id, city_id, type, color, " +
	"fabrication_year, model_year, mileage, is_new, top_offer, price, published_at, updated, sales_phrase, listed, " +
	"COALESCE(price_drop_from, 0), price_dropped_at"

// EachListedAd calls fn with every listed ad, a batch at a time, in id
// order.
func (db *DB) EachListedAd(ctx context.Context, fn func([]search.Doc) error) error {
	var after uint64
	for {
		docs, _, err := db.searchDocs(ctx, "listed = ? AND id > ? ORDER BY id LIMIT ?", true, after, searchBatch)
		if err != nil {
			return fmt.Errorf("read listed ads: %w", err)
		}
		if len(docs) == 0 {
			return nil
		}
		if err := fn(docs); err != nil {
			return err
		}
		after = docs[len(docs)-1].ID
	}
}

// AdsChangedSince calls fn with the ads whose row changed at or after t, a
// batch at a time in order of change: the listed ones as documents, the
// others as ids. It returns the latest change time it saw (t when none).
func (db *DB) AdsChangedSince(ctx context.Context, t time.Time, fn func(listed []search.Doc, unlisted []uint64) error) (time.Time, error) {
	// The columns keep microseconds; a literal with more digits keeps
	// MariaDB from using the index on updated.
	t = t.UTC().Truncate(time.Microsecond)
	latest, lastID := t, uint64(0)
	where := "updated >= ? ORDER BY updated, id LIMIT ?"
	args := []any{t, searchBatch}
	for {
		docs, unlisted, err := db.searchDocs(ctx, where, args...)
		if err != nil {
			return latest, fmt.Errorf("read changed ads: %w", err)
		}
		if len(docs)+len(unlisted) == 0 {
			return latest, nil
		}
		for _, d := range docs {
			if d.Updated.After(latest) || d.Updated.Equal(latest) && d.ID > lastID {
				latest, lastID = d.Updated, d.ID
			}
		}
		for _, u := range unlisted {
			if u.updated.After(latest) || u.updated.Equal(latest) && u.id > lastID {
				latest, lastID = u.updated, u.id
			}
		}
		ids := make([]uint64, len(unlisted))
		for i, u := range unlisted {
			ids[i] = u.id
		}
		if err := fn(docs, ids); err != nil {
			return latest, err
		}
		if len(docs)+len(unlisted) < searchBatch {
			return latest, nil
		}
		where = "(updated > ? OR updated = ? AND id > ?) ORDER BY updated, id LIMIT ?"
		args = []any{latest, latest, lastID, searchBatch}
	}
}

// ListedAdsByID returns the listed ads among ids; the others are missing
// from the answer.
func (db *DB) ListedAdsByID(ctx context.Context, ids []uint64) ([]search.Doc, error) {
	var out []search.Doc
	for len(ids) > 0 {
		n := min(len(ids), coverChunk)
		args := make([]any, 0, n+1)
		args = append(args, true)
		for _, id := range ids[:n] {
			args = append(args, id)
		}
		docs, _, err := db.searchDocs(ctx, "listed = ? AND id IN ("+placeholders(n)+")", args...)
		if err != nil {
			return nil, fmt.Errorf("read ads by id: %w", err)
		}
		out = append(out, docs...)
		ids = ids[n:]
	}
	return out, nil
}

// ListedAdIDs returns the id of every listed ad.
func (db *DB) ListedAdIDs(ctx context.Context) ([]uint64, error) {
	sqlDB, err := db.DB.DB()
	if err != nil {
		return nil, err
	}
	rows, err := sqlDB.QueryContext(ctx, "SELECT id FROM classifiedad WHERE listed = ?", true)
	if err != nil {
		return nil, fmt.Errorf("read listed ids: %w", err)
	}
	defer rows.Close()
	var ids []uint64
	for rows.Next() {
		var id uint64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("read listed ids: %w", err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// unlistedRow is a changed ad no longer listed: its id and time of change.
type unlistedRow struct {
	id      uint64
	updated time.Time
}

// searchDocs reads the ads matching the condition (which may end with an
// order and a limit): the listed ones as documents with their cover, the
// others as ids.
func (db *DB) searchDocs(ctx context.Context, cond string, args ...any) ([]search.Doc, []unlistedRow, error) {
	sqlDB, err := db.DB.DB()
	if err != nil {
		return nil, nil, err
	}
	rows, err := sqlDB.QueryContext(ctx, "SELECT "+searchColumns+" FROM classifiedad WHERE "+cond, args...)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var docs []search.Doc
	var unlisted []unlistedRow
	for rows.Next() {
		var d search.Doc
		var price, dropFrom Money
		var published, updated, dropped dbTime
		var listed bool
		err := rows.Scan(&d.ID, &d.BrandID, &d.ModelID, &d.VersionID, &d.StateID, &d.CityID, &d.Type, &d.Color,
			&d.FabricationYear, &d.ModelYear, &d.Mileage, &d.IsNew, &d.TopOffer, &price, &published, &updated, &d.Phrase, &listed,
			&dropFrom, &dropped)
		if err != nil {
			return nil, nil, err
		}
		d.Price, d.PublishedAt, d.Updated = int64(price), published.Time, updated.Time
		d.PriceDropFrom, d.PriceDroppedAt = int64(dropFrom), dropped.Time
		if listed {
			docs = append(docs, d)
		} else {
			unlisted = append(unlisted, unlistedRow{d.ID, updated.Time})
		}
	}
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	if err := db.attachSearchCovers(ctx, sqlDB, docs); err != nil {
		return nil, nil, err
	}
	return docs, unlisted, nil
}

// attachSearchCovers sets each document's cover: its first ready photo's
// thumbnail. Documents in id order are matched with the photos of their id
// range in one query; others a few hundred ids at a time (long IN lists
// are slow on SQLite).
func (db *DB) attachSearchCovers(ctx context.Context, sqlDB *sql.DB, docs []search.Doc) error {
	if len(docs) == 0 {
		return nil
	}
	byID := make(map[uint64]*search.Doc, len(docs))
	sorted := true
	for i := range docs {
		byID[docs[i].ID] = &docs[i]
		sorted = sorted && (i == 0 || docs[i-1].ID < docs[i].ID)
	}
	const query = "SELECT classifiedad_id, thumb_key, thumb_width, thumb_height FROM classifiedad_images WHERE status = ? AND "
	const order = " ORDER BY classifiedad_id, position, id"
	if sorted && docs[len(docs)-1].ID-docs[0].ID < 4*uint64(len(docs)) {
		return scanCovers(ctx, sqlDB, byID, query+"classifiedad_id BETWEEN ? AND ?"+order, ImageReady, docs[0].ID, docs[len(docs)-1].ID)
	}
	for i := 0; i < len(docs); i += coverChunk {
		chunk := docs[i:min(i+coverChunk, len(docs))]
		args := make([]any, 0, len(chunk)+1)
		args = append(args, ImageReady)
		for _, d := range chunk {
			args = append(args, d.ID)
		}
		if err := scanCovers(ctx, sqlDB, byID, query+"classifiedad_id IN ("+placeholders(len(chunk))+")"+order, args...); err != nil {
			return err
		}
	}
	return nil
}

// coverChunk is how many ads one query of covers names.
const coverChunk = 250

// scanCovers reads photos in ad and position order and gives each
// document of byID its first.
func scanCovers(ctx context.Context, sqlDB *sql.DB, byID map[uint64]*search.Doc, query string, args ...any) error {
	rows, err := sqlDB.QueryContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("read covers: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id uint64
		var p search.Photo
		if err := rows.Scan(&id, &p.Key, &p.Width, &p.Height); err != nil {
			return fmt.Errorf("read covers: %w", err)
		}
		if d := byID[id]; d != nil && d.Cover.Key == "" {
			d.Cover = p
		}
	}
	return rows.Err()
}

// placeholders writes n comma-separated question marks.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}

// dbTime scans a DATETIME as either driver returns it (NULL as the zero
// time).
type dbTime struct{ time.Time }

// Scan reads a time.Time, or the text SQLite keeps when its driver does
// not parse it.
func (t *dbTime) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		t.Time = time.Time{}
	case time.Time:
		t.Time = v.UTC()
	case string:
		return t.parse(v)
	case []byte:
		return t.parse(string(v))
	default:
		return fmt.Errorf("time: cannot scan %T", src)
	}
	return nil
}

func (t *dbTime) parse(s string) error {
	for _, layout := range []string{"2006-01-02 15:04:05.999999999 -0700 MST", "2006-01-02 15:04:05.999999999-07:00", time.RFC3339Nano, "2006-01-02 15:04:05.999999"} {
		if v, err := time.Parse(layout, s); err == nil {
			t.Time = v.UTC()
			return nil
		}
	}
	return fmt.Errorf("time: cannot read %q", s)
}

// SearchNames are the catalog's and the cities' names, which free text
// matches besides the sales phrase.
func SearchNames(c *Catalog, p *Places) search.Names {
	n := search.Names{
		Brands:   make(map[uint32]string, len(c.brands)),
		Models:   make(map[uint32]string, len(c.models)),
		Versions: make(map[uint32]string, len(c.versions)),
		Cities:   make(map[uint32]string, len(p.cities)),

		ModelBrand:   make(map[uint32]uint32, len(c.models)),
		VersionModel: make(map[uint32]uint32, len(c.versions)),
	}
	for id, b := range c.brands {
		n.Brands[id] = b.Name
	}
	for id, m := range c.models {
		n.Models[id] = m.Name
		n.ModelBrand[id] = m.BrandID
	}
	for id, v := range c.versions {
		n.Versions[id] = v.Name
		n.VersionModel[id] = v.ModelID
	}
	for id, city := range p.cities {
		n.Cities[id] = city.Name
	}
	return n
}
