package photo

import (
	"bytes"
	"testing"

	"motando/photo/phototest"
)

func TestAddExifIsReadBack(t *testing.T) {
	jpg := encJPEG(t, markers(64, 48), 90)
	for o := 1; o <= 8; o++ {
		with := phototest.AddExif(jpg, o, &phototest.GPS{Lat: -23.5505, Lon: -46.6333})
		if got := orientationOf(JPEG, with); got != o {
			t.Errorf("orientation %d read back as %d", o, got)
		}
		if !bytes.Contains(with, []byte("Exif\x00\x00")) {
			t.Fatal("no Exif segment")
		}
		vs, err := Process(bytes.NewReader(with))
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(vs[0].Data, []byte("Exif")) {
			t.Error("Exif survived processing")
		}
	}
	if got := orientationOf(JPEG, phototest.AddExif(jpg, 6, nil)); got != 6 {
		t.Errorf("without GPS: orientation %d", got)
	}
}
