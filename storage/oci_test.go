package storage_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/oracle/oci-go-sdk/v65/common"

	"motando/storage"
	"motando/storage/ocitest"
	"motando/storage/storagetest"
)

// newOCI returns a backend for srv, signing with its trusted key.
func newOCI(t *testing.T, srv *ocitest.Server, edit ...func(*storage.OCIConfig)) *storage.OCI {
	t.Helper()
	cfg := srv.Config()
	for _, e := range edit {
		e(&cfg)
	}
	o, err := storage.NewOCIWithProvider(cfg, srv.Provider())
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func TestOCIConformance(t *testing.T) {
	for _, tc := range []struct {
		name string
		mode string
		opts []ocitest.Option
	}{
		{"server-copy", storage.OCICopyServer, nil},
		{"getput-copy", storage.OCICopyGetPut, nil},
		{"paged-list", storage.OCICopyServer, []ocitest.Option{ocitest.WithMaxListLimit(2), ocitest.WithCopyDelay(0)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			storagetest.Run(t, func(t *testing.T) storage.Storage {
				srv := ocitest.New(t, tc.opts...)
				return newOCI(t, srv, func(c *storage.OCIConfig) { c.CopyMode = tc.mode })
			})
		})
	}
}

// TestOCIPutStreams writes the second half of the body only once the server
// has the request: a backend (or SDK) that read the whole body before
// sending would wait forever.
func TestOCIPutStreams(t *testing.T) {
	srv := ocitest.New(t)
	o := newOCI(t, srv)
	const half = 2 << 20
	pr, pw := io.Pipe()
	go func() {
		chunk := bytes.Repeat([]byte{'a'}, half)
		if _, err := pw.Write(chunk); err != nil {
			pw.CloseWithError(err)
			return
		}
		for deadline := time.Now().Add(5 * time.Second); srv.Count(ocitest.OpPutObject) == 0; time.Sleep(5 * time.Millisecond) {
			if time.Now().After(deadline) {
				pw.CloseWithError(errors.New("the request was not sent before the body was complete"))
				return
			}
		}
		pw.Write(bytes.Repeat([]byte{'b'}, half))
		pw.Close()
	}()
	if err := o.Put(context.Background(), storage.Temp, "stream.bin", pr, 2*half, "application/octet-stream"); err != nil {
		t.Fatal(err)
	}
	got, _ := srv.Object(srv.TempBucket, "stream.bin")
	if len(got) != 2*half || got[0] != 'a' || got[len(got)-1] != 'b' {
		t.Errorf("stored %d bytes", len(got))
	}
}

func TestOCICopyModesUseTheirCalls(t *testing.T) {
	ctx := context.Background()
	for _, mode := range []string{storage.OCICopyServer, storage.OCICopyGetPut} {
		t.Run(mode, func(t *testing.T) {
			srv := ocitest.New(t)
			o := newOCI(t, srv, func(c *storage.OCIConfig) { c.CopyMode = mode })
			srv.SetObject(srv.TempBucket, "a.jpg", []byte("jpeg"), "image/jpeg")
			if err := o.Copy(ctx, storage.Temp, "a.jpg", storage.Public, "b.jpg"); err != nil {
				t.Fatal(err)
			}
			info, ok := srv.Stat(srv.PublicBucket, "b.jpg")
			if !ok || info.ContentType != "image/jpeg" || info.Size != 4 {
				t.Fatalf("destination: %+v %v", info, ok)
			}
			copies, puts := srv.Count(ocitest.OpCopyObject), srv.Count(ocitest.OpPutObject)
			if mode == storage.OCICopyServer && (copies != 1 || puts != 0 || srv.Count(ocitest.OpGetWorkRequest) == 0) {
				t.Errorf("server copy made %d CopyObject, %d PutObject, %d GetWorkRequest", copies, puts, srv.Count(ocitest.OpGetWorkRequest))
			}
			if mode == storage.OCICopyGetPut && (copies != 0 || puts != 1 || srv.Count(ocitest.OpGetObject) != 1) {
				t.Errorf("get/put copy made %d CopyObject, %d PutObject, %d GetObject", copies, puts, srv.Count(ocitest.OpGetObject))
			}
		})
	}
}

func TestOCIWrongKey(t *testing.T) {
	ctx := context.Background()
	srv := ocitest.New(t)
	o, err := storage.NewOCIWithProvider(srv.Config(), srv.WrongKeyProvider())
	if err != nil {
		t.Fatal(err)
	}
	check := func(op string, err error, counted string) {
		t.Helper()
		if err == nil {
			t.Fatalf("%s with the wrong key succeeded", op)
		}
		t.Logf("%s: %v", op, err)
		if !strings.Contains(err.Error(), "authentication failed (401 NotAuthenticated)") {
			t.Errorf("%s: unclear error: %v", op, err)
		}
		if strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: error spans several lines: %q", op, err)
		}
		if errors.Is(err, storage.ErrNotExist) {
			t.Errorf("%s: a 401 reads as ErrNotExist", op)
		}
		if n := srv.Count(counted); n != 1 {
			t.Errorf("%s: the server saw %d %s requests, want 1 (no retries)", op, n, counted)
		}
	}
	_, err = o.Head(ctx, storage.Temp, "a.jpg")
	check("Head", err, ocitest.OpHeadObject)
	// A seekable body could be retried: it must not be on a 401.
	err = o.Put(ctx, storage.Temp, "a.jpg", bytes.NewReader([]byte("x")), 1, "image/jpeg")
	check("Put", err, ocitest.OpPutObject)
	_, _, err = o.Get(ctx, storage.Temp, "a.jpg")
	check("Get", err, ocitest.OpGetObject)
	err = o.Copy(ctx, storage.Temp, "a.jpg", storage.Public, "b.jpg")
	check("Copy", err, ocitest.OpCopyObject)
	err = o.Check(ctx)
	check("Check", err, ocitest.OpHeadBucket)
	if !strings.Contains(err.Error(), "check the API key") {
		t.Errorf("Check gives no hint: %v", err)
	}
	if srv.AuthFailures() != 5 {
		t.Errorf("the server counted %d authentication failures, want 5", srv.AuthFailures())
	}
	if keys := srv.Keys(srv.TempBucket); len(keys) != 0 {
		t.Errorf("an unauthenticated put stored %v", keys)
	}
}

