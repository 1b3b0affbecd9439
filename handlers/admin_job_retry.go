package handlers

import (
	"fmt"
	"log/slog"

	"github.com/gofiber/fiber/v2"

	"motando/models"
	"motando/worker"
)

// adminJobRetry puts dead letters back in the queue, the one named "id" or
// all of them: a failed ad goes back to the pipeline, a failed e-mail back
// to the outbox. Sent again, it finds nothing left to retry:
// POST /admin/filas/reenviar.
func (s *Server) adminJobRetry(c *fiber.Ctx) error {
	ctx := c.UserContext()
	only := c.FormValue("id")
	dead, err := s.queue.DeadLetters(ctx, adminDeadLimit)
	if err != nil {
		return fmt.Errorf("read dead letters: %w", err)
	}
	done, failed := 0, 0
	for _, d := range dead {
		if only != "" && d.ID != only {
			continue
		}
		if err := s.retryDeadLetter(c, d); err != nil {
			slog.Warn("admin: dead letter not retried", "id", d.ID, "err", err)
			failed++
			continue
		}
		done++
	}
	msg := "Nada a reenviar: a lista de falhas definitivas mudou. Confira de novo."
	switch {
	case failed > 0:
		msg = plural(int64(done), "trabalho reenviado", "trabalhos reenviados") + "; " +
			plural(int64(failed), "não pôde ser reenviado agora", "não puderam ser reenviados agora") + ". Tente de novo em instantes."
	case done > 0:
		msg = plural(int64(done), "trabalho reenviado.", "trabalhos reenviados.")
	}
	s.setFlash(c, msg)
	return redirect(c, "/admin/filas")
}

// retryDeadLetter puts one dead letter's job back: the ad or e-mail first
// (so that the job finds work to do), then the job, then the dead letter
// goes, and the audit log says so.
func (s *Server) retryDeadLetter(c *fiber.Ctx, d worker.DeadLetter) error {
	ctx := c.UserContext()
	var err error
	switch d.Job.Kind {
	case worker.KindAd:
		_, err = s.db.RetryFailedAd(ctx, d.Job.ID)
	case worker.KindEmail:
		_, err = s.db.RetryFailedEmail(ctx, d.Job.ID)
	}
	if err != nil {
		return err
	}
	if err := s.queue.Enqueue(ctx, worker.Job{Kind: d.Job.Kind, ID: d.Job.ID}); err != nil {
		return fmt.Errorf("enqueue %s %d: %w", d.Job.Kind, d.Job.ID, err)
	}
	if err := s.queue.RemoveDeadLetter(ctx, d.ID); err != nil {
		return fmt.Errorf("remove dead letter %s: %w", d.ID, err)
	}
	return s.db.Audit(ctx, actorID(c), models.AuditJobRetry, jobTarget(d.Job),
		"Reenviou o trabalho de "+jobKindName(d.Job.Kind)+" que falhou com: "+d.Reason)
}
