package handlers

import (
	"context"
	"net/url"
	"strconv"
	"testing"

	"motando/models"
)

// admin signs up an account in a browser of its own and makes it an admin.
func (s *site) admin(email string) *browser {
	s.t.Helper()
	b := s.seller(email)
	if err := s.db.MakeAdmin(context.Background(), email); err != nil {
		s.t.Fatal(err)
	}
	b.get("/admin")
	return b
}

// adminPost loads the admin page (for its token, as a person would) and
// submits a form to target; it returns the status and body.
func adminPost(b *browser, page, target string, form url.Values) (int, string) {
	b.t.Helper()
	if status, _ := b.get(page); status != 200 {
		b.t.Fatalf("GET %s: %d", page, status)
	}
	return b.post(target, form)
}

// audited checks that the newest audit entry is action on target by the
// admin with the e-mail, and returns it.
func audited(t *testing.T, db *models.DB, email, action, target string) models.AuditEntry {
	t.Helper()
	var e models.AuditEntry
	if err := db.Order("id DESC").First(&e).Error; err != nil {
		t.Fatalf("no audit entry for %s %s: %v", action, target, err)
	}
	admin, err := db.UserByEmail(context.Background(), email)
	if err != nil {
		t.Fatal(err)
	}
	if e.Action != action || e.Target != target || e.ActorID == nil || *e.ActorID != admin.ID || e.Created.IsZero() {
		t.Errorf("newest audit entry %+v, want %s on %s by %d", e, action, target, admin.ID)
	}
	return e
}

func countRows(db *models.DB, model any, where string, args ...any) int64 {
	var n int64
	q := db.Model(model)
	if where != "" {
		q = q.Where(where, args...)
	}
	q.Count(&n)
	return n
}

func u64(n uint64) string { return strconv.FormatUint(n, 10) }
func u32(n uint32) string { return strconv.FormatUint(uint64(n), 10) }