func TestOCIOutage(t *testing.T) {
	ctx := context.Background()
	srv := ocitest.New(t)
	o := newOCI(t, srv, func(c *storage.OCIConfig) { c.MaxAttempts = 3 })
	if err := o.Put(ctx, storage.Temp, "a.jpg", strings.NewReader("before"), 6, "image/jpeg"); err != nil {
		t.Fatal(err)
	}
	srv.ResetCounts()
	srv.FailAll(http.StatusServiceUnavailable)

	_, err := o.Head(ctx, storage.Temp, "a.jpg")
	t.Logf("Head: %v", err)
	if err == nil || !strings.Contains(err.Error(), "503 Service Unavailable") || !strings.Contains(err.Error(), "after 3 attempts") {
		t.Errorf("Head during the outage: %v", err)
	}
	if errors.Is(err, storage.ErrNotExist) {
		t.Errorf("a 503 reads as ErrNotExist")
	}
	if n := srv.Count(ocitest.OpHeadObject); n != 3 {
		t.Errorf("Head made %d attempts, want 3", n)
	}

	// A seekable body is rewound and retried.
	err = o.Put(ctx, storage.Temp, "b.jpg", bytes.NewReader([]byte("seekable")), 8, "image/jpeg")
	if err == nil || !strings.Contains(err.Error(), "503 ServiceUnavailable: ocitest: injected failure") || !strings.Contains(err.Error(), "after 3 attempts") {
		t.Errorf("Put during the outage: %v", err)
	}
	if n := srv.Count(ocitest.OpPutObject); n != 3 {
		t.Errorf("Put of a seekable body made %d attempts, want 3", n)
	}
	// A stream can be sent once only.
	err = o.Put(ctx, storage.Temp, "c.jpg", io.MultiReader(strings.NewReader("stream")), 6, "image/jpeg")
	if err == nil || !strings.Contains(err.Error(), "503") {
		t.Errorf("streamed Put during the outage: %v", err)
	}
	if n := srv.Count(ocitest.OpPutObject); n != 4 {
		t.Errorf("Put of a stream made %d attempts, want 1", n-3)
	}

	srv.Heal()
	if err := o.Put(ctx, storage.Temp, "b.jpg", strings.NewReader("after"), 5, "image/jpeg"); err != nil {
		t.Fatalf("Put after Heal: %v", err)
	}
	if obj, err := o.Head(ctx, storage.Temp, "b.jpg"); err != nil || obj.Size != 5 {
		t.Fatalf("Head after Heal: %+v %v", obj, err)
	}
	if err := o.Check(ctx); err != nil {
		t.Fatalf("Check after Heal: %v", err)
	}
}

