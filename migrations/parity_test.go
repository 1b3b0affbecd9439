package migrations_test

import (
	"context"
	"database/sql"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"motando/migrations"
	"motando/models"
	"motando/models/modelstest"
)

// TestSchemaParity applies every migration to a fresh MariaDB database and a
// fresh SQLite one and requires the two schemas to agree.
func TestSchemaParity(t *testing.T) {
	lite := readSchema(t, migratedSQLite(t), migrations.SQLite)
	if len(lite.Tables) == 0 || lite.Table("classifiedad") == nil {
		t.Fatalf("the SQLite schema read back has no classifiedad table: %+v", lite.Tables)
	}
	my := readSchema(t, migratedMySQL(t), migrations.MySQL)
	if d := migrations.Diff(my, lite); len(d) > 0 {
		t.Errorf("the MariaDB and SQLite migrations give different schemas (%d differences):\n%s",
			len(d), strings.Join(d, "\n"))
	}
}

// TestSchemaDiffReports doctors one of the two migrated databases and
// requires Diff to report exactly that change: a check that stopped
// comparing one aspect of the schema fails here.
func TestSchemaDiffReports(t *testing.T) {
	cases := []struct {
		name    string
		dialect string // the database the statements doctor
		stmts   []string
		want    []string
	}{{
		name:    "column added to one dialect",
		dialect: migrations.SQLite,
		stmts:   []string{"ALTER TABLE users ADD COLUMN nickname VARCHAR(50) NULL"},
		want:    []string{"users.nickname: only in sqlite: text(50) NULL"},
	}, {
		name:    "nullability changed",
		dialect: migrations.MySQL,
		stmts:   []string{"ALTER TABLE users MODIFY blocked_reason VARCHAR(500) NULL DEFAULT ''"},
		want:    []string{"users.blocked_reason: mysql says NULL, sqlite says NOT NULL"},
	}, {
		name:    "index missing",
		dialect: migrations.SQLite,
		stmts:   []string{"DROP INDEX ix_users_created"},
		want:    []string{"users: index ix_users_created: only in mysql: (created)"},
	}, {
		name:    "index MariaDB made for a foreign key missing",
		dialect: migrations.SQLite,
		stmts:   []string{"DROP INDEX fk_ad_brand"},
		want: []string{"classifiedad: index fk_ad_brand: only in mysql: (brand_id) (the index MariaDB makes for " +
			"foreign key fk_ad_brand when no index starts with its columns: create it in sqlite too)"},
	}, {
		name:    "index no longer unique",
		dialect: migrations.MySQL,
		stmts:   []string{"ALTER TABLE users DROP INDEX uq_users_email, ADD INDEX uq_users_email (email)"},
		want:    []string{"users: index uq_users_email: mysql says (email), sqlite says UNIQUE (email)"},
	}, {
		name:    "index columns changed",
		dialect: migrations.MySQL,
		stmts:   []string{"ALTER TABLE sessions DROP INDEX ix_sessions_expires, ADD INDEX ix_sessions_expires (expires_at, user_id)"},
		want:    []string{"sessions: index ix_sessions_expires: mysql says (expires_at, user_id), sqlite says (expires_at)"},
	}, {
		name:    "text length changed",
		dialect: migrations.MySQL,
		stmts:   []string{"ALTER TABLE users MODIFY fullname VARCHAR(400) NOT NULL"},
		want:    []string{"users.fullname: mysql says text(400), sqlite says text(500)"},
	}, {
		name:    "type family changed",
		dialect: migrations.MySQL,
		stmts:   []string{"ALTER TABLE classifiedad MODIFY mileage DECIMAL(10,2) NOT NULL DEFAULT 0"},
		want:    []string{"classifiedad.mileage: mysql says decimal(10,2), sqlite says integer"},
	}, {
		name:    "default changed",
		dialect: migrations.MySQL,
		stmts:   []string{"ALTER TABLE classifiedad ALTER COLUMN status SET DEFAULT 'draft'"},
		want:    []string{"classifiedad.status: mysql says DEFAULT 'draft', sqlite says DEFAULT 'new'"},
	}, {
		name:    "auto-increment dropped",
		dialect: migrations.MySQL,
		stmts:   []string{"ALTER TABLE audit_log MODIFY id BIGINT UNSIGNED NOT NULL"},
		want:    []string{"audit_log.id: mysql says no AUTO_INCREMENT, sqlite says AUTO_INCREMENT"},
	}, {
		name:    "primary key changed",
		dialect: migrations.MySQL,
		stmts:   []string{"ALTER TABLE app_state DROP PRIMARY KEY, ADD PRIMARY KEY (name, value)"},
		want:    []string{"app_state: primary key: mysql says (name, value), sqlite says (name)"},
	}, {
		name:    "foreign key action changed",
		dialect: migrations.MySQL,
		stmts: []string{
			"ALTER TABLE sessions DROP FOREIGN KEY fk_sessions_user",
			"ALTER TABLE sessions ADD CONSTRAINT fk_sessions_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE RESTRICT ON UPDATE CASCADE",
		},
		want: []string{"sessions: foreign key (user_id): mysql says REFERENCES users (id) ON DELETE NO ACTION ON UPDATE CASCADE, sqlite says REFERENCES users (id) ON DELETE CASCADE"},
	}, {
		name:    "foreign key missing",
		dialect: migrations.MySQL,
		stmts:   []string{"ALTER TABLE sessions DROP FOREIGN KEY fk_sessions_user"},
		want:    []string{"sessions: foreign key (user_id): only in sqlite: REFERENCES users (id) ON DELETE CASCADE"},
	}, {
		name:    "table in one dialect",
		dialect: migrations.SQLite,
		stmts:   []string{"CREATE TABLE scratch (id INTEGER PRIMARY KEY)"},
		want:    []string{"table scratch: only in sqlite"},
	}}
	// Each case doctors a fresh database and compares it with the other
	// dialect's undoctored schema.
	undoctored := map[string]*migrations.Schema{
		migrations.MySQL:  readSchema(t, migratedMySQL(t), migrations.MySQL),
		migrations.SQLite: readSchema(t, migratedSQLite(t), migrations.SQLite),
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			db := migratedSQLite(t)
			if c.dialect == migrations.MySQL {
				db = migratedMySQL(t)
			}
			for _, st := range c.stmts {
				if _, err := db.Exec(st); err != nil {
					t.Fatalf("%s: %s: %v", c.dialect, st, err)
				}
			}
			schemas := maps.Clone(undoctored)
			schemas[c.dialect] = readSchema(t, db, c.dialect)
			got := migrations.Diff(schemas[migrations.MySQL], schemas[migrations.SQLite])
			if !slices.Equal(got, c.want) {
				t.Errorf("Diff after doctoring %s:\n got: %q\nwant: %q", c.dialect, got, c.want)
			}
		})
	}
}

