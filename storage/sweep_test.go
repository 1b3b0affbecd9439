package storage_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"motando/storage"
)

func TestSweepDeletesOnlyOldTemporaryObjects(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	s, err := storage.NewLocal(root, "/media/")
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"old/1.jpg", "new/2.jpg"} {
		if err := s.Put(ctx, storage.Temp, k, strings.NewReader("x"), 1, "image/jpeg"); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Put(ctx, storage.Public, "old/1.jpg", strings.NewReader("x"), 1, "image/jpeg"); err != nil {
		t.Fatal(err)
	}
	threeDaysAgo := time.Now().Add(-72 * time.Hour)
	os.Chtimes(filepath.Join(root, "tmp", "old", "1.jpg"), threeDaysAgo, threeDaysAgo)
	os.Chtimes(filepath.Join(root, "img", "old", "1.jpg"), threeDaysAgo, threeDaysAgo)

	n, err := storage.Sweep(ctx, s, storage.Temp, time.Now().Add(-48*time.Hour))
	if err != nil || n != 1 {
		t.Fatalf("Sweep: %d deleted, err %v; want 1", n, err)
	}
	if _, err := s.Head(ctx, storage.Temp, "old/1.jpg"); err == nil {
		t.Error("the old temporary object survived")
	}
	for _, b := range []storage.Bucket{storage.Temp, storage.Public} {
		key := map[storage.Bucket]string{storage.Temp: "new/2.jpg", storage.Public: "old/1.jpg"}[b]
		if _, err := s.Head(ctx, b, key); err != nil {
			t.Errorf("%s/%s was swept: %v", b, key, err)
		}
	}
}
