// Package models holds the GORM models and every query on them: the catalog
// and places, accounts, ads and their photos, conversations. It knows nothing
// of HTTP or of the job queue.
package models

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/glebarez/sqlite"
	gomysql "github.com/go-sql-driver/mysql"
	"gorm.io/driver/mysql"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"motando/migrations"
)

// ErrNotFound is returned when a row does not exist or is not visible to the
// caller (another user's ad is "not found", never "forbidden").
var ErrNotFound = errors.New("not found")

// DB is the database handle shared by web and worker, with its dialect.
type DB struct {
	*gorm.DB
	Dialect string

	adsChanged []func(ctx context.Context, ids []uint64) // see OnAdsChanged
}

func gormConfig() *gorm.Config {
	return &gorm.Config{
		NowFunc: func() time.Time { return time.Now().UTC().Truncate(time.Microsecond) },
		// Slow statements are logged without their values, which may be
		// e-mails or token hashes.
		Logger: logger.NewSlogLogger(slog.Default(), logger.Config{SlowThreshold: 500 * time.Millisecond, IgnoreRecordNotFoundError: true, LogLevel: logger.Warn,
			ParameterizedQueries: true}),
		SkipDefaultTransaction: true,
		TranslateError:         true,
	}
}

// OpenMySQL opens a MySQL/MariaDB database. It sets the connection
// parameters the application relies on (UTC times, utf8mb4, timeouts) on a
// copy of cfg.
func OpenMySQL(cfg *gomysql.Config) (*DB, error) {
	c := cfg.Clone()
	c.ParseTime = true
	c.Loc = time.UTC
	c.Collation = "utf8mb4_unicode_ci"
	// Arguments are written into the statement by the driver (escaped for
	// the connection's utf8mb4): one round trip per query instead of three
	// (prepare, execute, close).
	c.InterpolateParams = true
	if c.Timeout == 0 {
		c.Timeout = 5 * time.Second
	}
	if c.ReadTimeout == 0 {
		c.ReadTimeout = 30 * time.Second
		c.WriteTimeout = 30 * time.Second
	}
	g, err := gorm.Open(mysql.Open(c.FormatDSN()), gormConfig())
	var me *gomysql.MySQLError
	if errors.As(err, &me) && me.Number == 1049 { // unknown database: create it
		if err = createMySQLDatabase(c); err == nil {
			g, err = gorm.Open(mysql.Open(c.FormatDSN()), gormConfig())
		}
	}
	if err != nil {
		return nil, fmt.Errorf("open mysql %s/%s: %w", c.Addr, c.DBName, err)
	}
	sqlDB, err := g.DB()
	if err != nil {
		return nil, fmt.Errorf("open mysql: %w", err)
	}
	sqlDB.SetMaxOpenConns(32)
	sqlDB.SetMaxIdleConns(16)
	sqlDB.SetConnMaxLifetime(30 * time.Minute)
	return &DB{DB: g, Dialect: migrations.MySQL}, nil
}

func createMySQLDatabase(cfg *gomysql.Config) error {
	c := cfg.Clone()
	c.DBName = ""
	conn, err := sql.Open("mysql", c.FormatDSN())
	if err != nil {
		return err
	}
	defer conn.Close()
	_, err = conn.Exec("CREATE DATABASE IF NOT EXISTS `" + strings.ReplaceAll(cfg.DBName, "`", "``") +
		"` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
	if err != nil {
		return fmt.Errorf("create database %s: %w", cfg.DBName, err)
	}
	slog.Info("database created", "name", cfg.DBName)
	return nil
}

// OpenSQLite opens (creating it if needed) the SQLite database at path, with
// foreign keys on, WAL journaling and immediate write transactions.
func OpenSQLite(path string) (*DB, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("open sqlite: %w", err)
	}
	// Times are written in Go's default format, always in UTC, so they
	// compare correctly as text. (The driver ignores _txlock when
	// _time_format is given, and immediate transactions are what keep
	// concurrent writers from failing with SQLITE_BUSY.)
	dsn := "file:" + path + "?_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)" +
		"&_pragma=synchronous(NORMAL)&_txlock=immediate"
	g, err := gorm.Open(sqlite.Open(dsn), gormConfig())
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	sqlDB, err := g.DB()
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	sqlDB.SetMaxOpenConns(8)
	return &DB{DB: g, Dialect: migrations.SQLite}, nil
}

// Ping checks that the database answers within the context's deadline.
func (db *DB) Ping(ctx context.Context) error {
	sqlDB, err := db.DB.DB()
	if err != nil {
		return err
	}
	return sqlDB.PingContext(ctx)
}

// Close closes the underlying connection pool.
func (db *DB) Close() error {
	sqlDB, err := db.DB.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}

// Migrate applies the schema migrations and the given data steps.
func (db *DB) Migrate(ctx context.Context, steps ...migrations.Step) ([]string, error) {
	sqlDB, err := db.DB.DB()
	if err != nil {
		return nil, err
	}
	return migrations.Run(ctx, sqlDB, db.Dialect, steps...)
}
