package handlers

import (
	"context"
	"strings"
	"testing"

	"motando/models"
	"motando/models/modelstest"
	"motando/worker"
)

func TestAdminQueuesSpeakPortuguese(t *testing.T) {
	db := modelstest.Open(t, "sqlite")
	ctx := context.Background()
	s := newSite(t, db)
	mail, err := models.QueueEmail(ctx, db.DB, "alguem@exemplo.com", "Oi", "Olá")
	if err != nil {
		t.Fatal(err)
	}
	s.queue.Enqueue(ctx, worker.Job{Kind: worker.KindEmail, ID: mail.ID})
	msgs, _ := s.queue.Receive(ctx, 10)
	s.queue.Bury(ctx, msgs[0], "smtp: 550")

	admin := s.admin("fila@exemplo.com")
	_, dash := admin.get("/admin")
	mustContain(t, dash, "Trabalhos na fila", "Falhas definitivas")
	_, jobs := admin.get("/admin/filas")
	mustContain(t, jobs, "1 falha definitiva<", "<h2>Falhas definitivas</h2>", "há mais de 2 min.", `<th scope="col">Trabalho</th>`)
	for _, page := range []string{dash, jobs} {
		for _, english := range []string{"dead letter", "Dead letter", "worker", "Job", "2m0s"} {
			if strings.Contains(page, english) {
				t.Errorf("the admin page says %q", english)
			}
		}
	}
	if status, _ := admin.post("/admin/filas/reenviar", nil); status != 303 {
		t.Fatalf("retry: %d", status)
	}
	_, after := admin.get("/admin/filas")
	mustContain(t, after, "1 trabalho reenviado.")
}
