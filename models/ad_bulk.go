package models

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"motando/migrations"
	"strings"
	"time"
)

// InsertAds inserts ads with their images, as they are, and sets their IDs
// and their images' IDs and AdIDs: the bulk path of the demo data, which
// skips the worker. It writes plain multi-row INSERT statements on one
// connection, every batch ads (and their images) in one transaction; a
// Created or Updated left zero is set to the current time, as GORM would.
// The database assigns the IDs, so the ads and images must not have one yet.
// After an error the IDs of the ads not committed are zero again.
func (db *DB) InsertAds(ctx context.Context, ads []Ad, batch int) error {
	if len(ads) == 0 {
		return nil
	}
	if err := checkNewAds(ads, batch); err != nil {
		return fmt.Errorf("insert %d ads: %w", len(ads), err)
	}
	sqlDB, err := db.DB.DB()
	if err != nil {
		return fmt.Errorf("insert %d ads: %w", len(ads), err)
	}
	conn, err := sqlDB.Conn(ctx)
	if err != nil {
		return fmt.Errorf("insert %d ads: %w", len(ads), err)
	}
	defer conn.Close()
	ins, restore, err := db.newBulkInserter(ctx, conn)
	if err != nil {
		return fmt.Errorf("insert %d ads: %w", len(ads), err)
	}
	defer restore()
	for start := 0; start < len(ads); start += batch {
		end := min(start+batch, len(ads))
		if err := ins.insertBatch(ctx, ads[start:end]); err != nil {
			clearIDs(ads[start:])
			return fmt.Errorf("insert ads %d to %d of %d: %w", start+1, end, len(ads), err)
		}
	}
	return nil
}

// checkNewAds checks the batch size, and that neither the ads nor their
// images have an id yet.
func checkNewAds(ads []Ad, batch int) error {
	if batch <= 0 {
		return fmt.Errorf("batch size %d", batch)
	}
	for i := range ads {
		if ads[i].ID != 0 {
			return fmt.Errorf("ad %d already has the id %d", i, ads[i].ID)
		}
		for j := range ads[i].Images {
			if ads[i].Images[j].ID != 0 {
				return fmt.Errorf("image %d of ad %d already has the id %d", j, i, ads[i].Images[j].ID)
			}
		}
	}
	return nil
}

// clearIDs sets the ids of the ads, and their images' ids and AdIDs, back
// to zero.
func clearIDs(ads []Ad) {
	for i := range ads {
		a := &ads[i]
		a.ID = 0
		for j := range a.Images {
			a.Images[j].ID, a.Images[j].AdID = 0, 0
		}
	}
}

// newBulkInserter prepares conn for bulk inserts: on MySQL it reads the
// step between the ids of one INSERT, on SQLite it sets the bulk pragmas,
// which restore puts back.
func (db *DB) newBulkInserter(ctx context.Context, conn *sql.Conn) (ins *bulkInserter, restore func(), err error) {
	ins = &bulkInserter{conn: conn, mysql: db.Dialect == migrations.MySQL, now: db.NowFunc, step: 1}
	if !ins.mysql {
		restore, err = bulkSQLitePragmas.apply(ctx, conn)
		return ins, restore, err
	}
	// The ids of one INSERT follow one another by this step.
	if err := conn.QueryRowContext(ctx, "SELECT @@SESSION.auto_increment_increment").Scan(&ins.step); err != nil {
		return nil, nil, fmt.Errorf("read auto_increment_increment: %w", err)
	}
	return ins, func() {}, nil
}

// bulkSQLitePragmas are the settings of the SQLite connection InsertAds
// uses. With more than a dozen indexes on classifiedad, every new ad changes
// pages all over the file: a large page cache keeps them instead of reading them again
// for each statement (the default is 2 MiB), and the statement journals that
// multi-row INSERTs keep stay in memory instead of a temporary file. Neither
// makes the database less safe: journaling, synchronous and foreign keys
// stay as they are.
var bulkSQLitePragmas = pragmaSettings{
	{"cache_size", -256 << 10}, // KiB
	{"temp_store", 2},          // MEMORY
}

