// Package ocitest runs an in-memory server that speaks the part of the OCI
// Object Storage REST API the storage.OCI backend uses, for tests. It checks
// the HTTP signatures the SDK puts on every request (a request it cannot
// verify gets 401 NotAuthenticated, as from the real service), answers with
// the service's JSON error documents and codes, completes copies
// asynchronously through work requests, and can inject failures and delays.
//
// Typical use:
//
//	srv := ocitest.New(t)
//	s, err := storage.NewOCIWithProvider(srv.Config(), srv.Provider())
package ocitest

import (
	"crypto/md5"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"maps"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oracle/oci-go-sdk/v65/common"
	"github.com/oracle/oci-go-sdk/v65/objectstorage"

	"motando/storage"
)

// Operation names, as counted by Count. Requests that match no route are
// counted as OpUnknown.
const (
	OpGetNamespace          = "GetNamespace"
	OpHeadBucket            = "HeadBucket"
	OpListObjects           = "ListObjects"
	OpPutObject             = "PutObject"
	OpGetObject             = "GetObject"
	OpHeadObject            = "HeadObject"
	OpDeleteObject          = "DeleteObject"
	OpCopyObject            = "CopyObject"
	OpGetWorkRequest        = "GetWorkRequest"
	OpListWorkRequestErrors = "ListWorkRequestErrors"
	OpPutLogs               = "PutLogs" // Logging ingestion
	OpUnknown               = "Unknown"
)

// Defaults of a new Server.
const (
	DefaultNamespace    = "motandotest"
	DefaultRegion       = "sa-saopaulo-1"
	DefaultTempBucket   = "motando-imgtmp"
	DefaultPublicBucket = "motando-img"
	DefaultCopyDelay    = 20 * time.Millisecond
	// TenancyOCID and UserOCID make up, with the key's fingerprint, the keyId
	// of the key pair every Server trusts.
	TenancyOCID = "ocid1.tenancy.oc1..aaaaaaaaocitesttenancy"
	UserOCID    = "ocid1.user.oc1..aaaaaaaaocitestuser"
)

// DefaultCopyFailure is the work request error of FailCopies without
// messages.
const DefaultCopyFailure = "ocitest: the copy failed (injected by FailCopies)"

// maxClockSkew is how far the signed Date may be from the server's clock.
const maxClockSkew = 5 * time.Minute

// Server is an in-memory OCI Object Storage endpoint. Its methods are safe
// for concurrent use.
type Server struct {
	// URL is the endpoint, for storage.OCIConfig.Endpoint.
	URL string
	// Namespace is the only namespace served.
	Namespace string
	// Region is the region copies must name as their destination.
	Region string
	// TempBucket and PublicBucket are the two buckets created at start.
	TempBucket, PublicBucket string

	ts *httptest.Server

	mu           sync.Mutex
	buckets      map[string]map[string]*object
	trusted      map[string]*rsa.PublicKey
	workRequests map[string]*workRequest
	counts       map[string]int
	authFailures int
	failNext     int
	failNextCode int
	failAll      int
	delay        time.Duration
	failCopies   []string
	copyDelay    time.Duration
	maxList      int
	timers       []*time.Timer
	closed       bool
	logs         map[string][]string // log OCID → entries' data, from PutLogs
	quit         chan struct{}       // closed by Close: ends injected delays
}

type object struct {
	data        []byte
	contentType string
	etag        string
	md5         string
	created     time.Time
	modified    time.Time
}

// ObjectInfo describes a stored object.
type ObjectInfo struct {
	Size        int64
	ContentType string
	ETag        string
	Created     time.Time
	Modified    time.Time
}

type workRequest struct {
	id        string
	status    objectstorage.WorkRequestStatusEnum
	accepted  time.Time
	started   time.Time
	finished  time.Time
	errs      []objectstorage.WorkRequestError
	srcBucket string
	srcKey    string
	dstBucket string
	dstKey    string
	fail      []string
}

// Option changes how New sets up the server.
type Option func(*Server)

// WithNamespace sets the namespace (default DefaultNamespace).
func WithNamespace(ns string) Option { return func(s *Server) { s.Namespace = ns } }

// WithRegion sets the region (default DefaultRegion).
func WithRegion(region string) Option { return func(s *Server) { s.Region = region } }

// WithBuckets names the two buckets (defaults DefaultTempBucket and
// DefaultPublicBucket).
func WithBuckets(temp, public string) Option {
	return func(s *Server) { s.TempBucket, s.PublicBucket = temp, public }
}

