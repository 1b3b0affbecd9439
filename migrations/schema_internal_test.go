package migrations

import (
	"context"
	"database/sql"
	"io/fs"
	"slices"
	"testing"
)

func TestParseType(t *testing.T) {
	for declared, want := range map[string]Type{
		"bigint(20) unsigned": {Family: "integer"},
		"INTEGER":             {Family: "integer"},
		"SMALLINT":            {Family: "integer"},
		"int(10) unsigned":    {Family: "integer"},
		"tinyint(4)":          {Family: "integer"},
		"tinyint(1)":          {Family: "boolean"},
		"BOOLEAN":             {Family: "boolean"},
		"varchar(255)":        {Family: "text", Size: "255"},
		"VARCHAR(255)":        {Family: "text", Size: "255"},
		"char(64)":            {Family: "text", Size: "64"},
		"text":                {Family: "text"},
		"decimal(10,2)":       {Family: "decimal", Size: "10,2"},
		"DECIMAL(10, 2)":      {Family: "decimal", Size: "10,2"},
		"datetime(6)":         {Family: "datetime"},
		"DATETIME":            {Family: "datetime"},
		"timestamp":           {Family: "datetime"},
		"date":                {Family: "date"},
		"double":              {Family: "float"},
		"blob":                {Family: "blob"},
		"json":                {Family: "json"},
	} {
		if got := parseType(declared); got != want {
			t.Errorf("parseType(%q) = %+v, want %+v", declared, got, want)
		}
	}
}

func TestNormaliseDefault(t *testing.T) {
	null := sql.NullString{}
	lit := func(s string) sql.NullString { return sql.NullString{String: s, Valid: true} }
	for _, c := range []struct {
		family string
		raw    sql.NullString
		want   string
	}{
		{"integer", null, ""},
		{"integer", lit("NULL"), ""},
		{"text", lit("NULL"), ""},
		{"boolean", lit("FALSE"), "false"},
		{"boolean", lit("0"), "false"},
		{"boolean", lit("'0'"), "false"},
		{"boolean", lit("TRUE"), "true"},
		{"boolean", lit("1"), "true"},
		{"integer", lit("0"), "0"},
		{"integer", lit("'0'"), "0"},
		{"decimal", lit("0.00"), "0"},
		{"decimal", lit("12.50"), "12.5"},
		{"text", lit("''"), "''"},
		{"text", lit("'new'"), "'new'"},
		{"text", lit("'it''s'"), "'it''s'"},
		{"text", lit(`'it\'s'`), "'it''s'"},
		{"datetime", lit("current_timestamp()"), "CURRENT_TIMESTAMP"},
		{"datetime", lit("current_timestamp(6)"), "CURRENT_TIMESTAMP"},
		{"datetime", lit("CURRENT_TIMESTAMP"), "CURRENT_TIMESTAMP"},
		{"datetime", lit("(CURRENT_TIMESTAMP)"), "CURRENT_TIMESTAMP"},
		{"datetime", lit("'2000-01-01 00:00:00'"), "'2000-01-01 00:00:00'"},
	} {
		if got := normaliseDefault(c.family, c.raw); got != c.want {
			t.Errorf("normaliseDefault(%s, %q) = %q, want %q", c.family, c.raw.String, got, c.want)
		}
	}
}

func TestNormaliseAction(t *testing.T) {
	for raw, want := range map[string]string{
		"RESTRICT": "NO ACTION", "NO ACTION": "NO ACTION", "": "NO ACTION",
		"CASCADE": "CASCADE", "set null": "SET NULL",
	} {
		if got := normaliseAction(raw); got != want {
			t.Errorf("normaliseAction(%q) = %q, want %q", raw, got, want)
		}
	}
}

// TestDiffSizes: a size is compared only where both types state one.
func TestDiffSizes(t *testing.T) {
	schema := func(dialect string, typ Type) *Schema {
		return &Schema{Dialect: dialect, Tables: []*Table{{Name: "t", Columns: []Column{{Name: "c", Type: typ}}}}}
	}
	if d := Diff(schema(MySQL, Type{"text", ""}), schema(SQLite, Type{"text", "100"})); d != nil {
		t.Errorf("TEXT against VARCHAR(100): %q", d)
	}
	want := []string{"t.c: mysql says text(200), sqlite says text(100)"}
	if d := Diff(schema(MySQL, Type{"text", "200"}), schema(SQLite, Type{"text", "100"})); !slices.Equal(d, want) {
		t.Errorf("VARCHAR(200) against VARCHAR(100): %q, want %q", d, want)
	}
}

// TestMigrationFilesPaired: every migration exists for both dialects, so
// that data migrations, which the schema comparison cannot see, are not
// forgotten in one of them.
func TestMigrationFilesPaired(t *testing.T) {
	names := map[string][]string{}
	for _, dialect := range []string{MySQL, SQLite} {
		sub, err := fs.Sub(files, dialect)
		if err != nil {
			t.Fatal(err)
		}
		if names[dialect], err = fs.Glob(sub, "*.sql"); err != nil {
			t.Fatal(err)
		}
	}
	if !slices.Equal(names[MySQL], names[SQLite]) {
		t.Errorf("the migrations differ:\nmysql:  %q\nsqlite: %q", names[MySQL], names[SQLite])
	}
}

func TestReadSchemaUnknownDialect(t *testing.T) {
	if _, err := ReadSchema(context.Background(), nil, "oracle"); err == nil {
		t.Error("ReadSchema accepted an unknown dialect")
	}
}