// pragmaSettings are values of per-connection SQLite pragmas.
type pragmaSettings []struct {
	name  string
	value int64
}

// apply sets the pragmas on conn and returns what puts their previous values
// back, to call before the connection returns to the pool. Should that fail,
// restore drops the connection rather than let it serve the site.
func (ps pragmaSettings) apply(ctx context.Context, conn *sql.Conn) (restore func(), err error) {
	var old []int64 // the values of ps[:len(old)] before apply
	restore = func() {
		ctx := context.WithoutCancel(ctx)
		for i, v := range old {
			if _, err := conn.ExecContext(ctx, fmt.Sprintf("PRAGMA %s = %d", ps[i].name, v)); err != nil {
				_ = conn.Raw(func(any) error { return driver.ErrBadConn })
				return
			}
		}
	}
	for _, p := range ps {
		var v int64
		if err := conn.QueryRowContext(ctx, "PRAGMA "+p.name).Scan(&v); err != nil {
			restore()
			return nil, fmt.Errorf("read pragma %s: %w", p.name, err)
		}
		if _, err := conn.ExecContext(ctx, fmt.Sprintf("PRAGMA %s = %d", p.name, p.value)); err != nil {
			restore()
			return nil, fmt.Errorf("set pragma %s: %w", p.name, err)
		}
		old = append(old, v)
	}
	return restore, nil
}

// adColumns are the columns of classifiedad InsertAds writes, every one but
// id, in the order of appendAdValues.
var adColumns = []string{
	"user_id", "brand_id", "model_id", "model_version_id", "type", "origin", "fabrication_year", "model_year",
	"license_plate", "mileage", "is_new", "color", "price", "sales_phrase", "description",
	"optional_alarm", "optional_chest", "optional_computer", "optional_gps", "accept_new_offer", "accept_exchange",
	"doc_ok", "track_ready", "brake_system", "ignition_system", "refrigeration", "state_id", "city_id",
	"status", "status_changed", "status_reason", "listed", "hidden_at", "hidden_reason", "top_offer",
	"search_text", "published_at", "expires_at", "created", "updated",
}

// appendAdValues appends the values of a's adColumns to args, as GORM would
// pass them to the driver.
func appendAdValues(args []any, a *Ad) []any {
	return append(args,
		a.UserID, a.BrandID, a.ModelID, a.VersionID, a.Type, a.Origin, a.FabricationYear, a.ModelYear,
		a.LicensePlate, a.Mileage, a.IsNew, a.Color, a.Price, a.SalesPhrase, a.Description,
		a.OptionalAlarm, a.OptionalChest, a.OptionalComputer, a.OptionalGPS, a.AcceptNewOffer, a.AcceptExchange,
		a.DocOK, a.TrackReady, a.BrakeSystem, a.IgnitionSystem, a.Refrigeration, a.StateID, a.CityID,
		a.Status, a.StatusChanged, a.StatusReason, a.Listed, a.HiddenAt, a.HiddenReason, a.TopOffer,
		a.SearchText, a.PublishedAt, a.ExpiresAt, a.Created, a.Updated)
}

// imageColumns are the columns of classifiedad_images InsertAds writes,
// every one but id, in the order of appendImageValues.
var imageColumns = []string{
	"classifiedad_id", "position", "status", "tmp_key", "thumb_key", "large_key",
	"thumb_width", "thumb_height", "large_width", "large_height", "error", "created",
}

// appendImageValues appends the values of img's imageColumns to args.
func appendImageValues(args []any, img *Image) []any {
	return append(args, img.AdID, img.Position, img.Status, img.TmpKey, img.ThumbKey, img.LargeKey,
		img.ThumbWidth, img.ThumbHeight, img.LargeWidth, img.LargeHeight, img.Error, img.Created)
}

// bulkInserter writes batches of ads on one connection.
type bulkInserter struct {
	conn  *sql.Conn
	mysql bool
	now   func() time.Time
	step  uint64 // between the ids of consecutive rows of one INSERT
}

