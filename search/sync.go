package search

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"
)

// Source is where the index reads the listed ads: the database.
type Source interface {
	// EachListedAd calls fn with every listed ad, a batch at a time.
	EachListedAd(ctx context.Context, fn func([]Doc) error) error
	// AdsChangedSince calls fn with the ads whose row changed at or after
	// t — the listed ones as documents, the others as ids — and returns the
	// latest change time it saw.
	AdsChangedSince(ctx context.Context, t time.Time, fn func(listed []Doc, unlisted []uint64) error) (time.Time, error)
	// ListedAdsByID returns the listed ones among the ads.
	ListedAdsByID(ctx context.Context, ids []uint64) ([]Doc, error)
	// ListedAdIDs returns the id of every listed ad.
	ListedAdIDs(ctx context.Context) ([]uint64, error)
}

// Syncer keeps an index in step with its source: a full load at start,
// then the ads named by each change (made here, or announced on the feed
// by another process), a catch-up from the time of the last change every
// few seconds (which repairs a lost message), and a comparison of every id
// now and then (which finds rows deleted without a trace).
type Syncer struct {
	Index  *Index
	Source Source
	// Feed carries the changes other processes make; nil when this process
	// is the only one.
	Feed Feed
	// CatchUpEvery is how often the changed rows are read: 2 s when zero.
	CatchUpEvery time.Duration
	// ReconcileEvery is how often every id is compared: 5 min when zero.
	ReconcileEvery time.Duration
	// Overlap is how far before the last change seen a catch-up reads
	// again, for transactions that committed late and clocks that differ:
	// 10 s when zero.
	Overlap time.Duration

	mu        sync.Mutex // one refresh at a time
	watermark time.Time  // the latest change time seen
}

// Load reads every listed ad into the index and marks it ready.
func (s *Syncer) Load(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	start, began := time.Now().UTC(), time.Now()
	// The index takes one batch while the database reads the next.
	batches := make(chan []Doc, 2)
	applied := make(chan struct{})
	go func() {
		defer close(applied)
		for docs := range batches {
			s.Index.Apply(docs, nil)
		}
	}()
	err := s.Source.EachListedAd(ctx, func(docs []Doc) error {
		select {
		case batches <- docs:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	})
	close(batches)
	<-applied
	if err != nil {
		return fmt.Errorf("load the search index: %w", err)
	}
	s.watermark = start
	s.Index.MarkReady()
	slog.Info("search index loaded", "ads", s.Index.Len(), "took", time.Since(began).Round(time.Millisecond))
	return nil
}

// Refresh brings the named ads up to date in the index: in it when listed,
// out of it otherwise. Without ids it catches up with every change since
// the last one seen and compares every id, for changes of many ads at once.
func (s *Syncer) Refresh(ctx context.Context, ids []uint64) error {
	if len(ids) == 0 {
		if err := s.CatchUp(ctx); err != nil {
			return err
		}
		return s.Reconcile(ctx)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	docs, err := s.Source.ListedAdsByID(ctx, ids)
	if err != nil {
		return fmt.Errorf("refresh the search index: %w", err)
	}
	listed := make(map[uint64]bool, len(docs))
	for _, d := range docs {
		listed[d.ID] = true
	}
	var gone []uint64
	for _, id := range ids {
		if !listed[id] {
			gone = append(gone, id)
		}
	}
	s.Index.Apply(docs, gone)
	return nil
}

// CatchUp applies every row changed since shortly before the last change
// seen.
func (s *Syncer) CatchUp(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	since := s.watermark.Add(-cmp.Or(s.Overlap, 10*time.Second))
	latest, err := s.Source.AdsChangedSince(ctx, since, func(listed []Doc, unlisted []uint64) error {
		s.Index.Apply(listed, unlisted)
		return nil
	})
	if err != nil {
		return fmt.Errorf("catch up the search index: %w", err)
	}
	if latest.After(s.watermark) {
		s.watermark = latest
	}
	return nil
}

// Reconcile compares the index's ids with the listed ids of the source:
// it drops the ads no longer listed and reads those it misses.
func (s *Syncer) Reconcile(ctx context.Context) error {
	ids, err := s.Source.ListedAdIDs(ctx)
	if err != nil {
		return fmt.Errorf("reconcile the search index: %w", err)
	}
	listed := make(map[uint64]bool, len(ids))
	var missing []uint64
	for _, id := range ids {
		listed[id] = true
		if !s.Index.Has(id) {
			missing = append(missing, id)
		}
	}
	var extra []uint64
	for _, id := range s.Index.IDs() {
		if !listed[id] {
			extra = append(extra, id)
		}
	}
	if len(missing)+len(extra) == 0 {
		return nil
	}
	slog.Info("search index reconciled", "missing", len(missing), "extra", len(extra))
	return s.Refresh(ctx, append(missing, extra...))
}

// Run follows the feed and the catch-up and reconcile timers until ctx
// ends. Failures are logged and retried at the next tick.
func (s *Syncer) Run(ctx context.Context) {
	var changes <-chan []uint64
	if s.Feed != nil {
		changes = s.Feed.Subscribe(ctx)
	}
	catchUp := time.NewTicker(cmp.Or(s.CatchUpEvery, 2*time.Second))
	defer catchUp.Stop()
	reconcile := time.NewTicker(cmp.Or(s.ReconcileEvery, 5*time.Minute))
	defer reconcile.Stop()
	for {
		var err error
		select {
		case <-ctx.Done():
			return
		case ids, ok := <-changes:
			if !ok {
				changes = nil
				continue
			}
			err = s.Refresh(ctx, ids)
		case <-catchUp.C:
			err = s.CatchUp(ctx)
		case <-reconcile.C:
			err = s.Reconcile(ctx)
		}
		if err != nil && ctx.Err() == nil {
			slog.Warn("search index not refreshed", "err", err)
		}
	}
}