func TestOCIRetriesOnlyTransientErrors(t *testing.T) {
	ctx := context.Background()
	srv := ocitest.New(t)
	o := newOCI(t, srv, func(c *storage.OCIConfig) { c.MaxAttempts = 4 })
	srv.SetObject(srv.TempBucket, "a.jpg", []byte("x"), "image/jpeg")

	srv.FailNext(2, http.StatusTooManyRequests)
	if _, err := o.Head(ctx, storage.Temp, "a.jpg"); err != nil {
		t.Errorf("Head after two 429s: %v", err)
	}
	if n := srv.Count(ocitest.OpHeadObject); n != 3 {
		t.Errorf("Head made %d attempts, want 3", n)
	}

	// Retried puts rewind their body: small ones (which the SDK buffers for
	// its log) and large ones (streamed, refused before the body is sent).
	for _, size := range []int{1000, 3 << 20} {
		srv.ResetCounts()
		body := bytes.Repeat([]byte("0123456789abcdef"), size/16)
		srv.FailNext(2, http.StatusServiceUnavailable)
		if err := o.Put(ctx, storage.Temp, "retried.bin", bytes.NewReader(body), int64(len(body)), "application/octet-stream"); err != nil {
			t.Fatalf("Put of %d bytes after two 503s: %v", size, err)
		}
		if got, _ := srv.Object(srv.TempBucket, "retried.bin"); !bytes.Equal(got, body) {
			t.Errorf("the retried put of %d bytes stored %d bytes", size, len(got))
		}
		if n := srv.Count(ocitest.OpPutObject); n != 3 {
			t.Errorf("Put of %d bytes made %d attempts, want 3", size, n)
		}
	}

	for _, status := range []int{http.StatusBadRequest, http.StatusForbidden, http.StatusNotImplemented} {
		srv.ResetCounts()
		srv.FailNext(1, status)
		if _, _, err := o.Get(ctx, storage.Temp, "a.jpg"); err == nil {
			t.Errorf("Get answered %d succeeded", status)
		}
		if n := srv.Count(ocitest.OpGetObject); n != 1 {
			t.Errorf("Get answered %d was attempted %d times, want 1", status, n)
		}
	}

	// MaxAttempts is bounded.
	srv.ResetCounts()
	srv.FailAll(http.StatusInternalServerError)
	huge := newOCI(t, srv, func(c *storage.OCIConfig) { c.MaxAttempts = 1000; c.DisableCircuitBreaker = true })
	if _, err := huge.Head(ctx, storage.Temp, "a.jpg"); err == nil {
		t.Error("Head succeeded during the outage")
	}
	if n := srv.Count(ocitest.OpHeadObject); n != 10 {
		t.Errorf("MaxAttempts 1000 made %d attempts, want the cap of 10", n)
	}
}

func TestOCICircuitBreaker(t *testing.T) {
	ctx := context.Background()
	srv := ocitest.New(t)
	o := newOCI(t, srv, func(c *storage.OCIConfig) { c.MaxAttempts = 1 })
	srv.FailAll(http.StatusServiceUnavailable)
	var err error
	for range 12 {
		_, err = o.Head(ctx, storage.Temp, "a.jpg")
	}
	t.Logf("Head: %v", err)
	if err == nil || !strings.Contains(err.Error(), "circuit breaker") {
		t.Errorf("after 12 failures: %v", err)
	}
	if n := srv.Count(ocitest.OpHeadObject); n >= 12 {
		t.Errorf("the circuit breaker let all %d requests through", n)
	}

	// Without it every call reaches the service.
	srv.ResetCounts()
	off := newOCI(t, srv, func(c *storage.OCIConfig) { c.MaxAttempts = 1; c.DisableCircuitBreaker = true })
	for range 12 {
		off.Head(ctx, storage.Temp, "a.jpg")
	}
	if n := srv.Count(ocitest.OpHeadObject); n != 12 {
		t.Errorf("with the breaker disabled the server saw %d of 12 requests", n)
	}
}