// WithCopyDelay sets how long a copy's work request takes: ACCEPTED, then
// IN_PROGRESS after half of d, then COMPLETED (or FAILED) after d. Zero
// completes copies before CopyObject answers. Default DefaultCopyDelay.
func WithCopyDelay(d time.Duration) Option { return func(s *Server) { s.copyDelay = d } }

// WithMaxListLimit caps the page size of ListObjects below the service's
// 1000, to exercise paging.
func WithMaxListLimit(n int) Option { return func(s *Server) { s.maxList = n } }

// New starts a server and closes it when the test ends. It trusts the key
// pair of Provider.
func New(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s := &Server{
		Namespace:    DefaultNamespace,
		Region:       DefaultRegion,
		TempBucket:   DefaultTempBucket,
		PublicBucket: DefaultPublicBucket,
		buckets:      map[string]map[string]*object{},
		trusted:      map[string]*rsa.PublicKey{},
		workRequests: map[string]*workRequest{},
		counts:       map[string]int{},
		quit:         make(chan struct{}),
		copyDelay:    DefaultCopyDelay,
		maxList:      1000,
	}
	for _, o := range opts {
		o(s)
	}
	if s.maxList <= 0 || s.maxList > 1000 {
		s.maxList = 1000
	}
	s.buckets[s.TempBucket] = map[string]*object{}
	s.buckets[s.PublicBucket] = map[string]*object{}
	good, _ := testKeys()
	s.trusted[s.KeyID()] = &good.PublicKey
	s.ts = httptest.NewServer(s)
	s.URL = s.ts.URL
	t.Cleanup(s.Close)
	return s
}

// Close stops the server and its pending copies.
func (s *Server) Close() {
	s.mu.Lock()
	if !s.closed {
		close(s.quit)
	}
	s.closed = true
	for _, t := range s.timers {
		t.Stop()
	}
	s.timers = nil
	s.mu.Unlock()
	s.ts.Close()
}

// Config is a backend configuration for this server: its region, namespace,
// buckets and URL as the endpoint, with short retry and poll intervals.
func (s *Server) Config() storage.OCIConfig {
	return storage.OCIConfig{
		Region:           s.Region,
		Namespace:        s.Namespace,
		TempBucket:       s.TempBucket,
		PublicBucket:     s.PublicBucket,
		Endpoint:         s.URL,
		RetryBaseDelay:   5 * time.Millisecond,
		RetryMaxDelay:    20 * time.Millisecond,
		CopyPollInterval: 10 * time.Millisecond,
		CopyTimeout:      10 * time.Second,
	}
}

var testKeys = sync.OnceValues(func() (good, wrong *rsa.PrivateKey) {
	var err error
	if good, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
		panic(err)
	}
	if wrong, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
		panic(err)
	}
	return good, wrong
})

func keyPEM(k *rsa.PrivateKey) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k)})
}

// Fingerprint is the fingerprint of the trusted key, as OCI computes it: the
// MD5 of the DER public key, in colon-separated hex.
func (s *Server) Fingerprint() string {
	good, _ := testKeys()
	der, err := x509.MarshalPKIXPublicKey(&good.PublicKey)
	if err != nil {
		panic(err)
	}
	sum := md5.Sum(der)
	parts := make([]string, len(sum))
	for i, b := range sum {
		parts[i] = hex.EncodeToString([]byte{b})
	}
	return strings.Join(parts, ":")
}

// KeyID is the keyId the trusted key signs with: tenancy/user/fingerprint.
func (s *Server) KeyID() string {
	return TenancyOCID + "/" + UserOCID + "/" + s.Fingerprint()
}

// PrivateKeyPEM is the trusted private key, PKCS#1 PEM.
func (s *Server) PrivateKeyPEM() []byte {
	good, _ := testKeys()
	return keyPEM(good)
}

// Provider signs with the trusted key.
func (s *Server) Provider() common.ConfigurationProvider {
	return common.NewRawConfigurationProvider(TenancyOCID, UserOCID, s.Region, s.Fingerprint(), string(s.PrivateKeyPEM()), nil)
}

// WrongKeyProvider claims the trusted key's keyId but signs with another
// key, so every request it signs gets 401 NotAuthenticated.
func (s *Server) WrongKeyProvider() common.ConfigurationProvider {
	_, wrong := testKeys()
	return common.NewRawConfigurationProvider(TenancyOCID, UserOCID, s.Region, s.Fingerprint(), string(keyPEM(wrong)), nil)
}

