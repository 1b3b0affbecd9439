package models

import "context"

// OnAdsChanged adds a function told, after each committed change of what
// the public sees of ads (listed or not, search fields, cover), which ads
// changed: the search index's feed. No ids means many ads changed at once.
// Add them before the database is used.
func (db *DB) OnAdsChanged(fn func(ctx context.Context, ids []uint64)) {
	db.adsChanged = append(db.adsChanged, fn)
}

// AdsChanged tells the OnAdsChanged functions that the ads changed. The
// models call it after their own changes; code that writes ad rows itself
// (the bulk demo data, tests) calls it after committing.
func (db *DB) AdsChanged(ctx context.Context, ids ...uint64) {
	for _, fn := range db.adsChanged {
		fn(ctx, ids)
	}
}
