package handlers

import (
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"

	"motando/models"
	"motando/worker"
)

// adminDeadLimit is how many dead letters the admin area lists and retries
// at once.
const adminDeadLimit = 500

// deadRow is a line of the dead letters.
type deadRow struct {
	ID       string
	Kind     string // in pt-BR
	Target   string // "anuncio:12"
	Page     string // the target's admin page, if it has one
	Reason   string
	FailedAt time.Time
}

// staleRow is an ad waiting for the worker for too long.
type staleRow struct {
	Card  adCard
	Since time.Time
}

// jobTargets are the audit targets of the job kinds, with their names.
var jobTargets = map[string][2]string{
	worker.KindAd:    {models.TargetAd, "Anúncio"},
	worker.KindEmail: {models.TargetEmail, "E-mail"},
}

// jobTarget names what a job works on: "anuncio:12".
func jobTarget(j worker.Job) string {
	if t, ok := jobTargets[j.Kind]; ok {
		return models.Target(t[0], j.ID)
	}
	return models.Target(j.Kind, j.ID)
}

// jobKindName names a job's kind in pt-BR: "Anúncio".
func jobKindName(kind string) string {
	if t, ok := jobTargets[kind]; ok {
		return t[1]
	}
	return kind
}

// adminJobList shows the queue's counts, the dead letters with their errors
// and the ads waiting for the worker longer than the reconciler's threshold:
// GET /admin/filas.
func (s *Server) adminJobList(c *fiber.Ctx) error {
	ctx := c.UserContext()
	data := fiber.Map{"Title": "Filas — Administração", "After": duration(s.reconcileAfter)}
	if st, err := s.queue.Stats(ctx); err != nil {
		slog.Warn("admin: queue stats unavailable", "err", err)
	} else {
		data["Queue"] = st
	}
	if dead, err := s.queue.DeadLetters(ctx, adminDeadLimit); err != nil {
		slog.Warn("admin: dead letters unavailable", "err", err)
		data["QueueDown"] = true
	} else {
		rows := make([]deadRow, len(dead))
		for i, d := range dead {
			target := jobTarget(d.Job)
			rows[i] = deadRow{ID: d.ID, Kind: jobKindName(d.Job.Kind), Target: target, Page: targetPage(target), Reason: d.Reason, FailedAt: d.FailedAt}
		}
		data["Dead"] = rows
	}
	ads, err := s.db.StalePendingAds(ctx, time.Now().Add(-s.reconcileAfter), 200)
	if err != nil {
		return err
	}
	stale := make([]staleRow, len(ads))
	for i := range ads {
		stale[i] = staleRow{Card: s.cardOf(&ads[i]), Since: ads[i].StatusChanged}
	}
	data["Stale"] = stale
	return s.renderAdmin(c, fiber.StatusOK, "pages/admin_jobs", "filas", data)
}
