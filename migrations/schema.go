package migrations

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Schema is a database's schema read back from the database itself, in
// terms both dialects share, so that the MySQL and SQLite migrations can be
// checked against each other (see Diff).
type Schema struct {
	Dialect string
	Tables  []*Table
}

// Table is one table of a Schema. Columns are in their order in the table;
// PrimaryKey lists the primary key's columns in key order (empty when the
// table has none).
type Table struct {
	Name        string
	Columns     []Column
	PrimaryKey  []string
	Indexes     []Index
	ForeignKeys []ForeignKey
}

// Column is one column of a Table.
type Column struct {
	Name string
	Type Type
	// Nullable is whether the column accepts NULL.
	Nullable bool
	// Default is the normalised default value ("" when there is none, ''
	// for the empty string), see normaliseDefault.
	Default string
	// AutoIncrement is MySQL's AUTO_INCREMENT or SQLite's AUTOINCREMENT.
	AutoIncrement bool
}

// Type is a column's type reduced to what both dialects can state: its
// family (integer, decimal, float, text, date, datetime, boolean or, for
// any other type, its lower-case name) and the size the declaration gives
// ("255" for VARCHAR(255), "10,2" for DECIMAL(10,2)), for the text and
// decimal families only.
type Type struct {
	Family string
	Size   string
}

// String gives the type as Diff reports it, e.g. "text(255)".
func (t Type) String() string {
	if t.Size == "" {
		return t.Family
	}
	return t.Family + "(" + t.Size + ")"
}

// Index is a secondary index of a Table (the primary key is
// Table.PrimaryKey).
type Index struct {
	Name    string
	Unique  bool
	Columns []string
}

// ForeignKey is a foreign key of a Table. Name is the constraint's name on
// MySQL; SQLite does not report it, so it is not compared. OnDelete and
// OnUpdate are CASCADE, SET NULL, SET DEFAULT or NO ACTION.
type ForeignKey struct {
	Name       string
	Columns    []string
	RefTable   string
	RefColumns []string
	OnDelete   string
	OnUpdate   string

	key string // groups the rows of one constraint while reading
}

// Table returns the schema's table of that name, or nil.
func (s *Schema) Table(name string) *Table {
	for _, t := range s.Tables {
		if t.Name == name {
			return t
		}
	}
	return nil
}

// Column returns the table's column of that name.
func (t *Table) Column(name string) (Column, bool) {
	for _, c := range t.Columns {
		if c.Name == name {
			return c, true
		}
	}
	return Column{}, false
}

// Index returns the table's index of that name.
func (t *Table) Index(name string) (Index, bool) {
	for _, ix := range t.Indexes {
		if ix.Name == name {
			return ix, true
		}
	}
	return Index{}, false
}

// ForeignKey returns the table's foreign key on exactly these columns.
func (t *Table) ForeignKey(columns []string) (ForeignKey, bool) {
	for _, fk := range t.ForeignKeys {
		if slices.Equal(fk.Columns, columns) {
			return fk, true
		}
	}
	return ForeignKey{}, false
}

// catalogQueries are the statements that read a dialect's schema. Each
// dialect's statement returns the same columns, so one reader serves both:
//
//	tables:      table
//	columns:     table, column, declared type, nullable, default, auto-increment
//	indexes:     table, index, unique, column, position (the primary key as index "PRIMARY")
//	foreignKeys: table, constraint key, constraint name, column, referenced table,
//	             referenced column, on delete, on update
type catalogQueries struct {
	tables, columns, indexes, foreignKeys string
}

// primaryIndex is the name under which the queries return the primary key.
const primaryIndex = "PRIMARY"