func TestOCICopyWorkRequestFailed(t *testing.T) {
	ctx := context.Background()
	srv := ocitest.New(t)
	o := newOCI(t, srv)
	srv.SetObject(srv.TempBucket, "a.jpg", []byte("x"), "image/jpeg")
	srv.FailCopies("the disk is on fire", "and so is the backup")
	err := o.Copy(ctx, storage.Temp, "a.jpg", storage.Public, "b.jpg")
	if err == nil {
		t.Fatal("Copy succeeded")
	}
	t.Logf("Copy: %v", err)
	for _, want := range []string{"FAILED", "the disk is on fire", "and so is the backup", srv.WorkRequests()[0]} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Copy error %q lacks %q", err, want)
		}
	}
	if errors.Is(err, storage.ErrNotExist) {
		t.Error("a failed work request reads as ErrNotExist")
	}
	if srv.Count(ocitest.OpListWorkRequestErrors) == 0 {
		t.Error("the work request errors were not listed")
	}
	if _, ok := srv.Object(srv.PublicBucket, "b.jpg"); ok {
		t.Error("the failed copy wrote the destination")
	}

	srv.Heal()
	if err := o.Copy(ctx, storage.Temp, "a.jpg", storage.Public, "b.jpg"); err != nil {
		t.Fatalf("Copy after Heal: %v", err)
	}
}

func TestOCICopyWaitsForTheWorkRequest(t *testing.T) {
	ctx := context.Background()
	srv := ocitest.New(t, ocitest.WithCopyDelay(150*time.Millisecond))
	o := newOCI(t, srv)
	srv.SetObject(srv.TempBucket, "a.jpg", []byte("x"), "image/jpeg")
	start := time.Now()
	if err := o.Copy(ctx, storage.Temp, "a.jpg", storage.Public, "b.jpg"); err != nil {
		t.Fatal(err)
	}
	if time.Since(start) < 150*time.Millisecond {
		t.Errorf("Copy returned after %v, before the work request completed", time.Since(start))
	}
	if _, ok := srv.Object(srv.PublicBucket, "b.jpg"); !ok {
		t.Error("Copy returned before the destination existed")
	}
	if n := srv.Count(ocitest.OpGetWorkRequest); n < 2 {
		t.Errorf("the work request was polled %d times", n)
	}
}

func TestOCICopyTimeout(t *testing.T) {
	srv := ocitest.New(t, ocitest.WithCopyDelay(5*time.Second))
	o := newOCI(t, srv, func(c *storage.OCIConfig) { c.CopyTimeout = 100 * time.Millisecond })
	srv.SetObject(srv.TempBucket, "a.jpg", []byte("x"), "image/jpeg")
	start := time.Now()
	err := o.Copy(context.Background(), storage.Temp, "a.jpg", storage.Public, "b.jpg")
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "CopyTimeout") {
		t.Errorf("Copy: %v", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Copy took %v with a 100ms CopyTimeout", d)
	}
}

func TestOCIContextCanceled(t *testing.T) {
	srv := ocitest.New(t)
	o := newOCI(t, srv)
	srv.Delay(5 * time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := o.Head(ctx, storage.Temp, "a.jpg")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Head: %v", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Head took %v past its deadline", d)
	}
}

func TestOCIContextEndsRetries(t *testing.T) {
	srv := ocitest.New(t)
	o := newOCI(t, srv, func(c *storage.OCIConfig) {
		c.MaxAttempts = 5
		c.RetryBaseDelay = 3 * time.Second
		c.RetryMaxDelay = 3 * time.Second
	})
	srv.FailAll(http.StatusServiceUnavailable)

	// Canceled during the pause between attempts.
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	_, err := o.Head(ctx, storage.Temp, "a.jpg")
	t.Logf("Head: %v", err)
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "last error: 503") {
		t.Errorf("Head canceled while backing off: %v", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("Head returned %v after its context was canceled", d)
	}

	// A deadline sooner than the next pause stops the retries at once.
	srv.ResetCounts()
	ctx, cancel = context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	start = time.Now()
	_, err = o.Head(ctx, storage.Temp, "a.jpg")
	t.Logf("Head: %v", err)
	if err == nil || !strings.Contains(err.Error(), "503") || !strings.Contains(err.Error(), "deadline") {
		t.Errorf("Head with a short deadline: %v", err)
	}
	if d := time.Since(start); d > 500*time.Millisecond {
		t.Errorf("Head waited %v for a retry it could not make", d)
	}
	if n := srv.Count(ocitest.OpHeadObject); n != 1 {
		t.Errorf("Head made %d attempts, want 1", n)
	}
}

