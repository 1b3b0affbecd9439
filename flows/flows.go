// Package flows holds the operations that span the database, the job queue,
// the attempt counters and e-mail: a buyer contacting a seller, a reply in a
// conversation, a password reset, an ad's creation, edit and deletion. The
// handlers parse a request, call a flow and render what it returns; a flow
// never sees HTTP, and its e-mails are text/template files of the
// templates package, rendered when queued.
package flows

import (
	"context"
	"errors"
	"log/slog"

	"gorm.io/gorm"

	"motando/models"
	"motando/ratelimit"
	"motando/templates"
	"motando/worker"
)

// ErrTooMany is an attempt past its limit within the counters' window.
var ErrTooMany = errors.New("too many attempts")

// Flows runs the operations. Its fields are set once, at start.
type Flows struct {
	DB      *models.DB
	Queue   worker.Queue
	Limits  ratelimit.Counter
	BaseURL string // the site's address, for the e-mails' links
}

// count adds an attempt to the counter of key and reports ErrTooMany past
// limit.
func (f *Flows) count(ctx context.Context, key string, limit int) error {
	n, err := f.Limits.Add(ctx, key)
	if err != nil {
		return err
	}
	if n > limit {
		return ErrTooMany
	}
	return nil
}

// queueMail writes the e-mail of the template with data and stores it in
// the outbox through tx (the caller's transaction, or the database). It
// returns the stored message.
func queueMail(ctx context.Context, tx *gorm.DB, to, template string, data any) (*models.Email, error) {
	subject, body, err := templates.Mail(template, data)
	if err != nil {
		return nil, err
	}
	return models.QueueEmail(ctx, tx, to, subject, body)
}

// mail stores an e-mail in the outbox and hands it to the worker.
func (f *Flows) mail(ctx context.Context, to, template string, data any) error {
	e, err := queueMail(ctx, f.DB.DB, to, template, data)
	if err != nil {
		return err
	}
	f.enqueue(ctx, worker.Job{Kind: worker.KindEmail, ID: e.ID})
	return nil
}

// enqueue hands a job to the worker; if the queue is down, the reconciler
// enqueues it later from the database, where the job's work is recorded.
func (f *Flows) enqueue(ctx context.Context, j worker.Job) {
	if err := f.Queue.Enqueue(ctx, j); err != nil {
		slog.WarnContext(ctx, "enqueue failed; the reconciler will retry", "kind", j.Kind, "id", j.ID, "err", err)
	}
}