var schemaQueries = map[string]catalogQueries{
	MySQL: {
		tables: `SELECT TABLE_NAME FROM information_schema.TABLES
			WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME`,
		columns: `SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE = 'YES', COLUMN_DEFAULT,
				EXTRA LIKE '%auto_increment%'
			FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE()
			ORDER BY TABLE_NAME, ORDINAL_POSITION`,
		indexes: `SELECT TABLE_NAME, INDEX_NAME, NON_UNIQUE = 0, COLUMN_NAME, SEQ_IN_INDEX
			FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE()
			ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX`,
		foreignKeys: `SELECT k.TABLE_NAME, k.CONSTRAINT_NAME, k.CONSTRAINT_NAME, k.COLUMN_NAME,
				k.REFERENCED_TABLE_NAME, k.REFERENCED_COLUMN_NAME, r.DELETE_RULE, r.UPDATE_RULE
			FROM information_schema.KEY_COLUMN_USAGE k
			JOIN information_schema.REFERENTIAL_CONSTRAINTS r ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA
				AND r.TABLE_NAME = k.TABLE_NAME AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME
			WHERE k.TABLE_SCHEMA = DATABASE() AND k.REFERENCED_TABLE_NAME IS NOT NULL
			ORDER BY k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION`,
	},
	SQLite: {
		tables: `SELECT name FROM sqlite_master
			WHERE type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\' ORDER BY name`,
		// An INTEGER PRIMARY KEY is the rowid, which cannot be NULL although
		// table_info says notnull = 0 when the declaration does not repeat
		// NOT NULL. AUTOINCREMENT is only allowed on that column.
		columns: `SELECT m.name, c.name, c.type,
				NOT (c."notnull" OR (c.pk = 1 AND upper(c.type) = 'INTEGER'
					AND NOT EXISTS (SELECT 1 FROM pragma_table_info(m.name) o WHERE o.pk = 2))),
				c.dflt_value,
				c.pk = 1 AND upper(c.type) = 'INTEGER' AND m.sql LIKE '%AUTOINCREMENT%'
			FROM sqlite_master m JOIN pragma_table_info(m.name) c
			WHERE m.type = 'table' ORDER BY m.name, c.cid`,
		// Indexes SQLite makes for a PRIMARY KEY (origin "pk") are the
		// primary key, taken from table_info.
		indexes: `SELECT m.name, 'PRIMARY', 1, c.name, c.pk
			FROM sqlite_master m JOIN pragma_table_info(m.name) c WHERE m.type = 'table' AND c.pk > 0
			UNION ALL
			SELECT m.name, l.name, l."unique", i.name, i.seqno
			FROM sqlite_master m JOIN pragma_index_list(m.name) l JOIN pragma_index_info(l.name) i
			WHERE m.type = 'table' AND l.origin <> 'pk'
			ORDER BY 1, 2, 5`,
		foreignKeys: `SELECT m.name, CAST(f.id AS TEXT), '', f."from", f."table", f."to", f.on_delete, f.on_update
			FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) f
			WHERE m.type = 'table' ORDER BY m.name, f.id, f.seq`,
	},
}

// ReadSchema reads the schema of the database db is connected to (on MySQL,
// the connection's current database) from the database's own catalog:
// information_schema on MySQL, sqlite_master and the table_info,
// index_list, index_info and foreign_key_list pragmas on SQLite.
func ReadSchema(ctx context.Context, db *sql.DB, dialect string) (*Schema, error) {
	q, ok := schemaQueries[dialect]
	if !ok {
		return nil, fmt.Errorf("read schema: unknown dialect %q", dialect)
	}
	s := &Schema{Dialect: dialect}
	steps := []struct {
		what  string
		query string
		read  func(*sql.Rows) error
	}{
		{"tables", q.tables, s.scanTable},
		{"columns", q.columns, s.scanColumn},
		{"indexes", q.indexes, s.scanIndexColumn},
		{"foreign keys", q.foreignKeys, s.scanForeignKeyColumn},
	}
	for _, st := range steps {
		if err := eachRow(ctx, db, st.query, st.read); err != nil {
			return nil, fmt.Errorf("read %s schema: %s: %w", dialect, st.what, err)
		}
	}
	s.resolveImplicitReferences()
	return s, nil
}