func TestOCIEndpointOverrideWins(t *testing.T) {
	ctx := context.Background()
	srv := ocitest.New(t)
	// A provider for another region: the client is set to the region of the
	// configuration, then to the endpoint, which must win.
	provider := common.NewRawConfigurationProvider(ocitest.TenancyOCID, ocitest.UserOCID, "us-ashburn-1",
		srv.Fingerprint(), string(srv.PrivateKeyPEM()), nil)
	cfg := srv.Config()
	cfg.Region = srv.Region
	cfg.MaxAttempts = 5
	cfg.DisableCircuitBreaker = true
	cfg.CopyMode = storage.OCICopyServer
	cfg.PublicBaseURL = "https://cdn.example.com/img"
	cfg.Endpoint = srv.URL + "/"
	o, err := storage.NewOCIWithProvider(cfg, provider)
	if err != nil {
		t.Fatal(err)
	}
	if o.Endpoint() != srv.URL {
		t.Errorf("Endpoint() = %q, want %q", o.Endpoint(), srv.URL)
	}
	if err := o.Check(ctx); err != nil {
		t.Fatal(err)
	}
	if n := srv.Count(ocitest.OpHeadBucket); n != 2 {
		t.Errorf("the test server saw %d HeadBucket requests, want 2", n)
	}
	if u := o.PublicURL("ads/7/1 a.jpg"); u != "https://cdn.example.com/img/ads/7/1%20a.jpg" {
		t.Errorf("PublicURL: %q", u)
	}

	// Without the override the client targets the configured region.
	cfg.Endpoint = ""
	cfg.PublicBaseURL = ""
	o, err = storage.NewOCIWithProvider(cfg, provider)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(o.Endpoint(), srv.Region) {
		t.Errorf("Endpoint() without override = %q, want the %s endpoint", o.Endpoint(), srv.Region)
	}
	want := "https://objectstorage." + srv.Region + ".oraclecloud.com/n/" + srv.Namespace + "/b/" + srv.PublicBucket + "/o/ads/7/1.jpg"
	if u := o.PublicURL("ads/7/1.jpg"); u != want {
		t.Errorf("default PublicURL: %q, want %q", u, want)
	}
}

func TestOCIConfigFile(t *testing.T) {
	ctx := context.Background()
	srv := ocitest.New(t)
	cfg := srv.Config()
	cfg.Region = "" // from the file
	cfg.Auth = storage.OCIAuthConfigFile
	cfg.ConfigFile = srv.ConfigFile(t, "MOTANDO")
	cfg.ConfigProfile = "MOTANDO"
	o, err := storage.NewOCI(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if o.Region() != srv.Region {
		t.Errorf("Region() = %q, want %q from the file", o.Region(), srv.Region)
	}
	if err := o.Put(ctx, storage.Temp, "a.jpg", strings.NewReader("x"), 1, "image/jpeg"); err != nil {
		t.Fatal(err)
	}
	if err := o.Copy(ctx, storage.Temp, "a.jpg", storage.Public, "a.jpg"); err != nil {
		t.Fatal(err)
	}

	// "~/" and the default path are in the home folder.
	home := t.TempDir()
	t.Setenv("HOME", home)
	data, err := os.ReadFile(cfg.ConfigFile)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(home, ".oci"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(home, ".oci", "config"), data, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"~/.oci/config", ""} {
		c := cfg
		c.ConfigFile = path
		o, err := storage.NewOCI(ctx, c)
		if err != nil {
			t.Fatalf("ConfigFile %q: %v", path, err)
		}
		if err := o.Check(ctx); err != nil {
			t.Errorf("ConfigFile %q: Check: %v", path, err)
		}
	}

	for name, edit := range map[string]func(*storage.OCIConfig){
		"missing file":  func(c *storage.OCIConfig) { c.ConfigFile = t.TempDir() + "/nope" },
		"wrong profile": func(c *storage.OCIConfig) { c.ConfigProfile = "NOPE" },
	} {
		c := cfg
		edit(&c)
		_, err := storage.NewOCI(ctx, c)
		t.Logf("%s: %v", name, err)
		if err == nil || !strings.Contains(err.Error(), "OCI_CONFIG_FILE") {
			t.Errorf("%s: %v, want an OCI_CONFIG_FILE error", name, err)
		}
	}
}

func TestOCIConfigErrors(t *testing.T) {
	srv := ocitest.New(t)
	for _, tc := range []struct {
		edit func(*storage.OCIConfig)
		want string
	}{
		{func(c *storage.OCIConfig) { c.Namespace = "" }, "OCI_OBJSTR_NAMESPACE"},
		{func(c *storage.OCIConfig) { c.TempBucket = "" }, "OCI_BUCKET_MOTANDO_IMGTMP"},
		{func(c *storage.OCIConfig) { c.PublicBucket = "" }, "OCI_BUCKET_MOTANDO_IMG"},
		{func(c *storage.OCIConfig) { c.PublicBucket = c.TempBucket }, "must differ"},
		{func(c *storage.OCIConfig) { c.CopyMode = "teleport" }, "copy mode"},
		{func(c *storage.OCIConfig) { c.Auth = "password" }, "auth"},
		{func(c *storage.OCIConfig) { c.Endpoint = srv.URL + "/n/x" }, "endpoint"},
		{func(c *storage.OCIConfig) { c.Endpoint = "ftp://example.com" }, "endpoint"},
	} {
		cfg := srv.Config()
		tc.edit(&cfg)
		_, err := storage.NewOCIWithProvider(cfg, srv.Provider())
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: %v, want an error naming %s", cfg, err, tc.want)
		}
	}
}