func readSchema(t *testing.T, db *sql.DB, dialect string) *migrations.Schema {
	t.Helper()
	s, err := migrations.ReadSchema(context.Background(), db, dialect)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// migratedSQLite returns a fresh SQLite database with every migration
// applied (and no reference data).
func migratedSQLite(t *testing.T) *sql.DB {
	t.Helper()
	db, err := models.OpenSQLite(filepath.Join(t.TempDir(), "parity.db"))
	if err != nil {
		t.Fatal(err)
	}
	return migrated(t, db)
}

// migratedMySQL returns a fresh MariaDB database with every migration
// applied. Without MOTANDO_TEST_MYSQL_DSN the test is skipped, or fails
// under CI=true.
func migratedMySQL(t *testing.T) *sql.DB {
	t.Helper()
	if os.Getenv(modelstest.EnvMySQL) == "" {
		modelstest.Require(t, modelstest.EnvMySQL)
		t.Skip(modelstest.EnvMySQL + " is not set: the schemas are compared against MariaDB")
	}
	db, err := models.OpenMySQL(modelstest.FreshMySQL(t))
	if err != nil {
		t.Fatal(err)
	}
	return migrated(t, db)
}

func migrated(t *testing.T, db *models.DB) *sql.DB {
	t.Helper()
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	sqlDB, err := db.DB.DB()
	if err != nil {
		t.Fatal(err)
	}
	return sqlDB
}