// maxRows is how many rows of cols columns one INSERT carries. MySQL takes
// up to 65,535 placeholders a statement, and the more rows, the fewer round
// trips. SQLite's driver prepares a statement again at every execution and
// looks every placeholder's argument up among all of them, a cost that grows
// with the square of their number: about 1,000 placeholders (25 ads) a
// statement was the fastest.
func (b *bulkInserter) maxRows(cols []string) int {
	if b.mysql {
		return 60000 / len(cols)
	}
	return max(1, 1000/len(cols))
}

// insertBatch inserts ads and their images in one transaction.
func (b *bulkInserter) insertBatch(ctx context.Context, ads []Ad) error {
	tx, err := b.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	now := b.now()
	stampAds(ads, now)
	w := bulkWriter{bulkInserter: b, tx: tx, stmts: map[stmtShape]*sql.Stmt{},
		args: make([]any, 0, min(b.maxRows(adColumns), len(ads))*len(adColumns))}
	if err := w.insertAds(ctx, ads); err != nil {
		return err
	}
	if err := w.insertImages(ctx, ads, now); err != nil {
		return err
	}
	if err := w.verify(ctx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// begin starts a batch's transaction: on MySQL a repeatable read, whose
// snapshot it takes at once.
func (b *bulkInserter) begin(ctx context.Context) (*sql.Tx, error) {
	if !b.mysql {
		tx, err := b.conn.BeginTx(ctx, nil)
		if err != nil {
			return nil, fmt.Errorf("begin: %w", err)
		}
		return tx, nil
	}
	// verify relies on the snapshot of a repeatable read.
	tx, err := b.conn.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead})
	if err != nil {
		return nil, fmt.Errorf("begin: %w", err)
	}
	// The transaction's snapshot is taken by its first read, before its
	// inserts: rows other sessions commit later stay invisible to it.
	var maxID sql.NullInt64
	if err := tx.QueryRowContext(ctx, "SELECT MAX(id) FROM classifiedad").Scan(&maxID); err != nil {
		tx.Rollback()
		return nil, fmt.Errorf("take a snapshot: %w", err)
	}
	return tx, nil
}

// stampAds sets the Created and Updated left zero to now.
func stampAds(ads []Ad, now time.Time) {
	for i := range ads {
		a := &ads[i]
		if a.Created.IsZero() {
			a.Created = now
		}
		if a.Updated.IsZero() {
			a.Updated = now
		}
	}
}

// insertAds inserts the ads, as many a statement as fit, and sets their
// ids.
func (w *bulkWriter) insertAds(ctx context.Context, ads []Ad) error {
	per := w.maxRows(adColumns)
	for start := 0; start < len(ads); start += per {
		part := ads[start:min(start+per, len(ads))]
		w.args = w.args[:0]
		for i := range part {
			w.args = appendAdValues(w.args, &part[i])
		}
		first, err := w.insert(ctx, "classifiedad", adColumns, len(part), w.args)
		if err != nil {
			return err
		}
		for i := range part {
			part[i].ID = first + uint64(i)*w.step
		}
	}
	return nil
}

// insertImages inserts the images of the ads (inserted already), as many a
// statement as fit, and sets their ids and AdIDs; a Created left zero is
// set to now.
func (w *bulkWriter) insertImages(ctx context.Context, ads []Ad, now time.Time) error {
	per := w.maxRows(imageColumns)
	var images []*Image
	for i := range ads {
		for j := range ads[i].Images {
			img := &ads[i].Images[j]
			img.AdID = ads[i].ID
			if img.Created.IsZero() {
				img.Created = now
			}
			if images = append(images, img); len(images) == per {
				if err := w.insertImageRows(ctx, images); err != nil {
					return err
				}
				images = images[:0]
			}
		}
	}
	return w.insertImageRows(ctx, images)
}

// insertImageRows inserts images in one statement, and sets their ids.
func (w *bulkWriter) insertImageRows(ctx context.Context, images []*Image) error {
	if len(images) == 0 {
		return nil
	}
	w.args = w.args[:0]
	for _, img := range images {
		w.args = appendImageValues(w.args, img)
	}
	first, err := w.insert(ctx, "classifiedad_images", imageColumns, len(images), w.args)
	if err != nil {
		return err
	}
	for i, img := range images {
		img.ID = first + uint64(i)*w.step
	}
	return nil
}

