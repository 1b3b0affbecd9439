// Package djangoimport brings a running original Motando (the Django site)
// over: its cities and catalog mapped onto the ones here, its accounts with
// their password hashes, its ads with their photos sent through the worker,
// and its chats as conversations. Every imported row is recorded, so that
// a second run imports only what is new.
package djangoimport

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"motando/models"
	"motando/progress"
	"motando/storage"
	"motando/worker"
)

// Importer imports from the original's database (Source) into this site's
// (DB, Store, Queue). Set its fields, then call Run once.
type Importer struct {
	Source *sql.DB
	DB     *models.DB
	Store  storage.Storage
	Queue  worker.Queue
	Out    io.Writer // progress bars and the summary
	// Workers is how many ads are imported at once, each downloading its
	// photos one after another (8 when zero).
	Workers int
	// AllowPrivateHosts lets photos be downloaded from this machine or its
	// private network (a copy of the original's bucket served locally).
	AllowPrivateHosts bool
	// Wait makes Run wait until the worker has published (or failed) every
	// ad it imported; a worker must run on Queue.
	Wait bool

	src        source
	fetcher    *http.Client
	sum        *Summary
	places     map[uint64]place  // source city → city here
	states     map[uint64]uint16 // source state → state here
	here       *models.Places
	catalog    *catalogMap
	users      map[uint64]uint64 // source account → account here
	sellerMu   sync.Mutex
	sellers    map[uint64]sellerInfo // account here → what its ads need
	queuedMu   sync.Mutex
	queued     []uint64                      // ads left to the worker
	donePhotos map[uint64]models.ImportedRow // photos imported, by id there
}

// Run imports everything not imported yet and returns what it did. An
// error stops it (the database or storage failing); rows that cannot be
// imported are counted in the summary instead.
func (im *Importer) Run(ctx context.Context) (sum *Summary, err error) {
	start := time.Now()
	im.src, im.sum = source{im.Source}, &Summary{}
	im.fetcher = newFetcher(im.AllowPrivateHosts)
	im.sellers = map[uint64]sellerInfo{}
	if im.Workers <= 0 {
		im.Workers = 8
	}
	defer func() {
		im.sum.Elapsed, im.sum.Interrupted = time.Since(start), err != nil
	}()
	steps := []func(context.Context) error{
		func(ctx context.Context) (err error) { im.places, err = im.mapPlaces(ctx); return err },
		func(ctx context.Context) (err error) { im.catalog, err = im.mapCatalog(ctx); return err },
		im.importAccounts, im.importAds, im.importChats,
	}
	for _, step := range steps {
		if err := step(ctx); err != nil {
			im.DB.AdsChanged(ctx)
			return im.sum, err
		}
	}
	im.DB.AdsChanged(ctx)
	if im.Wait && len(im.queued) > 0 {
		if err := im.waitPublished(ctx); err != nil {
			return im.sum, err
		}
	}
	return im.sum, nil
}

// eachBatch reads a table batch by batch and calls fn for each row, with
// a progress bar over the table's rows.
func eachBatch[T any](ctx context.Context, im *Importer, table, label string, read func(context.Context, uint64) ([]T, error),
	id func(*T) uint64, fn func(context.Context, *T) error) error {
	total, err := im.src.count(ctx, table)
	if err != nil {
		return err
	}
	bar := progress.New(im.Out, total, label)
	defer bar.Done()
	return eachRow(ctx, read, id, func(ctx context.Context, row *T) error {
		if err := fn(ctx, row); err != nil {
			return err
		}
		bar.Add()
		return nil
	})
}

// eachRow reads a table batch by batch, in id order, and calls fn for
// each row.
func eachRow[T any](ctx context.Context, read func(context.Context, uint64) ([]T, error), id func(*T) uint64,
	fn func(context.Context, *T) error) error {
	var after uint64
	for {
		rows, err := read(ctx, after)
		if err != nil || len(rows) == 0 {
			return err
		}
		for i := range rows {
			if err := fn(ctx, &rows[i]); err != nil {
				return err
			}
		}
		after = id(&rows[len(rows)-1])
	}
}

// waitPublished shows a bar until the worker has settled every ad queued
// by this run, then counts those it published and those it failed.
func (im *Importer) waitPublished(ctx context.Context) error {
	bar := progress.New(im.Out, len(im.queued), "anúncios publicados pelo worker")
	defer bar.Done()
	for {
		counts, failed, err := im.DB.StatusCounts(ctx, im.queued)
		if err != nil {
			return err
		}
		bar.Set(counts[models.StatusPublished])
		if counts[models.StatusPublished]+counts[models.StatusFailed] >= len(im.queued) {
			tally := im.sum.tally(kindPublished)
			tally.add(counts[models.StatusPublished])
			for range counts[models.StatusFailed] {
				tally.fail("o worker não publicou (o motivo está em Meus anúncios)", fmt.Sprintf("ex.: anúncio %d: %s", failed.ID, failed.StatusReason))
			}
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
}
