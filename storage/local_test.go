package storage_test

import (
	"testing"

	"motando/storage"
	"motando/storage/storagetest"
)

func TestLocalConformance(t *testing.T) {
	storagetest.Run(t, func(t *testing.T) storage.Storage {
		s, err := storage.NewLocal(t.TempDir(), "/media/")
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}