// bulkWriter runs the INSERTs of one transaction, preparing each shape of
// statement once (which spares MySQL parsing it again; SQLite's driver
// prepares it at every execution anyway), and checks the ids they got
// before the commit.
type bulkWriter struct {
	*bulkInserter
	tx    *sql.Tx
	stmts map[stmtShape]*sql.Stmt // closed with the transaction
	runs  []idRun
	args  []any // the arguments of the statement being built
}

// stmtShape tells apart the INSERTs of a transaction.
type stmtShape struct {
	table string
	rows  int
}

// idRun is a range of ids that rows inserted into table one after the other
// should fill: from first to last by the step, rows rows.
type idRun struct {
	table       string
	first, last uint64
	rows        int
}

// insert runs one INSERT of rows rows into table and returns the id of its
// first row; the others follow by b.step. MySQL's LAST_INSERT_ID() is the
// first id of a multi-row INSERT and SQLite's last_insert_rowid() the last.
// That the rows got consecutive ids is checked by verify, before the commit.
func (w *bulkWriter) insert(ctx context.Context, table string, cols []string, rows int, args []any) (uint64, error) {
	shape := stmtShape{table, rows}
	stmt := w.stmts[shape]
	if stmt == nil {
		var err error
		if stmt, err = w.tx.PrepareContext(ctx, insertQuery(table, cols, rows)); err != nil {
			return 0, fmt.Errorf("prepare the insert of %d rows into %s: %w", rows, table, err)
		}
		w.stmts[shape] = stmt
	}
	res, err := stmt.ExecContext(ctx, args...)
	if err != nil {
		return 0, fmt.Errorf("insert %d rows into %s: %w", rows, table, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("insert into %s: rows affected: %w", table, err)
	}
	if n != int64(rows) {
		return 0, fmt.Errorf("insert into %s: %d rows written, want %d", table, n, rows)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, fmt.Errorf("insert into %s: last insert id: %w", table, err)
	}
	span := uint64(rows-1) * w.step
	first := uint64(id)
	if !w.mysql {
		first -= span
	}
	// Runs that continue one another are checked together.
	if k := len(w.runs) - 1; k >= 0 && w.runs[k].table == table && w.runs[k].last+w.step == first {
		w.runs[k].last += span + w.step
		w.runs[k].rows += rows
	} else {
		w.runs = append(w.runs, idRun{table: table, first: first, last: first + span, rows: rows})
	}
	return first, nil
}

// verify makes sure that the rows inserted got the ids insert gave them.
// InnoDB gives the rows of one INSERT of known size consecutive ids (a
// guarantee under innodb_autoinc_lock_mode 0 and 1, MariaDB's default, and
// what it does under 2, MySQL 8's default), and SQLite does as much in a
// transaction holding the write lock; but a wrong guess would give ads other
// ads' photos, so it is checked. The transaction sees the rows it wrote and,
// on MySQL, only the rows other sessions committed before its snapshot,
// whose ids are lower (on SQLite nobody else writes), and ids grow from one
// row and one INSERT to the next: a range holding exactly as many rows as
// were inserted for it holds those rows.
func (w *bulkWriter) verify(ctx context.Context) error {
	for _, r := range w.runs {
		var found int
		err := w.tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM `"+r.table+"` WHERE id BETWEEN ? AND ?", r.first, r.last).Scan(&found)
		if err != nil {
			return fmt.Errorf("count the new rows of %s: %w", r.table, err)
		}
		if found != r.rows {
			return fmt.Errorf("the %d new rows of %s did not get the ids %d to %d (%d rows there)",
				r.rows, r.table, r.first, r.last, found)
		}
	}
	return nil
}

// insertQuery is a multi-row INSERT of rows rows into table.
func insertQuery(table string, cols []string, rows int) string {
	tuple := "(" + strings.Repeat("?,", len(cols)-1) + "?)"
	var b strings.Builder
	b.Grow(len(table) + 16*len(cols) + rows*(len(tuple)+1) + 32)
	b.WriteString("INSERT INTO `" + table + "` (`" + strings.Join(cols, "`,`") + "`) VALUES ")
	for i := range rows {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(tuple)
	}
	return b.String()
}
