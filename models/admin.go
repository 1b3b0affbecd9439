package models

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// Audit actions: what an admin did (the audit_log's action column).
const (
	AuditCatalogCreate = "catalog.create"
	AuditCatalogRename = "catalog.rename"
	AuditCatalogDelete = "catalog.delete"
	AuditCatalogMerge  = "catalog.merge"
	AuditBrandPopular  = "catalog.popular"
	AuditAdHide        = "ad.hide"
	AuditAdUnhide      = "ad.unhide"
	AuditAdTopOffer    = "ad.top_offer"
	AuditReportsClose  = "ad.reports_close"
	AuditUserBlock     = "user.block"
	AuditUserUnblock   = "user.unblock"
	AuditJobRetry      = "job.retry"
)

// AuditEntry is one admin action (audit_log): who did what to which target,
// when. Target is "<kind>:<id>", e.g. "anuncio:12"; Detail says it in pt-BR.
type AuditEntry struct {
	ID      uint64 `gorm:"primaryKey"`
	ActorID *uint64
	Action  string
	Target  string
	Detail  string
	Created time.Time `gorm:"autoCreateTime"`
}

// TableName maps AuditEntry to its table.
func (AuditEntry) TableName() string { return "audit_log" }

// AuditRow is an audit entry with its admin's e-mail (empty once the
// account is gone).
type AuditRow struct {
	AuditEntry
	ActorEmail string
}

// Audit targets, by kind.
const (
	TargetBrand   = "marca"
	TargetModel   = "modelo"
	TargetVersion = "versao"
	TargetAd      = "anuncio"
	TargetUser    = "usuario"
	TargetEmail   = "email"
)

// Target names an audit target: Target(TargetAd, 12) is "anuncio:12".
func Target(kind string, id uint64) string { return fmt.Sprintf("%s:%d", kind, id) }

// audit writes an admin action with tx, the transaction of the change.
func audit(tx *gorm.DB, actorID uint64, action, target, detail string) error {
	var actor *uint64 // nil: an operator's command, not a person on the site
	if actorID != 0 {
		actor = &actorID
	}
	e := AuditEntry{ActorID: actor, Action: action, Target: truncate(target, 100), Detail: truncate(detail, 1000)}
	if err := tx.Create(&e).Error; err != nil {
		return fmt.Errorf("audit %s: %w", action, err)
	}
	return nil
}

// Audit writes an admin action that has no transaction of its own to join
// (a job taken from the queue).
func (db *DB) Audit(ctx context.Context, actorID uint64, action, target, detail string) error {
	return audit(db.WithContext(ctx), actorID, action, target, detail)
}

// AuditLog lists admin actions, newest first, with their admins' e-mails;
// a non-empty target keeps only that target's.
func (db *DB) AuditLog(ctx context.Context, target string, offset, limit int) ([]AuditRow, error) {
	q := db.WithContext(ctx).Model(&AuditEntry{}).
		Select("audit_log.*, users.email AS actor_email").
		Joins("LEFT JOIN users ON users.id = audit_log.actor_id")
	if target != "" {
		q = q.Where("audit_log.target = ?", target)
	}
	var rows []AuditRow
	if err := q.Order("audit_log.id DESC").Offset(offset).Limit(limit).Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("read audit log: %w", err)
	}
	return rows, nil
}

// AdminCounts is what the admin dashboard shows of the database.
type AdminCounts struct {
	AdsByStatus map[string]int64
	Ads         int64 // every ad, deleted ones waiting for the worker included
	Listed      int64 // on the public pages
	Hidden      int64 // hidden by moderation
	TopOffers   int64
	Users       int64
	NewUsers7   int64 // accounts created in the last 7 days
	NewUsers30  int64 // and in the last 30
	Blocked     int64
	OpenReports int64
}

// AdminCountsAt counts ads per status, accounts and open reports as of now.
func (db *DB) AdminCountsAt(ctx context.Context, now time.Time) (*AdminCounts, error) {
	tx := db.WithContext(ctx)
	out := &AdminCounts{AdsByStatus: map[string]int64{}}
	var byStatus []struct {
		Status string
		N      int64
	}
	if err := tx.Model(&Ad{}).Select("status, COUNT(*) AS n").Group("status").Scan(&byStatus).Error; err != nil {
		return nil, fmt.Errorf("count ads per status: %w", err)
	}
	for _, s := range byStatus {
		out.AdsByStatus[s.Status] = s.N
		out.Ads += s.N
	}
	counts := []struct {
		dst   *int64
		model any
		where string
		args  []any
	}{
		{&out.Listed, &Ad{}, "listed = ?", []any{true}},
		{&out.Hidden, &Ad{}, "hidden_at IS NOT NULL AND status <> ?", []any{StatusDelete}},
		{&out.TopOffers, &Ad{}, "top_offer = ? AND status <> ?", []any{true, StatusDelete}},
		{&out.Users, &User{}, "", nil},
		{&out.NewUsers7, &User{}, "created >= ?", []any{now.Add(-7 * 24 * time.Hour)}},
		{&out.NewUsers30, &User{}, "created >= ?", []any{now.Add(-30 * 24 * time.Hour)}},
		{&out.Blocked, &User{}, "blocked_at IS NOT NULL", nil},
		{&out.OpenReports, &Report{}, "closed_at IS NULL", nil},
	}
	for _, c := range counts {
		q := tx.Model(c.model)
		if c.where != "" {
			q = q.Where(c.where, c.args...)
		}
		if err := q.Count(c.dst).Error; err != nil {
			return nil, fmt.Errorf("admin counts: %w", err)
		}
	}
	return out, nil
}

// catalogVersionKey is the app_state row of the catalog's version.
const catalogVersionKey = "catalog_version"

// CatalogVersion reads the catalog's version, which every change of the
// catalog increases.
func (db *DB) CatalogVersion(ctx context.Context) (int64, error) {
	var v int64
	err := db.WithContext(ctx).Table("app_state").Select("value").Where("name = ?", catalogVersionKey).Scan(&v).Error
	if err != nil {
		return 0, fmt.Errorf("read catalog version: %w", err)
	}
	return v, nil
}

// bumpCatalog increases the catalog's version in tx, the transaction of the
// change.
func bumpCatalog(tx *gorm.DB) error {
	err := tx.Exec("UPDATE app_state SET value = value + 1 WHERE name = ?", catalogVersionKey).Error
	if err != nil {
		return fmt.Errorf("bump catalog version: %w", err)
	}
	return nil
}
