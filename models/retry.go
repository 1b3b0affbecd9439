package models

import (
	"context"
	"errors"
	"time"

	gomysql "github.com/go-sql-driver/mysql"
	"gorm.io/gorm"
)

// retryConflicts runs fn again, a few times, when it fails on a conflict
// with a concurrent transaction that a new attempt resolves: a MySQL
// deadlock or lock wait timeout, or a duplicate key that the other
// transaction's row now answers.
func retryConflicts(ctx context.Context, fn func() error) error {
	var err error
	for attempt := range 6 {
		if err = fn(); err == nil || !isConflict(err) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Duration(attempt+1) * 5 * time.Millisecond):
		}
	}
	return err
}

func isConflict(err error) bool {
	var me *gomysql.MySQLError
	if errors.As(err, &me) && (me.Number == 1213 || me.Number == 1205) {
		return true
	}
	return errors.Is(err, gorm.ErrDuplicatedKey)
}