func TestOCIMissingBucket(t *testing.T) {
	ctx := context.Background()
	srv := ocitest.New(t)
	o := newOCI(t, srv, func(c *storage.OCIConfig) { c.PublicBucket = "no-such-bucket" })
	err := o.Check(ctx)
	t.Logf("Check: %v", err)
	if err == nil || !strings.Contains(err.Error(), "OCI_BUCKET_MOTANDO_IMG") || !strings.Contains(err.Error(), "no-such-bucket") {
		t.Errorf("Check: %v", err)
	}
	_, _, err = o.Get(ctx, storage.Public, "a.jpg")
	t.Logf("Get: %v", err)
	if err == nil || errors.Is(err, storage.ErrNotExist) || !strings.Contains(err.Error(), "BucketNotFound") {
		t.Errorf("Get from a missing bucket: %v, want a bucket error, not ErrNotExist", err)
	}
	if err := o.Delete(ctx, storage.Public, "a.jpg"); err == nil {
		t.Error("Delete in a missing bucket succeeded")
	}
}

func TestOCIOddKeys(t *testing.T) {
	ctx := context.Background()
	srv := ocitest.New(t)
	o := newOCI(t, srv)
	keys := []string{"odd/a b.jpg", "odd/100%.jpg", "odd/%41%2F.jpg", "odd/q?x=1#frag.jpg", "odd/plus+sign.jpg", "odd/ção/ü.jpg", "odd/semi;colon&amp.jpg"}
	for _, k := range keys {
		if err := o.Put(ctx, storage.Temp, k, strings.NewReader(k), int64(len(k)), "image/jpeg"); err != nil {
			t.Fatalf("Put %q: %v", k, err)
		}
		if got, ok := srv.Object(srv.TempBucket, k); !ok || string(got) != k {
			t.Errorf("the server stored %q under another name: %v", k, srv.Keys(srv.TempBucket))
		}
		rc, obj, err := o.Get(ctx, storage.Temp, k)
		if err != nil {
			t.Fatalf("Get %q: %v", k, err)
		}
		body, _ := io.ReadAll(rc)
		rc.Close()
		if string(body) != k || obj.Key != k {
			t.Errorf("Get %q: %q %+v", k, body, obj)
		}
		if err := o.Copy(ctx, storage.Temp, k, storage.Public, k); err != nil {
			t.Errorf("Copy %q: %v", k, err)
		}
	}
	var listed []string
	if err := o.List(ctx, storage.Public, "odd/", func(obj storage.Object) error {
		listed = append(listed, obj.Key)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(listed, "|"), strings.Join(srv.Keys(srv.PublicBucket), "|"); got != want || len(listed) != len(keys) {
		t.Errorf("List: %s, want %s", got, want)
	}
	for _, k := range keys {
		if err := o.Delete(ctx, storage.Temp, k); err != nil {
			t.Errorf("Delete %q: %v", k, err)
		}
	}
	if left := srv.Keys(srv.TempBucket); len(left) != 0 {
		t.Errorf("left after Delete: %v", left)
	}
}

func TestOCIRefusesDoubleEscaping(t *testing.T) {
	srv := ocitest.New(t)
	t.Setenv(common.EncodePathParamsEnvVar, "true")
	if _, err := storage.NewOCIWithProvider(srv.Config(), srv.Provider()); err == nil || !strings.Contains(err.Error(), common.EncodePathParamsEnvVar) {
		t.Errorf("NewOCIWithProvider with %s=true: %v", common.EncodePathParamsEnvVar, err)
	}
}