// eachRow runs query and calls read on each row.
func eachRow(ctx context.Context, db *sql.DB, query string, read func(*sql.Rows) error) error {
	rows, err := db.QueryContext(ctx, query)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := read(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

func (s *Schema) scanTable(rows *sql.Rows) error {
	var name string
	if err := rows.Scan(&name); err != nil {
		return err
	}
	s.Tables = append(s.Tables, &Table{Name: name})
	return nil
}

func (s *Schema) scanColumn(rows *sql.Rows) error {
	var table, name, declared string
	var nullable, autoIncrement bool
	var dflt sql.NullString
	if err := rows.Scan(&table, &name, &declared, &nullable, &dflt, &autoIncrement); err != nil {
		return err
	}
	t := s.Table(table)
	if t == nil { // a view's column
		return nil
	}
	typ := parseType(declared)
	t.Columns = append(t.Columns, Column{Name: name, Type: typ, Nullable: nullable,
		Default: normaliseDefault(typ.Family, dflt), AutoIncrement: autoIncrement})
	return nil
}

// scanIndexColumn adds one column of an index (rows come in index order,
// so a new name starts a new index).
func (s *Schema) scanIndexColumn(rows *sql.Rows) error {
	var table, index string
	var column sql.NullString
	var unique bool
	var position int
	if err := rows.Scan(&table, &index, &unique, &column, &position); err != nil {
		return err
	}
	t := s.Table(table)
	if t == nil {
		return nil
	}
	col := column.String
	if !column.Valid {
		col = "<expression>"
	}
	if index == primaryIndex {
		t.PrimaryKey = append(t.PrimaryKey, col)
		return nil
	}
	if n := len(t.Indexes); n > 0 && t.Indexes[n-1].Name == index {
		t.Indexes[n-1].Columns = append(t.Indexes[n-1].Columns, col)
		return nil
	}
	t.Indexes = append(t.Indexes, Index{Name: index, Unique: unique, Columns: []string{col}})
	return nil
}

// scanForeignKeyColumn adds one column pair of a foreign key (rows come in
// constraint order, so a new key starts a new foreign key).
func (s *Schema) scanForeignKeyColumn(rows *sql.Rows) error {
	var table, key, name, column, refTable, onDelete, onUpdate string
	var refColumn sql.NullString
	if err := rows.Scan(&table, &key, &name, &column, &refTable, &refColumn, &onDelete, &onUpdate); err != nil {
		return err
	}
	t := s.Table(table)
	if t == nil {
		return nil
	}
	if n := len(t.ForeignKeys); n > 0 && t.ForeignKeys[n-1].key == key {
		fk := &t.ForeignKeys[n-1]
		fk.Columns = append(fk.Columns, column)
		fk.RefColumns = append(fk.RefColumns, refColumn.String)
		return nil
	}
	t.ForeignKeys = append(t.ForeignKeys, ForeignKey{key: key, Name: name, Columns: []string{column},
		RefTable: refTable, RefColumns: []string{refColumn.String},
		OnDelete: normaliseAction(onDelete), OnUpdate: normaliseAction(onUpdate)})
	return nil
}

// resolveImplicitReferences fills in the referenced columns of SQLite
// foreign keys written "REFERENCES parent" without columns, which refer to
// the parent's primary key.
func (s *Schema) resolveImplicitReferences() {
	for _, t := range s.Tables {
		for i := range t.ForeignKeys {
			fk := &t.ForeignKeys[i]
			parent := s.Table(fk.RefTable)
			if parent != nil && len(fk.RefColumns) > 0 && fk.RefColumns[0] == "" {
				fk.RefColumns = append([]string(nil), parent.PrimaryKey...)
			}
		}
	}
}

// typeFamilies maps a declared type's name (lower case, without its size
// and without UNSIGNED) to its family. Integer widths are not kept: SQLite
// stores every integer in up to 8 bytes whatever the declaration says, and
// an INTEGER PRIMARY KEY (the rowid) cannot be declared BIGINT.
var typeFamilies = map[string]string{
	"tinyint": "integer", "smallint": "integer", "mediumint": "integer", "int": "integer",
	"integer": "integer", "bigint": "integer",
	"decimal": "decimal", "numeric": "decimal",
	"float": "float", "double": "float", "real": "float", "double precision": "float",
	"char": "text", "varchar": "text", "character": "text", "character varying": "text",
	"nchar": "text", "nvarchar": "text", "text": "text", "tinytext": "text",
	"mediumtext": "text", "longtext": "text", "clob": "text",
	"datetime": "datetime", "timestamp": "datetime",
	"date":    "date",
	"boolean": "boolean", "bool": "boolean",
}

// parseType reduces a declared type to its Type. UNSIGNED is dropped (SQLite
// has no unsigned integers), and so is the fractional-seconds precision of
// DATETIME(6) (SQLite keeps times as text, at the precision written).
// TINYINT(1) is MySQL's BOOLEAN.
func parseType(declared string) Type {
	t := strings.ToLower(strings.TrimSpace(declared))
	for _, attr := range []string{" unsigned", " zerofill", " signed"} {
		t = strings.ReplaceAll(t, attr, "")
	}
	base, size := t, ""
	if i := strings.IndexByte(t, '('); i >= 0 {
		base = strings.TrimSpace(t[:i])
		size = strings.ReplaceAll(strings.TrimSuffix(strings.TrimSpace(t[i+1:]), ")"), " ", "")
	}
	if base == "tinyint" && size == "1" {
		return Type{Family: "boolean"}
	}
	family, ok := typeFamilies[base]
	switch {
	case !ok:
		return Type{Family: base, Size: size}
	case family == "text" || family == "decimal":
		return Type{Family: family, Size: size}
	}
	return Type{Family: family}
}

// normaliseDefault writes a default as reported by either dialect in one
// form: no default and DEFAULT NULL as ""; booleans as false/true (MySQL
// reports BOOLEAN DEFAULT FALSE as 0); numbers in their shortest form (0.00
// as 0); the current time as CURRENT_TIMESTAMP (MySQL reports
// current_timestamp(), SQLite the text as written); string literals
// single-quoted.
func normaliseDefault(family string, raw sql.NullString) string {
	if !raw.Valid {
		return ""
	}
	v := strings.TrimSpace(raw.String)
	for len(v) >= 2 && v[0] == '(' && v[len(v)-1] == ')' {
		v = strings.TrimSpace(v[1 : len(v)-1])
	}
	if strings.EqualFold(v, "null") {
		return ""
	}
	switch family {
	case "boolean":
		return normaliseBool(v)
	case "integer", "decimal", "float":
		return normaliseNumber(v)
	case "datetime", "date":
		return normaliseTime(v)
	}
	return normaliseString(v)
}

func normaliseBool(v string) string {
	s, _ := unquote(v)
	switch strings.ToLower(s) {
	case "0", "false":
		return "false"
	case "1", "true":
		return "true"
	}
	return v
}

func normaliseNumber(v string) string {
	s, _ := unquote(v)
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return v
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}

func normaliseTime(v string) string {
	fn := strings.ToLower(v)
	if i := strings.IndexByte(fn, '('); i >= 0 && strings.HasSuffix(fn, ")") {
		fn = fn[:i]
	}
	switch strings.TrimSpace(fn) {
	case "current_timestamp", "now", "localtimestamp", "localtime":
		return "CURRENT_TIMESTAMP"
	}
	return normaliseString(v)
}

// normaliseString writes a string literal single-quoted with ” for a
// quote; anything else (an expression) is left as it is.
func normaliseString(v string) string {
	s, ok := unquote(v)
	if !ok {
		return v
	}
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// unquote returns the value of a '…' literal (with ” or \' for a quote)
// and true, or v itself and false.
func unquote(v string) (string, bool) {
	if len(v) < 2 || v[0] != '\'' || v[len(v)-1] != '\'' {
		return v, false
	}
	s := v[1 : len(v)-1]
	return strings.NewReplacer("''", "'", `\'`, "'").Replace(s), true
}

// normaliseAction writes a referential action in one form. RESTRICT is
// written NO ACTION: MariaDB reports a foreign key without ON DELETE as
// RESTRICT and SQLite as NO ACTION, and with constraints checked at once
// (InnoDB always; SQLite unless a key is DEFERRABLE, which none is) the two
// refuse the same statements.
func normaliseAction(a string) string {
	a = strings.ToUpper(strings.TrimSpace(a))
	if a == "" || a == "RESTRICT" {
		return "NO ACTION"
	}
	return a
}