// TrustKey makes the server accept signatures by pub under keyID.
func (s *Server) TrustKey(keyID string, pub *rsa.PublicKey) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.trusted[keyID] = pub
}

// ConfigFile writes an OCI configuration file (and its key file) for the
// trusted key under t.TempDir, with the given profile, and returns its path.
func (s *Server) ConfigFile(t testing.TB, profile string) string {
	t.Helper()
	dir := t.TempDir()
	keyPath := filepath.Join(dir, "oci_api_key.pem")
	if err := os.WriteFile(keyPath, s.PrivateKeyPEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := fmt.Sprintf("[%s]\nuser=%s\nfingerprint=%s\ntenancy=%s\nregion=%s\nkey_file=%s\n",
		profile, UserOCID, s.Fingerprint(), TenancyOCID, s.Region, keyPath)
	path := filepath.Join(dir, "config")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// Object returns a copy of the stored object's bytes.
func (s *Server) Object(bucket, key string) ([]byte, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.buckets[bucket][key]
	if !ok {
		return nil, false
	}
	return slices.Clone(o.data), true
}

// Stat describes a stored object.
func (s *Server) Stat(bucket, key string) (ObjectInfo, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.buckets[bucket][key]
	if !ok {
		return ObjectInfo{}, false
	}
	return ObjectInfo{Size: int64(len(o.data)), ContentType: o.contentType, ETag: o.etag, Created: o.created, Modified: o.modified}, true
}

// Keys lists the names in the bucket, sorted.
func (s *Server) Keys(bucket string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Sorted(maps.Keys(s.buckets[bucket]))
}

// SetObject stores an object directly, creating the bucket if needed.
func (s *Server) SetObject(bucket, key string, data []byte, contentType string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.buckets[bucket] == nil {
		s.buckets[bucket] = map[string]*object{}
	}
	s.buckets[bucket][key] = newObject(slices.Clone(data), contentType, time.Now())
}

// RemoveObject deletes an object directly.
func (s *Server) RemoveObject(bucket, key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.buckets[bucket], key)
}

// FailNext makes the next n requests (of any operation) fail with status
// and the service's error code for it, before authentication.
func (s *Server) FailNext(n, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failNext, s.failNextCode = n, status
}

// FailAll makes every request fail with status until Heal.
func (s *Server) FailAll(status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failAll = status
}

// Delay holds every request for d before answering (0 turns it off).
func (s *Server) Delay(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.delay = d
}

// FailCopies makes the work requests of later copies end FAILED, with one
// work request error per message (DefaultCopyFailure if none).
func (s *Server) FailCopies(messages ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(messages) == 0 {
		messages = []string{DefaultCopyFailure}
	}
	s.failCopies = slices.Clone(messages)
}

// Logs returns the data of the entries PutLogs received for a log, in
// order.
func (s *Server) Logs(logID string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.logs[logID])
}

// Heal undoes FailNext, FailAll, Delay and FailCopies.
func (s *Server) Heal() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failNext, s.failNextCode, s.failAll, s.delay, s.failCopies = 0, 0, 0, 0, nil
}

// Count is the number of requests received for op (one of the Op
// constants), including failed and unauthenticated ones.
func (s *Server) Count(op string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.counts[op]
}

// Counts returns the request counts of every operation seen.
func (s *Server) Counts() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.counts)
}

// Requests is the number of requests received.
func (s *Server) Requests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, c := range s.counts {
		n += c
	}
	return n
}

// ResetCounts zeroes the request and authentication failure counters.
func (s *Server) ResetCounts() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.counts = map[string]int{}
	s.authFailures = 0
}

// AuthFailures is the number of requests answered 401 because their
// signature was missing or did not verify.
func (s *Server) AuthFailures() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.authFailures
}

// WorkRequests lists the ids of the copy work requests, oldest first.
func (s *Server) WorkRequests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	wrs := slices.Collect(maps.Values(s.workRequests))
	slices.SortFunc(wrs, func(a, b *workRequest) int { return a.accepted.Compare(b.accepted) })
	ids := make([]string, len(wrs))
	for i, w := range wrs {
		ids[i] = w.id
	}
	return ids
}

func newObject(data []byte, contentType string, now time.Time) *object {
	if contentType == "" {
		contentType = "application/octet-stream"
	}
	sum := md5.Sum(data)
	return &object{
		data:        data,
		contentType: contentType,
		etag:        randomID(),
		md5:         b64(sum[:]),
		created:     now,
		modified:    now,
	}
}

func randomID() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
