package storage

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

// Local keeps the buckets in folders: root/tmp and root/img. Writes go to a
// staging file that is renamed into place, so readers never see half an
// object. The content type is derived from the key's extension.
type Local struct {
	root      string
	publicURL string // prefix of public URLs, e.g. "/media/"
}

// NewLocal creates the bucket folders under root. publicURL is the prefix the
// web application serves the public bucket under.
func NewLocal(root, publicURL string) (*Local, error) {
	for _, dir := range []string{string(Temp), string(Public), "staging"} {
		if err := os.MkdirAll(filepath.Join(root, dir), 0o755); err != nil {
			return nil, fmt.Errorf("local storage: %w", err)
		}
	}
	return &Local{root: root, publicURL: publicURL}, nil
}

func (l *Local) path(b Bucket, key string) (string, error) {
	if !ValidKey(key) {
		return "", fmt.Errorf("local storage: %q: %w", key, ErrInvalidKey)
	}
	if b != Temp && b != Public {
		return "", fmt.Errorf("local storage: unknown bucket %q", b)
	}
	return filepath.Join(l.root, string(b), filepath.FromSlash(key)), nil
}

// Put writes r to a staging file and renames it into place.
func (l *Local) Put(ctx context.Context, b Bucket, key string, r io.Reader, size int64, contentType string) error {
	dst, err := l.path(b, key)
	if err != nil {
		return err
	}
	var rnd [8]byte
	rand.Read(rnd[:])
	staging := filepath.Join(l.root, "staging", hex.EncodeToString(rnd[:]))
	f, err := os.OpenFile(staging, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return fmt.Errorf("local storage: put %s/%s: %w", b, key, err)
	}
	n, err := io.Copy(f, ctxReader{ctx, r})
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil && n != size {
		err = fmt.Errorf("read %d bytes, expected %d", n, size)
	}
	if err == nil {
		err = os.MkdirAll(filepath.Dir(dst), 0o755)
	}
	if err == nil {
		err = os.Rename(staging, dst)
	}
	if err != nil {
		os.Remove(staging)
		return fmt.Errorf("local storage: put %s/%s: %w", b, key, err)
	}
	return nil
}

// Get opens the object's file.
func (l *Local) Get(ctx context.Context, b Bucket, key string) (io.ReadCloser, Object, error) {
	p, err := l.path(b, key)
	if err != nil {
		return nil, Object{}, err
	}
	f, err := os.Open(p)
	if err != nil {
		return nil, Object{}, l.wrap("get", b, key, err)
	}
	st, err := f.Stat()
	if err != nil || st.IsDir() {
		f.Close()
		return nil, Object{}, l.wrap("get", b, key, fs.ErrNotExist)
	}
	return f, objectOf(key, st), nil
}

// Head stats the object's file.
func (l *Local) Head(ctx context.Context, b Bucket, key string) (Object, error) {
	p, err := l.path(b, key)
	if err != nil {
		return Object{}, err
	}
	st, err := os.Stat(p)
	if err == nil && st.IsDir() {
		err = fs.ErrNotExist
	}
	if err != nil {
		return Object{}, l.wrap("head", b, key, err)
	}
	return objectOf(key, st), nil
}

// Delete removes the object's file; a missing file is fine.
func (l *Local) Delete(ctx context.Context, b Bucket, key string) error {
	p, err := l.path(b, key)
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("local storage: delete %s/%s: %w", b, key, err)
	}
	return nil
}

// Copy streams the source into the destination.
func (l *Local) Copy(ctx context.Context, src Bucket, srcKey string, dst Bucket, dstKey string) error {
	rc, obj, err := l.Get(ctx, src, srcKey)
	if err != nil {
		return err
	}
	defer rc.Close()
	return l.Put(ctx, dst, dstKey, rc, obj.Size, obj.ContentType)
}

// List walks the bucket folder and reports the matching objects in key order.
func (l *Local) List(ctx context.Context, b Bucket, prefix string, fn func(Object) error) error {
	if b != Temp && b != Public {
		return fmt.Errorf("local storage: unknown bucket %q", b)
	}
	base := filepath.Join(l.root, string(b))
	var objs []Object
	err := filepath.WalkDir(base, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		rel, _ := filepath.Rel(base, p)
		key := filepath.ToSlash(rel)
		if d.IsDir() {
			if key != "." && !strings.HasPrefix(key+"/", prefix) && !strings.HasPrefix(prefix, key+"/") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasPrefix(key, prefix) {
			return nil
		}
		st, err := d.Info()
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		objs = append(objs, objectOf(key, st))
		return nil
	})
	if err != nil {
		return fmt.Errorf("local storage: list %s/%s: %w", b, prefix, err)
	}
	sort.Slice(objs, func(i, j int) bool { return objs[i].Key < objs[j].Key })
	for _, o := range objs {
		if err := fn(o); err != nil {
			return err
		}
	}
	return nil
}

// PublicURL is the web application's /media/ address of the key.
func (l *Local) PublicURL(key string) string { return l.publicURL + key }

// Check verifies that the bucket folders are writable.
func (l *Local) Check(ctx context.Context) error {
	f, err := os.CreateTemp(filepath.Join(l.root, "staging"), "check-")
	if err != nil {
		return fmt.Errorf("local storage: %w", err)
	}
	f.Close()
	return os.Remove(f.Name())
}

func (l *Local) wrap(op string, b Bucket, key string, err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		err = ErrNotExist
	}
	return fmt.Errorf("local storage: %s %s/%s: %w", op, b, key, err)
}

func objectOf(key string, st fs.FileInfo) Object {
	ct := mime.TypeByExtension(path.Ext(key))
	if ct == "" {
		ct = "application/octet-stream"
	}
	return Object{Key: key, Size: st.Size(), ContentType: ct, Modified: st.ModTime().UTC()}
}

// ctxReader stops a copy when the context ends.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
