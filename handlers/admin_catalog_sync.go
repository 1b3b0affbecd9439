package handlers

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"

	"motando/models"
)

// catalogSync keeps the in-memory catalog in step with the database, whose
// catalog version every change increases (in this process or another).
type catalogSync struct {
	every   time.Duration // how often requests look at the version
	checked atomic.Int64  // when they last did, in Unix nanoseconds
	mu      sync.Mutex    // one reload at a time, so an older copy never replaces a newer one
	version int64         // the version of the copy in memory; under mu
}

// syncCatalog lets the first request after every interval compare the
// catalog's version with the copy's and reload the copy when it moved: a
// change made by another process shows here within the interval. A database
// that does not answer leaves the copy as it is.
func (s *Server) syncCatalog(c *fiber.Ctx) error {
	now := time.Now().UnixNano()
	last := s.catalogSync.checked.Load()
	if now-last >= int64(s.catalogSync.every) && s.catalogSync.checked.CompareAndSwap(last, now) {
		if err := s.refreshCatalog(c.UserContext(), false); err != nil {
			slog.Warn("catalog not refreshed", "err", err)
		}
	}
	return c.Next()
}

// refreshCatalog reloads the catalog if its version moved, or always when
// force is set (after a change made here).
func (s *Server) refreshCatalog(ctx context.Context, force bool) error {
	cs := &s.catalogSync
	cs.mu.Lock()
	defer cs.mu.Unlock()
	v, err := s.db.CatalogVersion(ctx)
	if err != nil {
		return err
	}
	if v == cs.version && !force {
		return nil
	}
	cat, err := models.LoadCatalog(ctx, s.db)
	if err != nil {
		return fmt.Errorf("reload catalog: %w", err)
	}
	s.setCatalog(cat)
	cs.version = v
	return nil
}
