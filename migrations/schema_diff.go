package migrations

import (
	"fmt"
	"slices"
	"strings"
)

// Diff lists every difference between two schemas, one line each, naming
// the two by their Dialect: tables in one only; per table, columns in one
// only and differing columns ("users.email: mysql says text(255), sqlite
// says text(100)" — type family and size, nullability, default,
// auto-increment), the primary key, indexes by name (uniqueness and
// columns in order) and foreign keys by their columns (referenced table
// and columns, ON DELETE and ON UPDATE). It returns nil when the schemas
// agree.
func Diff(a, b *Schema) []string {
	d := &differ{a: a.Dialect, b: b.Dialect}
	for _, name := range union(tableNames(a), tableNames(b)) {
		ta, tb := a.Table(name), b.Table(name)
		switch {
		case tb == nil:
			d.add("table %s: only in %s", name, d.a)
		case ta == nil:
			d.add("table %s: only in %s", name, d.b)
		default:
			d.table(ta, tb)
		}
	}
	return d.out
}

type differ struct {
	a, b string // the dialects' names
	out  []string
}

func (d *differ) add(format string, args ...any) {
	d.out = append(d.out, fmt.Sprintf(format, args...))
}

// says reports one thing the two schemas disagree on.
func (d *differ) says(subject, x, y string) {
	d.add("%s: %s says %s, %s says %s", subject, d.a, x, d.b, y)
}

// onlyIn reports what exists in one schema: in a when inA, in b otherwise.
func (d *differ) onlyIn(subject string, inA bool, what string) {
	dialect := d.b
	if inA {
		dialect = d.a
	}
	d.add("%s: only in %s: %s", subject, dialect, what)
}

func (d *differ) table(ta, tb *Table) {
	d.columns(ta, tb)
	if !slices.Equal(ta.PrimaryKey, tb.PrimaryKey) {
		d.says(ta.Name+": primary key", columnList(ta.PrimaryKey), columnList(tb.PrimaryKey))
	}
	d.indexes(ta, tb)
	d.foreignKeys(ta, tb)
}

func (d *differ) columns(ta, tb *Table) {
	for _, name := range union(columnNames(ta), columnNames(tb)) {
		ca, inA := ta.Column(name)
		cb, inB := tb.Column(name)
		subject := ta.Name + "." + name
		switch {
		case !inB:
			d.onlyIn(subject, true, ca.String())
		case !inA:
			d.onlyIn(subject, false, cb.String())
		default:
			d.column(subject, ca, cb)
		}
	}
}

// column compares two columns of the same name. A size is compared only
// when both types state one (TEXT has none).
func (d *differ) column(subject string, ca, cb Column) {
	ta, tb := ca.Type, cb.Type
	if ta.Family != tb.Family || ta.Size != tb.Size && ta.Size != "" && tb.Size != "" {
		d.says(subject, ta.String(), tb.String())
	}
	if ca.Nullable != cb.Nullable {
		d.says(subject, nullability(ca), nullability(cb))
	}
	if ca.Default != cb.Default {
		d.says(subject, defaultClause(ca), defaultClause(cb))
	}
	if ca.AutoIncrement != cb.AutoIncrement {
		d.says(subject, autoIncrement(ca), autoIncrement(cb))
	}
}

func (d *differ) indexes(ta, tb *Table) {
	for _, name := range union(indexNames(ta), indexNames(tb)) {
		ia, inA := ta.Index(name)
		ib, inB := tb.Index(name)
		subject := ta.Name + ": index " + name
		switch {
		case !inB:
			d.onlyIn(subject, true, ia.String()+implicitIndexNote(ta, ia, d.b))
		case !inA:
			d.onlyIn(subject, false, ib.String()+implicitIndexNote(tb, ib, d.a))
		case ia.String() != ib.String():
			d.says(subject, ia.String(), ib.String())
		}
	}
}

// implicitIndexNote explains an index that has the name and columns of one
// of the table's foreign keys: MariaDB makes one, named after the
// constraint, for every foreign key no index starts with the columns of.
func implicitIndexNote(t *Table, ix Index, other string) string {
	fk, ok := t.ForeignKey(ix.Columns)
	if !ok || fk.Name != ix.Name || ix.Unique {
		return ""
	}
	return fmt.Sprintf(" (the index MariaDB makes for foreign key %s when no index starts with its columns: create it in %s too)",
		fk.Name, other)
}

func (d *differ) foreignKeys(ta, tb *Table) {
	for _, key := range union(foreignKeyColumns(ta), foreignKeyColumns(tb)) {
		cols := strings.Split(key, ",")
		fa, inA := ta.ForeignKey(cols)
		fb, inB := tb.ForeignKey(cols)
		subject := ta.Name + ": foreign key " + columnList(cols)
		switch {
		case !inB:
			d.onlyIn(subject, true, fa.String())
		case !inA:
			d.onlyIn(subject, false, fb.String())
		case fa.String() != fb.String():
			d.says(subject, fa.String(), fb.String())
		}
	}
}

// String gives the column as Diff reports it, e.g. "text(255) NOT NULL
// DEFAULT ”".
func (c Column) String() string {
	s := c.Type.String() + " " + nullability(c)
	if c.Default != "" {
		s += " " + defaultClause(c)
	}
	if c.AutoIncrement {
		s += " " + autoIncrement(c)
	}
	return s
}

// String gives the index as Diff reports it, e.g. "UNIQUE (user_id, name)".
func (ix Index) String() string {
	if ix.Unique {
		return "UNIQUE " + columnList(ix.Columns)
	}
	return columnList(ix.Columns)
}

// String gives the foreign key as Diff reports it (without its name), e.g.
// "REFERENCES users (id) ON DELETE CASCADE".
func (fk ForeignKey) String() string {
	s := "REFERENCES " + fk.RefTable + " " + columnList(fk.RefColumns) + " ON DELETE " + fk.OnDelete
	if fk.OnUpdate != "NO ACTION" {
		s += " ON UPDATE " + fk.OnUpdate
	}
	return s
}

func nullability(c Column) string {
	if c.Nullable {
		return "NULL"
	}
	return "NOT NULL"
}

func defaultClause(c Column) string {
	if c.Default == "" {
		return "no DEFAULT"
	}
	return "DEFAULT " + c.Default
}

func autoIncrement(c Column) string {
	if c.AutoIncrement {
		return "AUTO_INCREMENT"
	}
	return "no AUTO_INCREMENT"
}

func columnList(cols []string) string {
	return "(" + strings.Join(cols, ", ") + ")"
}

// union returns the names of a in their order, then those only in b.
func union(a, b []string) []string {
	out := slices.Clone(a)
	for _, n := range b {
		if !slices.Contains(a, n) {
			out = append(out, n)
		}
	}
	return out
}

func tableNames(s *Schema) []string {
	names := make([]string, len(s.Tables))
	for i, t := range s.Tables {
		names[i] = t.Name
	}
	return names
}

func columnNames(t *Table) []string {
	names := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		names[i] = c.Name
	}
	return names
}

func indexNames(t *Table) []string {
	names := make([]string, len(t.Indexes))
	for i, ix := range t.Indexes {
		names[i] = ix.Name
	}
	return names
}

// foreignKeyColumns returns each foreign key's columns joined by commas.
func foreignKeyColumns(t *Table) []string {
	keys := make([]string, len(t.ForeignKeys))
	for i, fk := range t.ForeignKeys {
		keys[i] = strings.Join(fk.Columns, ",")
	}
	return keys
}
