package storage

import (
	"context"
	"fmt"
	"time"
)

// Sweep deletes the objects of a bucket last modified before cutoff — the
// local stand-in for the temporary bucket's lifecycle rule. It returns how
// many objects it deleted.
func Sweep(ctx context.Context, s Storage, b Bucket, cutoff time.Time) (int, error) {
	var old []string
	err := s.List(ctx, b, "", func(o Object) error {
		if o.Modified.Before(cutoff) {
			old = append(old, o.Key)
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("sweep %s: %w", b, err)
	}
	for i, key := range old {
		if err := s.Delete(ctx, b, key); err != nil {
			return i, fmt.Errorf("sweep %s: %w", b, err)
		}
	}
	return len(old), nil
}
