// Package migrations holds the versioned SQL schema for MySQL and SQLite and
// applies it, together with data steps supplied by the caller, recording each
// applied version in the schema_migrations table. Applying twice is a no-op.
package migrations

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"
	"time"
)

//go:embed mysql/*.sql sqlite/*.sql
var files embed.FS

// Dialects understood by Run.
const (
	MySQL  = "mysql"
	SQLite = "sqlite"
)

// Step is a data migration run after the SQL files, inside a transaction,
// once per Version.
type Step struct {
	Version string
	Apply   func(ctx context.Context, tx *sql.Tx, dialect string) error
}

// Run applies every SQL migration of the dialect and then every step that has
// not been applied yet. It returns the versions it applied, in order.
// Concurrent runs against one MySQL database are serialised with a named lock.
func Run(ctx context.Context, db *sql.DB, dialect string, steps ...Step) ([]string, error) {
	scripts, err := sqlFiles(dialect)
	if err != nil {
		return nil, err
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("migrations: connect: %w", err)
	}
	defer conn.Close()

	if dialect == MySQL {
		var got sql.NullInt64
		if err := conn.QueryRowContext(ctx, "SELECT GET_LOCK('motando_migrations', 60)").Scan(&got); err != nil || got.Int64 != 1 {
			return nil, fmt.Errorf("migrations: could not take the migration lock: %v", err)
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), "SELECT RELEASE_LOCK('motando_migrations')") //nolint:errcheck
	}
	if _, err := conn.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version VARCHAR(100) NOT NULL PRIMARY KEY,
		applied_at VARCHAR(40) NOT NULL)`); err != nil {
		return nil, fmt.Errorf("migrations: create schema_migrations: %w", err)
	}
	done, err := appliedVersions(ctx, conn)
	if err != nil {
		return nil, err
	}

	var applied []string
	for _, s := range scripts {
		if done[s.version] {
			continue
		}
		if err := runScript(ctx, conn, s); err != nil {
			return applied, err
		}
		applied = append(applied, s.version)
	}
	for _, st := range steps {
		if done[st.Version] {
			continue
		}
		if err := runStep(ctx, conn, dialect, st); err != nil {
			return applied, err
		}
		applied = append(applied, st.Version)
	}
	return applied, nil
}

type script struct {
	version    string
	statements []string
}

var statementEnd = regexp.MustCompile(`;\s*\n`)

// sqlFiles reads the dialect's migrations, sorted by file name, each split
// into statements (comment lines dropped; a statement ends with ";" at the
// end of a line).
func sqlFiles(dialect string) ([]script, error) {
	if dialect != MySQL && dialect != SQLite {
		return nil, fmt.Errorf("migrations: unknown dialect %q", dialect)
	}
	names, err := fs.Glob(files, dialect+"/*.sql")
	if err != nil {
		return nil, fmt.Errorf("migrations: list %s: %w", dialect, err)
	}
	sort.Strings(names)
	out := make([]script, 0, len(names))
	for _, name := range names {
		raw, err := files.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("migrations: read %s: %w", name, err)
		}
		var body strings.Builder
		for _, line := range strings.Split(string(raw), "\n") {
			if strings.HasPrefix(strings.TrimSpace(line), "--") {
				continue
			}
			body.WriteString(line)
			body.WriteByte('\n')
		}
		var stmts []string
		for _, st := range statementEnd.Split(body.String(), -1) {
			if st = strings.TrimSpace(st); st != "" {
				stmts = append(stmts, strings.TrimSuffix(st, ";"))
			}
		}
		out = append(out, script{version: strings.TrimSuffix(path.Base(name), ".sql"), statements: stmts})
	}
	return out, nil
}

func appliedVersions(ctx context.Context, conn *sql.Conn) (map[string]bool, error) {
	rows, err := conn.QueryContext(ctx, "SELECT version FROM schema_migrations")
	if err != nil {
		return nil, fmt.Errorf("migrations: read schema_migrations: %w", err)
	}
	defer rows.Close()
	done := map[string]bool{}
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, fmt.Errorf("migrations: read schema_migrations: %w", err)
		}
		done[v] = true
	}
	return done, rows.Err()
}

// runScript applies one SQL file. On SQLite the file and its record commit
// together; MySQL commits DDL statement by statement, so the record is
// written last and a failed file is retried from the start on the next run.
func runScript(ctx context.Context, conn *sql.Conn, s script) error {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migrations: %s: begin: %w", s.version, err)
	}
	defer tx.Rollback() //nolint:errcheck
	for i, st := range s.statements {
		if _, err := tx.ExecContext(ctx, st); err != nil {
			return fmt.Errorf("migrations: %s: statement %d: %w", s.version, i+1, err)
		}
	}
	if err := record(ctx, tx, s.version); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migrations: %s: commit: %w", s.version, err)
	}
	return nil
}

func runStep(ctx context.Context, conn *sql.Conn, dialect string, st Step) error {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migrations: %s: begin: %w", st.Version, err)
	}
	defer tx.Rollback() //nolint:errcheck
	if err := st.Apply(ctx, tx, dialect); err != nil {
		return fmt.Errorf("migrations: %s: %w", st.Version, err)
	}
	if err := record(ctx, tx, st.Version); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migrations: %s: commit: %w", st.Version, err)
	}
	return nil
}

func record(ctx context.Context, tx *sql.Tx, version string) error {
	_, err := tx.ExecContext(ctx, "INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)",
		version, time.Now().UTC().Format(time.RFC3339))
	if err != nil {
		return fmt.Errorf("migrations: record %s: %w", version, err)
	}
	return nil
}
