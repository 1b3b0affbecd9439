// Package storagetest is the conformance suite every storage backend passes.
package storagetest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"io"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"

	"motando/storage"
)

// Run checks a backend against the behaviour the application relies on.
// newStorage returns an empty backend for each subtest. Keys end with the
// extension of their content type, as the application's keys always do
// (the local backend derives the type from it).
func Run(t *testing.T, newStorage func(t *testing.T) storage.Storage) {
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { c.check(t, newStorage(t)) })
	}
}

// cases are the suite's subtests, each given an empty backend.
var cases = []struct {
	name  string
	check func(t *testing.T, s storage.Storage)
}{
	{"PutGetHead", checkPutGetHead},
	{"PutReplaces", checkPutReplaces},
	{"LargeStream", checkLargeStream},
	{"Missing", checkMissing},
	{"Delete", checkDelete},
	{"BucketsAreSeparate", checkBucketsAreSeparate},
	{"Copy", checkCopy},
	{"List", checkList},
	{"InvalidKeys", checkInvalidKeys},
	{"ConcurrentPutsOfOneKey", checkConcurrentPutsOfOneKey},
	{"PublicURL", checkPublicURL},
}

// checkPutGetHead checks that an object put is read back, whole and with its
// size and type, by Get and Head.
func checkPutGetHead(t *testing.T, s storage.Storage) {
	ctx := context.Background()
	body := []byte("primeira foto")
	put(t, s, storage.Temp, "uploads/a.jpg", body, "image/jpeg")
	got, obj := get(t, s, storage.Temp, "uploads/a.jpg")
	if !bytes.Equal(got, body) {
		t.Errorf("Get returned %q, want %q", got, body)
	}
	if obj.Size != int64(len(body)) || obj.ContentType != "image/jpeg" {
		t.Errorf("Get object: %+v", obj)
	}
	head, err := s.Head(ctx, storage.Temp, "uploads/a.jpg")
	if err != nil {
		t.Fatal(err)
	}
	if head.Size != int64(len(body)) || head.ContentType != "image/jpeg" || head.Key != "uploads/a.jpg" {
		t.Errorf("Head: %+v", head)
	}
}

// checkPutReplaces checks that a put over an existing key replaces the
// object.
func checkPutReplaces(t *testing.T, s storage.Storage) {
	put(t, s, storage.Public, "ads/1/x.jpg", []byte("old"), "image/jpeg")
	put(t, s, storage.Public, "ads/1/x.jpg", []byte("new and longer"), "image/jpeg")
	got, obj := get(t, s, storage.Public, "ads/1/x.jpg")
	if string(got) != "new and longer" || obj.Size != 14 {
		t.Errorf("after replace: %q %+v", got, obj)
	}
}

// checkLargeStream checks that a 9 MB object streams in and out unchanged.
func checkLargeStream(t *testing.T, s storage.Storage) {
	ctx := context.Background()
	const size = 9 << 20
	src := io.LimitReader(rand.NewChaCha8([32]byte{1}), size)
	h := sha256.New()
	if err := s.Put(ctx, storage.Temp, "big.bin", io.TeeReader(src, h), size, "application/octet-stream"); err != nil {
		t.Fatal(err)
	}
	want := h.Sum(nil)
	rc, _, err := s.Get(ctx, storage.Temp, "big.bin")
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	h.Reset()
	n, err := io.Copy(h, rc)
	if err != nil || n != size || !bytes.Equal(h.Sum(nil), want) {
		t.Errorf("read back %d bytes (err %v), checksum match %v", n, err, bytes.Equal(h.Sum(nil), want))
	}
}

// checkMissing checks that a missing object is ErrNotExist to Get, Head and
// Copy, and its Delete succeeds.
func checkMissing(t *testing.T, s storage.Storage) {
	ctx := context.Background()
	if _, _, err := s.Get(ctx, storage.Temp, "nope.jpg"); !errors.Is(err, storage.ErrNotExist) {
		t.Errorf("Get missing: %v, want ErrNotExist", err)
	}
	if _, err := s.Head(ctx, storage.Public, "nope.jpg"); !errors.Is(err, storage.ErrNotExist) {
		t.Errorf("Head missing: %v, want ErrNotExist", err)
	}
	if err := s.Delete(ctx, storage.Temp, "nope.jpg"); err != nil {
		t.Errorf("Delete missing: %v, want nil", err)
	}
	if err := s.Copy(ctx, storage.Temp, "nope.jpg", storage.Public, "x.jpg"); !errors.Is(err, storage.ErrNotExist) {
		t.Errorf("Copy missing: %v, want ErrNotExist", err)
	}
}

