// Package storage puts photos into two logical buckets: the temporary one,
// where uploads wait for the worker, and the public one, from which
// published photos are served. Backends: local folders (the embedded
// default) and OCI Object Storage.
package storage

import (
	"context"
	"errors"
	"io"
	"strings"
	"time"
)

// Bucket names one of the two logical buckets.
type Bucket string

// The two buckets.
const (
	Temp   Bucket = "tmp"
	Public Bucket = "img"
)

// ErrNotExist is returned (wrapped) by Get, Head and Copy when the object is
// missing.
var ErrNotExist = errors.New("object does not exist")

// ErrInvalidKey is returned for keys that are empty, absolute, contain ".."
// segments, backslashes or control characters, or exceed 255 bytes.
var ErrInvalidKey = errors.New("invalid object key")

// Object describes a stored object.
type Object struct {
	Key         string
	Size        int64
	ContentType string
	Modified    time.Time
}

// Storage is the interface every backend implements. Keys are made by the
// application, never taken from the browser.
type Storage interface {
	// Put streams r into the bucket under key; size is the exact length of r.
	// Readers see either the previous object or the whole new one.
	Put(ctx context.Context, b Bucket, key string, r io.Reader, size int64, contentType string) error
	// Get opens the object for reading; the caller closes it.
	Get(ctx context.Context, b Bucket, key string) (io.ReadCloser, Object, error)
	// Head describes the object without reading it.
	Head(ctx context.Context, b Bucket, key string) (Object, error)
	// Delete removes the object; a missing object is not an error.
	Delete(ctx context.Context, b Bucket, key string) error
	// Copy copies an object between buckets, replacing the destination.
	Copy(ctx context.Context, src Bucket, srcKey string, dst Bucket, dstKey string) error
	// List calls fn for every object whose key starts with prefix, in key
	// order, until fn returns an error.
	List(ctx context.Context, b Bucket, prefix string, fn func(Object) error) error
	// PublicURL is the address a browser loads a public-bucket object from.
	PublicURL(key string) string
	// Check tells whether the backend answers (for /readyz).
	Check(ctx context.Context) error
}

// ValidKey reports whether key is safe to use as an object name on every
// backend: relative, slash-separated, no "." or ".." segments, printable.
func ValidKey(key string) bool {
	if key == "" || len(key) > 255 || strings.HasPrefix(key, "/") || strings.HasSuffix(key, "/") {
		return false
	}
	for _, seg := range strings.Split(key, "/") {
		if seg == "" || seg == "." || seg == ".." {
			return false
		}
	}
	for _, r := range key {
		if r < 0x20 || r == 0x7f || r == '\\' {
			return false
		}
	}
	return true
}
