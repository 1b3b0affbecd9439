// Package modelstest provides real services for tests: migrated databases
// (SQLite always, and a fresh MariaDB/MySQL database when
// MOTANDO_TEST_MYSQL_DSN is set), fixtures, and a TCP proxy that can be cut
// to simulate an outage.
// Under CI=true a missing or unreachable MariaDB fails the test instead of
// skipping it.
package modelstest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	gomysql "github.com/go-sql-driver/mysql"

	"motando/fixtures"
	"motando/migrations"
	"motando/models"
)

// EnvMySQL names the variable holding a go-sql-driver DSN of a server where
// the tests may create and drop databases, e.g.
// "root@tcp(127.0.0.1:3306)/".
const EnvMySQL = "MOTANDO_TEST_MYSQL_DSN"

// Dialects returns the dialects the tests should run on: "sqlite" always and
// "mysql" when MOTANDO_TEST_MYSQL_DSN is set. Without it, it logs why and,
// under CI=true, fails the test.
func Dialects(t testing.TB) []string {
	t.Helper()
	if os.Getenv(EnvMySQL) == "" {
		Require(t, EnvMySQL)
		return []string{migrations.SQLite}
	}
	return []string{migrations.SQLite, migrations.MySQL}
}

// Require reports a missing test service: a failure under CI=true, a logged
// note otherwise.
func Require(t testing.TB, env string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is not set: CI must run the MariaDB/Redis suites", env)
	}
	t.Logf("%s is not set: skipping the part of this test that needs it", env)
}

// Open returns a migrated database of the dialect, with the reference data
// loaded, closed and removed at the end of the test.
func Open(t testing.TB, dialect string) *models.DB {
	t.Helper()
	var db *models.DB
	var err error
	switch dialect {
	case migrations.SQLite:
		// A copy of the package's migrated database: the migrations find
		// nothing left to do.
		path := filepath.Join(t.TempDir(), "test.db")
		if err := os.WriteFile(path, migratedSQLite(t), 0o600); err != nil {
			t.Fatal(err)
		}
		db, err = models.OpenSQLite(path)
	case migrations.MySQL:
		db, err = models.OpenMySQL(freshDatabase(t))
	default:
		t.Fatalf("unknown dialect %q", dialect)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(context.Background(), referenceSteps()...); err != nil {
		t.Fatal(err)
	}
	return db
}

// sqliteTemplate is a migrated SQLite database with the reference data, as
// the bytes of its file: migrating a database takes tens of milliseconds
// (the 5,570 cities most of them), once per test binary instead of once
// per test.
var sqliteTemplate struct {
	once sync.Once
	file []byte
	err  error
}

func migratedSQLite(t testing.TB) []byte {
	t.Helper()
	sqliteTemplate.once.Do(func() { sqliteTemplate.file, sqliteTemplate.err = newSQLiteTemplate() })
	if sqliteTemplate.err != nil {
		t.Fatalf("migrated SQLite database: %v", sqliteTemplate.err)
	}
	return sqliteTemplate.file
}

func newSQLiteTemplate() ([]byte, error) {
	dir, err := os.MkdirTemp("", "motando-test-db-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "template.db")
	db, err := models.OpenSQLite(path)
	if err != nil {
		return nil, err
	}
	_, err = db.Migrate(context.Background(), referenceSteps()...)
	if err == nil {
		// Everything into the database file itself, out of the WAL.
		err = db.Exec("PRAGMA wal_checkpoint(TRUNCATE)").Error
	}
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	return os.ReadFile(path)
}

// EachDialect runs fn as a subtest on every dialect from Dialects, each with
// its own fresh database.
func EachDialect(t *testing.T, fn func(t *testing.T, db *models.DB)) {
	for _, d := range Dialects(t) {
		t.Run(d, func(t *testing.T) { fn(t, Open(t, d)) })
	}
}

var (
	refOnce  sync.Once
	refSteps []migrations.Step
)

func referenceSteps() []migrations.Step {
	refOnce.Do(func() { refSteps = fixtures.ReferenceData() })
	return refSteps
}

// FreshMySQL creates an empty database on the test server, dropped at the
// end of the test, and returns its connection settings. It is for tests that run the
// migrations themselves.
func FreshMySQL(t testing.TB) *gomysql.Config {
	t.Helper()
	if os.Getenv(EnvMySQL) == "" {
		t.Skip(EnvMySQL + " is not set")
	}
	return freshDatabase(t)
}

func freshDatabase(t testing.TB) *gomysql.Config {
	t.Helper()
	cfg, err := gomysql.ParseDSN(os.Getenv(EnvMySQL))
	if err != nil {
		t.Fatalf("%s: %v", EnvMySQL, err)
	}
	cfg.DBName = ""
	admin, err := sql.Open("mysql", cfg.FormatDSN())
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	var b [6]byte
	rand.Read(b[:])
	name := "motando_test_" + sanitize(t.Name()) + "_" + hex.EncodeToString(b[:])
	if len(name) > 64 {
		name = name[:52] + "_" + hex.EncodeToString(b[:])[:11]
	}
	if _, err := admin.Exec("CREATE DATABASE `" + name + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"); err != nil {
		t.Fatalf("MariaDB at %s: %v", cfg.Addr, err)
	}
	t.Cleanup(func() {
		a, err := sql.Open("mysql", cfg.FormatDSN())
		if err == nil {
			a.Exec("DROP DATABASE IF EXISTS `" + name + "`")
			a.Close()
		}
	})
	cfg.DBName = name
	return cfg
}

func sanitize(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	s := b.String()
	if len(s) > 30 {
		s = s[:30]
	}
	return s
}