// checkDelete checks that a deleted object is gone, and deleting it again
// succeeds.
func checkDelete(t *testing.T, s storage.Storage) {
	ctx := context.Background()
	put(t, s, storage.Temp, "d/1.jpg", []byte("x"), "image/jpeg")
	if err := s.Delete(ctx, storage.Temp, "d/1.jpg"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Head(ctx, storage.Temp, "d/1.jpg"); !errors.Is(err, storage.ErrNotExist) {
		t.Errorf("Head after Delete: %v", err)
	}
	if err := s.Delete(ctx, storage.Temp, "d/1.jpg"); err != nil {
		t.Errorf("second Delete: %v", err)
	}
}

// checkBucketsAreSeparate checks that the buckets do not share objects.
func checkBucketsAreSeparate(t *testing.T, s storage.Storage) {
	ctx := context.Background()
	put(t, s, storage.Temp, "same.jpg", []byte("tmp"), "image/jpeg")
	if _, err := s.Head(ctx, storage.Public, "same.jpg"); !errors.Is(err, storage.ErrNotExist) {
		t.Errorf("a temporary object is visible in the public bucket: %v", err)
	}
}

// checkCopy checks that a copy to the other bucket keeps the bytes and the
// type, and leaves the source.
func checkCopy(t *testing.T, s storage.Storage) {
	ctx := context.Background()
	put(t, s, storage.Temp, "c/src.png", []byte("png bytes"), "image/png")
	if err := s.Copy(ctx, storage.Temp, "c/src.png", storage.Public, "c/dst.png"); err != nil {
		t.Fatal(err)
	}
	got, obj := get(t, s, storage.Public, "c/dst.png")
	if string(got) != "png bytes" || obj.ContentType != "image/png" {
		t.Errorf("copied object: %q %+v", got, obj)
	}
	if _, err := s.Head(ctx, storage.Temp, "c/src.png"); err != nil {
		t.Errorf("the source is gone after Copy: %v", err)
	}
}

// checkList checks that List reads a prefix's objects in key order, with
// sizes and times, and stops at the callback's error.
func checkList(t *testing.T, s storage.Storage) {
	ctx := context.Background()
	for _, k := range []string{"p/b.jpg", "p/a.jpg", "p/sub/c.jpg", "q/d.jpg"} {
		put(t, s, storage.Temp, k, []byte(k), "image/jpeg")
	}
	var keys []string
	err := s.List(ctx, storage.Temp, "p/", func(o storage.Object) error {
		if o.Size != int64(len(o.Key)) {
			t.Errorf("List size of %s: %d", o.Key, o.Size)
		}
		if o.Modified.IsZero() {
			t.Errorf("List: %s has no modification time", o.Key)
		}
		keys = append(keys, o.Key)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(keys, ","); got != "p/a.jpg,p/b.jpg,p/sub/c.jpg" {
		t.Errorf("List p/: %s", got)
	}
	stop := errors.New("stop")
	n := 0
	err = s.List(ctx, storage.Temp, "", func(storage.Object) error { n++; return stop })
	if !errors.Is(err, stop) || n != 1 {
		t.Errorf("List did not stop at the callback's error: n=%d err=%v", n, err)
	}
}

// checkInvalidKeys checks that keys that could escape or confuse a backend
// are ErrInvalidKey.
func checkInvalidKeys(t *testing.T, s storage.Storage) {
	ctx := context.Background()
	for _, k := range []string{"", "/abs.jpg", "../up.jpg", "a/../../b.jpg", "a//b.jpg", "dir/", "a\\b.jpg", "nul\x00.jpg", strings.Repeat("k", 256)} {
		err := s.Put(ctx, storage.Temp, k, strings.NewReader("x"), 1, "image/jpeg")
		if !errors.Is(err, storage.ErrInvalidKey) {
			t.Errorf("Put %q: %v, want ErrInvalidKey", k, err)
		}
	}
}

// checkConcurrentPutsOfOneKey checks that concurrent puts of one key leave
// one of the bodies whole.
func checkConcurrentPutsOfOneKey(t *testing.T, s storage.Storage) {
	ctx := context.Background()
	var wg sync.WaitGroup
	bodies := make([][]byte, 6)
	for i := range bodies {
		bodies[i] = bytes.Repeat([]byte{byte('a' + i)}, 256<<10)
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := s.Put(ctx, storage.Public, "race.jpg", bytes.NewReader(bodies[i]), int64(len(bodies[i])), "image/jpeg"); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	got, _ := get(t, s, storage.Public, "race.jpg")
	whole := false
	for _, b := range bodies {
		whole = whole || bytes.Equal(got, b)
	}
	if !whole {
		t.Errorf("after concurrent puts the object is not one whole body (%d bytes)", len(got))
	}
}

// checkPublicURL checks that the public URL ends with the key, and Check
// passes.
func checkPublicURL(t *testing.T, s storage.Storage) {
	ctx := context.Background()
	if u := s.PublicURL("ads/7/1-thumb.jpg"); !strings.HasSuffix(u, "ads/7/1-thumb.jpg") {
		t.Errorf("PublicURL: %q", u)
	}
	if err := s.Check(ctx); err != nil {
		t.Errorf("Check: %v", err)
	}
}

func put(t *testing.T, s storage.Storage, b storage.Bucket, key string, body []byte, ct string) {
	t.Helper()
	if err := s.Put(context.Background(), b, key, bytes.NewReader(body), int64(len(body)), ct); err != nil {
		t.Fatalf("Put %s/%s: %v", b, key, err)
	}
}

func get(t *testing.T, s storage.Storage, b storage.Bucket, key string) ([]byte, storage.Object) {
	t.Helper()
	rc, obj, err := s.Get(context.Background(), b, key)
	if err != nil {
		t.Fatalf("Get %s/%s: %v", b, key, err)
	}
	defer rc.Close()
	body, err := io.ReadAll(rc)
	if err != nil {
		t.Fatalf("read %s/%s: %v", b, key, err)
	}
	return body, obj
}
