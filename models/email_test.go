package models_test

import (
	"context"
	"strings"
	"testing"

	"motando/models"
	"motando/models/modelstest"
)

// A sent or given-up message keeps no private link in the outbox: the
// tokens were for its recipient only.
func TestOutboxKeepsNoPrivateLinkAfterSending(t *testing.T) {
	modelstest.EachDialect(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		body := "Abra https://motando.test/senha/redefinir/AbC-123_xyz para escolher uma senha.\n" +
			"Ou responda em https://motando.test/conversa/Tok_en-987 quando quiser."
		sent, err := models.QueueEmail(ctx, db.DB, "a@example.com", "Senha", body)
		if err != nil {
			t.Fatal(err)
		}
		failed, err := models.QueueEmail(ctx, db.DB, "b@example.com", "Mensagem", body)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.MarkEmailSent(ctx, sent.ID); err != nil {
			t.Fatal(err)
		}
		if err := db.MarkEmailAttempt(ctx, failed.ID, "smtp: 550", true); err != nil {
			t.Fatal(err)
		}
		for _, id := range []uint64{sent.ID, failed.ID} {
			e, err := db.EmailByID(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(e.Body, "AbC-123_xyz") || strings.Contains(e.Body, "Tok_en-987") {
				t.Errorf("e-mail %d (%s) keeps a private link: %q", id, e.Status, e.Body)
			}
			if !strings.Contains(e.Body, "/senha/redefinir/(link removido") || e.Attempts != 1 {
				t.Errorf("e-mail %d: %q, %d attempts", id, e.Body, e.Attempts)
			}
		}
	})
}
