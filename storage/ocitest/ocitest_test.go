package ocitest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/oracle/oci-go-sdk/v65/common"
	"github.com/oracle/oci-go-sdk/v65/objectstorage"

	"motando/storage/ocitest"
)

// send signs a request as the SDK does (after edit, if any, prepares it)
// and returns the status and error code of the answer.
func send(t *testing.T, srv *ocitest.Server, signer common.HTTPRequestSigner, method, path string, body []byte, edit func(*http.Request)) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Date", time.Now().UTC().Format(http.TimeFormat))
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if edit != nil {
		edit(req)
	}
	if signer != nil {
		if err := signer.Sign(req); err != nil {
			t.Fatal(err)
		}
	}
	return do(t, req)
}

func do(t *testing.T, req *http.Request) (int, string) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var doc struct{ Code string }
	if b, _ := io.ReadAll(resp.Body); len(b) > 0 {
		json.Unmarshal(b, &doc)
	}
	return resp.StatusCode, doc.Code
}

func TestSignatures(t *testing.T) {
	srv := ocitest.New(t)
	srv.SetObject(srv.TempBucket, "a/b.jpg", []byte("x"), "image/jpeg")
	good := common.DefaultRequestSigner(srv.Provider())
	wrong := common.DefaultRequestSigner(srv.WrongKeyProvider())
	stranger := common.DefaultRequestSigner(common.NewRawConfigurationProvider(ocitest.TenancyOCID, ocitest.UserOCID, srv.Region,
		"00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff", string(srv.PrivateKeyPEM()), nil))
	noHost := common.RequestSigner(srv.Provider(), []string{"date", "(request-target)"}, common.DefaultBodyHeaders())
	noBody := common.RequestSignerExcludeBody(srv.Provider())
	obj := "/n/" + srv.Namespace + "/b/" + srv.TempBucket + "/o/a%2Fb.jpg"
	copyPath := "/n/" + srv.Namespace + "/b/" + srv.TempBucket + "/actions/copyObject"
	copyBody, _ := json.Marshal(objectstorage.CopyObjectDetails{
		SourceObjectName: common.String("a/b.jpg"), DestinationRegion: &srv.Region,
		DestinationNamespace: &srv.Namespace, DestinationBucket: &srv.PublicBucket, DestinationObjectName: common.String("c.jpg"),
	})

	for _, tc := range []struct {
		name   string
		signer common.HTTPRequestSigner
		method string
		path   string
		body   []byte
		edit   func(*http.Request)
		status int
	}{
		{"valid get", good, "GET", obj, nil, nil, 200},
		{"valid list", good, "GET", "/n/" + srv.Namespace + "/b/" + srv.TempBucket + "/o?prefix=a%2F&fields=name%2Csize", nil, nil, 200},
		{"valid copy", good, "POST", copyPath, copyBody, nil, 202},
		{"unsigned", nil, "GET", obj, nil, nil, 401},
		{"wrong key", wrong, "GET", obj, nil, nil, 401},
		{"unknown key id", stranger, "GET", obj, nil, nil, 401},
		{"host not signed", noHost, "GET", obj, nil, nil, 401},
		{"body not signed on copy", noBody, "POST", copyPath, copyBody, nil, 401},
		{"stale date", good, "GET", obj, nil, func(r *http.Request) {
			r.Header.Set("Date", time.Now().Add(-10*time.Minute).UTC().Format(http.TimeFormat))
		}, 401},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, code := send(t, srv, tc.signer, tc.method, tc.path, tc.body, tc.edit)
			if status != tc.status {
				t.Fatalf("status %d (%s), want %d", status, code, tc.status)
			}
			if status == 401 && code != "NotAuthenticated" {
				t.Errorf("401 with code %q, want NotAuthenticated", code)
			}
		})
	}

	// Changes after signing.
	for _, tc := range []struct {
		name   string
		method string
		path   string
		body   []byte
		tamper func(*http.Request)
	}{
		{"other object", "GET", obj, nil, func(r *http.Request) {
			r.URL.Path = strings.Replace(r.URL.Path, "b.jpg", "c.jpg", 1)
			r.URL.RawPath = ""
		}},
		{"other query", "GET", "/n/" + srv.Namespace + "/b/" + srv.TempBucket + "/o?prefix=a", nil, func(r *http.Request) { r.URL.RawQuery = "prefix=b" }},
		{"other method", "GET", obj, nil, func(r *http.Request) { r.Method = "DELETE" }},
		{"other date", "GET", obj, nil, func(r *http.Request) {
			r.Header.Set("Date", time.Now().Add(time.Minute).UTC().Format(http.TimeFormat))
		}},
		{"other body", "POST", copyPath, copyBody, func(r *http.Request) {
			other := bytes.Replace(copyBody, []byte("c.jpg"), []byte("d.jpg"), 1)
			r.Body = io.NopCloser(bytes.NewReader(other))
		}},
	} {
		t.Run("tampered "+tc.name, func(t *testing.T) {
			req, err := http.NewRequest(tc.method, srv.URL+tc.path, bytes.NewReader(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Date", time.Now().UTC().Format(http.TimeFormat))
			req.Header.Set("Content-Type", "application/json")
			if err := good.Sign(req); err != nil {
				t.Fatal(err)
			}
			tc.tamper(req)
			if status, code := do(t, req); status != 401 || code != "NotAuthenticated" {
				t.Errorf("status %d %s, want 401 NotAuthenticated", status, code)
			}
		})
	}
	if _, ok := srv.Object(srv.PublicBucket, "d.jpg"); ok {
		t.Error("a tampered copy was carried out")
	}
	if srv.AuthFailures() != 11 {
		t.Errorf("AuthFailures() = %d, want 11", srv.AuthFailures())
	}
}

func client(t *testing.T, srv *ocitest.Server) objectstorage.ObjectStorageClient {
	t.Helper()
	c, err := objectstorage.NewObjectStorageClientWithConfigurationProvider(srv.Provider())
	if err != nil {
		t.Fatal(err)
	}
	c.Host = srv.URL
	return c
}

func TestWorkRequestLifecycle(t *testing.T) {
	ctx := context.Background()
	srv := ocitest.New(t, ocitest.WithCopyDelay(300*time.Millisecond))
	c := client(t, srv)
	srv.SetObject(srv.TempBucket, "src.png", []byte("png"), "image/png")
	resp, err := c.CopyObject(ctx, objectstorage.CopyObjectRequest{
		NamespaceName: &srv.Namespace,
		BucketName:    &srv.TempBucket,
		CopyObjectDetails: objectstorage.CopyObjectDetails{
			SourceObjectName: common.String("src.png"), DestinationRegion: &srv.Region,
			DestinationNamespace: &srv.Namespace, DestinationBucket: &srv.PublicBucket, DestinationObjectName: common.String("dst.png"),
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if resp.RawResponse.StatusCode != http.StatusAccepted || resp.OpcWorkRequestId == nil {
		t.Fatalf("CopyObject: %d, work request %v", resp.RawResponse.StatusCode, resp.OpcWorkRequestId)
	}
	var seen []objectstorage.WorkRequestStatusEnum
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		wr, err := c.GetWorkRequest(ctx, objectstorage.GetWorkRequestRequest{WorkRequestId: resp.OpcWorkRequestId})
		if err != nil {
			t.Fatal(err)
		}
		if len(seen) == 0 || seen[len(seen)-1] != wr.Status {
			seen = append(seen, wr.Status)
		}
		if wr.Status == objectstorage.WorkRequestStatusCompleted {
			if wr.OperationType != objectstorage.WorkRequestOperationTypeCopyObject || wr.TimeFinished == nil {
				t.Errorf("completed work request: %+v", wr.WorkRequest)
			}
			break
		}
	}
	want := []objectstorage.WorkRequestStatusEnum{objectstorage.WorkRequestStatusAccepted, objectstorage.WorkRequestStatusInProgress, objectstorage.WorkRequestStatusCompleted}
	if !slices.Equal(seen, want) {
		t.Errorf("statuses %v, want %v", seen, want)
	}
	if info, ok := srv.Stat(srv.PublicBucket, "dst.png"); !ok || info.ContentType != "image/png" {
		t.Errorf("copied object: %+v %v", info, ok)
	}

	// A missing source is refused at once.
	_, err = c.CopyObject(ctx, objectstorage.CopyObjectRequest{
		NamespaceName: &srv.Namespace,
		BucketName:    &srv.TempBucket,
		CopyObjectDetails: objectstorage.CopyObjectDetails{
			SourceObjectName: common.String("nope.png"), DestinationRegion: &srv.Region,
			DestinationNamespace: &srv.Namespace, DestinationBucket: &srv.PublicBucket, DestinationObjectName: common.String("x.png"),
		},
	})
	if se, ok := common.IsServiceError(err); !ok || se.GetHTTPStatusCode() != 404 || se.GetCode() != "ObjectNotFound" {
		t.Errorf("copy of a missing source: %v", err)
	}
}

func TestListPagesAndFields(t *testing.T) {
	ctx := context.Background()
	srv := ocitest.New(t, ocitest.WithMaxListLimit(2))
	c := client(t, srv)
	for _, k := range []string{"p/1", "p/2", "p/3", "p/sub/4", "q/5"} {
		srv.SetObject(srv.TempBucket, k, []byte(k), "")
	}
	var names []string
	var start *string
	pages := 0
	for {
		resp, err := c.ListObjects(ctx, objectstorage.ListObjectsRequest{
			NamespaceName: &srv.Namespace, BucketName: &srv.TempBucket,
			Prefix: common.String("p/"), Start: start, Fields: common.String("name,size"),
		})
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, o := range resp.Objects {
			names = append(names, *o.Name)
			if o.Size == nil || *o.Size != int64(len(*o.Name)) || o.TimeModified != nil {
				t.Errorf("%s: size %v, timeModified %v (not asked for)", *o.Name, o.Size, o.TimeModified)
			}
		}
		if resp.NextStartWith == nil {
			break
		}
		start = resp.NextStartWith
	}
	if got := strings.Join(names, ","); got != "p/1,p/2,p/3,p/sub/4" || pages != 2 {
		t.Errorf("listed %s in %d pages", got, pages)
	}
}

func TestFaults(t *testing.T) {
	ctx := context.Background()
	srv := ocitest.New(t)
	c := client(t, srv)
	// No circuit breaker. This resets the host to the regional endpoint.
	c.SetCustomClientConfiguration(common.CustomClientConfiguration{})
	c.Host = srv.URL
	head := func() error {
		noRetry := common.NoRetryPolicy()
		_, err := c.HeadBucket(ctx, objectstorage.HeadBucketRequest{
			NamespaceName: &srv.Namespace, BucketName: &srv.TempBucket,
			RequestMetadata: common.RequestMetadata{RetryPolicy: &noRetry},
		})
		return err
	}
	srv.FailNext(2, 500)
	for i, want := range []int{500, 500, 0} {
		err := head()
		status := 0
		if se, ok := common.IsServiceError(err); ok {
			status = se.GetHTTPStatusCode()
		} else if err != nil {
			t.Fatal(err)
		}
		if status != want {
			t.Errorf("request %d: status %d, want %d", i, status, want)
		}
	}
	srv.FailAll(429)
	if err := head(); err == nil {
		t.Error("FailAll: request succeeded")
	}
	srv.Heal()
	if err := head(); err != nil {
		t.Errorf("after Heal: %v", err)
	}
	srv.Delay(100 * time.Millisecond)
	start := time.Now()
	head()
	if d := time.Since(start); d < 100*time.Millisecond {
		t.Errorf("Delay: answered in %v", d)
	}
	if n := srv.Count(ocitest.OpHeadBucket); n != 6 {
		t.Errorf("Count(HeadBucket) = %d, want 6", n)
	}
}
