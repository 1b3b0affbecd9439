package storage

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/oracle/oci-go-sdk/v65/common"
	"github.com/oracle/oci-go-sdk/v65/objectstorage"

	"motando/ociauth"
)

// The ways NewOCI can authenticate (OCIConfig.Auth).
const (
	// OCIAuthConfigFile signs requests with the API key named in an OCI
	// configuration file (OCI_CONFIG_FILE, profile OCIConfig.ConfigProfile).
	OCIAuthConfigFile = ociauth.ConfigFile
	// OCIAuthInstancePrincipal uses the compute instance's identity.
	OCIAuthInstancePrincipal = ociauth.InstancePrincipal
	// OCIAuthWorkloadIdentity uses the OKE workload identity of the pod.
	OCIAuthWorkloadIdentity = ociauth.WorkloadIdentity
)

// The ways the OCI backend copies objects (OCIConfig.CopyMode).
const (
	// OCICopyServer uses the server-side CopyObject call and waits for its
	// work request. It needs the IAM policy that lets the Object Storage
	// service manage objects in the tenancy.
	OCICopyServer = "server"
	// OCICopyGetPut reads the object and streams it back with PutObject; it
	// works without that policy, at the cost of moving the bytes twice.
	OCICopyGetPut = "getput"
)

// Defaults and limits of OCIConfig.
const (
	defaultOCIMaxAttempts      = 3
	maxOCIMaxAttempts          = 10
	defaultOCIRetryBaseDelay   = 500 * time.Millisecond
	defaultOCIRetryMaxDelay    = 8 * time.Second
	defaultOCICopyPollInterval = time.Second
	defaultOCICopyTimeout      = 2 * time.Minute
	ociListPageSize            = 1000
)

// OCIConfig configures the OCI Object Storage backend. The environment
// variable each field usually comes from is named in its comment; error
// messages use those names.
type OCIConfig struct {
	// Region is the region identifier, e.g. "sa-saopaulo-1" (OCI_REGION_ID).
	// When empty, the region of the configuration provider is used.
	Region string
	// Namespace is the Object Storage namespace (OCI_OBJSTR_NAMESPACE).
	Namespace string
	// TempBucket holds the storage.Temp bucket (OCI_BUCKET_MOTANDO_IMGTMP).
	TempBucket string
	// PublicBucket holds the storage.Public bucket (OCI_BUCKET_MOTANDO_IMG).
	PublicBucket string

	// Auth is OCIAuthConfigFile (the default), OCIAuthInstancePrincipal or
	// OCIAuthWorkloadIdentity. NewOCIWithProvider ignores it.
	Auth string
	// ConfigFile is the OCI configuration file for OCIAuthConfigFile
	// (OCI_CONFIG_FILE); default ~/.oci/config. A leading "~/" is the
	// home folder.
	ConfigFile string
	// ConfigProfile is the profile read from ConfigFile; default "DEFAULT".
	ConfigProfile string

	// Endpoint, when set, replaces the regional endpoint, e.g. a test
	// server's URL. It must be scheme://host[:port], without a path.
	Endpoint string
	// CopyMode is OCICopyServer (the default) or OCICopyGetPut.
	CopyMode string
	// PublicBaseURL prefixes PublicURL's result; default
	// https://objectstorage.{region}.oraclecloud.com/n/{ns}/b/{publicBucket}/o/
	PublicBaseURL string

	// MaxAttempts bounds the attempts of every call (first try included);
	// only 429, 5xx and network errors are retried. Default 3, at most 10.
	// Puts whose reader cannot seek back are attempted once.
	MaxAttempts int
	// RetryBaseDelay is the pause before the first retry; it doubles on
	// each further retry (with jitter) up to RetryMaxDelay. Defaults 500ms
	// and 8s.
	RetryBaseDelay time.Duration
	// RetryMaxDelay caps the pause between attempts.
	RetryMaxDelay time.Duration
	// DisableCircuitBreaker turns off the SDK's circuit breaker. When on (the
	// default), once 80% of at least 10 calls within two minutes failed with
	// 429 or 5xx, calls fail at once for 30 seconds.
	DisableCircuitBreaker bool

	// CopyPollInterval is the longest pause between two polls of a copy's
	// work request (polling starts faster); default 1s.
	CopyPollInterval time.Duration
	// CopyTimeout bounds a server-side copy, work request included; default
	// 2 minutes.
	CopyTimeout time.Duration
}

// OCI keeps the two buckets in OCI Object Storage. It is safe for concurrent
// use.
type OCI struct {
	client    objectstorage.ObjectStorageClient
	cfg       OCIConfig
	buckets   map[Bucket]string
	publicURL string
	authHint  string
}

var _ Storage = (*OCI)(nil)

// NewOCI builds the configuration provider named by cfg.Auth and returns the
// backend. It does not call Object Storage: use Check for that. ctx bounds
// the creation of the provider (instance principals and workload identity
// fetch a certificate or token).
func NewOCI(ctx context.Context, cfg OCIConfig) (*OCI, error) {
	if err := cfg.normalize(); err != nil {
		return nil, err
	}
	type result struct {
		p   common.ConfigurationProvider
		err error
	}
	done := make(chan result, 1)
	go func() {
		p, err := providerFor(cfg)
		done <- result{p, err}
	}()
	var r result
	select {
	case <-ctx.Done():
		return nil, fmt.Errorf("oci: %s authentication: %w", cfg.Auth, ctx.Err())
	case r = <-done:
	}
	if r.err != nil {
		return nil, r.err
	}
	return newOCI(cfg, r.p, authHint(cfg))
}

// NewOCIWithProvider returns the backend signing its requests with provider,
// e.g. one made by common.NewRawConfigurationProvider. cfg.Auth, ConfigFile
// and ConfigProfile are ignored.
func NewOCIWithProvider(cfg OCIConfig, provider common.ConfigurationProvider) (*OCI, error) {
	if provider == nil {
		return nil, errors.New("oci: nil configuration provider")
	}
	if err := cfg.normalize(); err != nil {
		return nil, err
	}
	return newOCI(cfg, provider, "check the API key, its fingerprint and the tenancy and user OCIDs")
}

// normalize validates cfg and fills in the defaults.
func (c *OCIConfig) normalize() error {
	for _, step := range []func() error{c.checkBuckets, c.normalizeAuth, c.normalizeCopyMode, c.normalizeEndpoint} {
		if err := step(); err != nil {
			return err
		}
	}
	c.setTimingDefaults()
	return nil
}

// checkBuckets checks that the namespace and two distinct buckets are
// set.
func (c *OCIConfig) checkBuckets() error {
	var missing []string
	for _, v := range []struct{ value, env string }{
		{c.Namespace, "OCI_OBJSTR_NAMESPACE"},
		{c.TempBucket, "OCI_BUCKET_MOTANDO_IMGTMP"},
		{c.PublicBucket, "OCI_BUCKET_MOTANDO_IMG"},
	} {
		if v.value == "" {
			missing = append(missing, v.env)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("oci: %s not set", strings.Join(missing, ", "))
	}
	if c.TempBucket == c.PublicBucket {
		return fmt.Errorf("oci: OCI_BUCKET_MOTANDO_IMGTMP and OCI_BUCKET_MOTANDO_IMG are both %q; the buckets must differ", c.TempBucket)
	}
	return nil
}

// normalizeAuth checks the authentication kind, the config file's by
// default, and defaults the config profile.
func (c *OCIConfig) normalizeAuth() error {
	switch c.Auth {
	case "":
		c.Auth = OCIAuthConfigFile
	case OCIAuthConfigFile, OCIAuthInstancePrincipal, OCIAuthWorkloadIdentity:
	default:
		return fmt.Errorf("oci: unknown auth %q: want %s, %s or %s", c.Auth, OCIAuthConfigFile, OCIAuthInstancePrincipal, OCIAuthWorkloadIdentity)
	}
	if c.ConfigProfile == "" {
		c.ConfigProfile = "DEFAULT"
	}
	return nil
}

// normalizeCopyMode checks the copy mode, server-side by default.
func (c *OCIConfig) normalizeCopyMode() error {
	switch c.CopyMode {
	case "":
		c.CopyMode = OCICopyServer
	case OCICopyServer, OCICopyGetPut:
	default:
		return fmt.Errorf("oci: unknown copy mode %q: want %s or %s", c.CopyMode, OCICopyServer, OCICopyGetPut)
	}
	return nil
}

// normalizeEndpoint checks that an endpoint, when set, is
// scheme://host[:port], and drops its trailing slash.
func (c *OCIConfig) normalizeEndpoint() error {
	if c.Endpoint == "" {
		return nil
	}
	u, err := url.Parse(strings.TrimSuffix(c.Endpoint, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Path != "" || u.RawQuery != "" || u.User != nil {
		return fmt.Errorf("oci: endpoint %q: want scheme://host[:port], without a path", c.Endpoint)
	}
	c.Endpoint = u.String()
	return nil
}

// setTimingDefaults fills in the attempts, delays and copy timings left
// unset, and bounds the attempts and the largest retry delay.
func (c *OCIConfig) setTimingDefaults() {
	orDefault(&c.MaxAttempts, defaultOCIMaxAttempts)
	c.MaxAttempts = min(c.MaxAttempts, maxOCIMaxAttempts)
	orDefault(&c.RetryBaseDelay, defaultOCIRetryBaseDelay)
	orDefault(&c.RetryMaxDelay, defaultOCIRetryMaxDelay)
	c.RetryMaxDelay = max(c.RetryMaxDelay, c.RetryBaseDelay)
	orDefault(&c.CopyPollInterval, defaultOCICopyPollInterval)
	orDefault(&c.CopyTimeout, defaultOCICopyTimeout)
}

// orDefault sets *v to def when it is not positive.
func orDefault[T int | time.Duration](v *T, def T) {
	if *v <= 0 {
		*v = def
	}
}

// providerFor builds the configuration provider cfg.Auth names.
func providerFor(cfg OCIConfig) (common.ConfigurationProvider, error) {
	return ociauth.Provider(cfg.Auth, cfg.ConfigFile, cfg.ConfigProfile)
}

// authHint tells what to check when the service answers 401.
func authHint(cfg OCIConfig) string {
	switch cfg.Auth {
	case OCIAuthInstancePrincipal:
		return "check that the instance belongs to a dynamic group allowed to use the buckets"
	case OCIAuthWorkloadIdentity:
		return "check the IAM policy for the workload's service account"
	}
	return "check the API key, fingerprint and OCI_CONFIG_FILE"
}

func newOCI(cfg OCIConfig, provider common.ConfigurationProvider, hint string) (*OCI, error) {
	if common.IsEnvVarTrue(common.EncodePathParamsEnvVar) {
		// The SDK would escape object names and net/url escape them again.
		return nil, fmt.Errorf("oci: %s=true makes the SDK escape object names twice; unset it", common.EncodePathParamsEnvVar)
	}
	if cfg.Region == "" {
		r, err := provider.Region()
		if err != nil || r == "" {
			return nil, fmt.Errorf("oci: OCI_REGION_ID not set and the configuration has no region: %v", err)
		}
		cfg.Region = r
	}
	client, err := objectstorage.NewObjectStorageClientWithConfigurationProvider(provider)
	if err != nil {
		return nil, fmt.Errorf("oci: object storage client (%s): %w", hint, err)
	}
	o := &OCI{
		cfg:      cfg,
		buckets:  map[Bucket]string{Temp: cfg.TempBucket, Public: cfg.PublicBucket},
		authHint: hint,
	}

	// Custom configuration first; the endpoint override comes last so that
	// nothing set here can replace it.
	cc := client.Configuration
	fallback := o.newCall(context.Background()).retryPolicy(cfg.MaxAttempts) // requests bring their own
	cc.RetryPolicy = &fallback
	if cfg.DisableCircuitBreaker {
		cc.CircuitBreaker = nil
	}
	client.SetCustomClientConfiguration(cc)
	client.HTTPClient = callerContextDispatcher{inner: client.HTTPClient}
	client.SetRegion(cfg.Region)
	if cfg.Endpoint != "" {
		client.Host = cfg.Endpoint
	}
	o.client = client

	o.publicURL = cfg.PublicBaseURL
	if o.publicURL == "" {
		o.publicURL = fmt.Sprintf("https://objectstorage.%s.oraclecloud.com/n/%s/b/%s/o/",
			cfg.Region, url.PathEscape(cfg.Namespace), url.PathEscape(cfg.PublicBucket))
	}
	if !strings.HasSuffix(o.publicURL, "/") {
		o.publicURL += "/"
	}
	return o, nil
}

// Endpoint is the address the backend sends its requests to.
func (o *OCI) Endpoint() string { return o.client.Host }

// Region is the region the backend works in (the copy destination region).
func (o *OCI) Region() string { return o.cfg.Region }

// bucket maps a logical bucket to its OCI name.
func (o *OCI) bucket(b Bucket) (string, error) {
	name, ok := o.buckets[b]
	if !ok {
		return "", fmt.Errorf("oci: unknown bucket %q", b)
	}
	return name, nil
}

// object validates the key and maps the bucket; op and the target name the
// call in errors.
func (o *OCI) object(op string, b Bucket, key string) (bucket string, err error) {
	if !ValidKey(key) {
		return "", fmt.Errorf("oci: %s %s/%q: %w", op, b, key, ErrInvalidKey)
	}
	return o.bucket(b)
}

// objectName is the object name for the request path. The SDK puts it into
// URL.Path unescaped and net/url escapes it on the wire ("/" stays, "%",
// "?", "#", spaces are escaped), which the service decodes back to the key.
func objectName(key string) *string { return common.String(key) }

// Put streams r into the bucket with PutObject. Bodies over 1 MB are sent as
// they are read; the SDK copies smaller ones in memory for its debug log.
// Only readers that can seek back (io.Seeker) are retried.
func (o *OCI) Put(ctx context.Context, b Bucket, key string, r io.Reader, size int64, contentType string) error {
	bucket, err := o.object("put", b, key)
	if err != nil {
		return err
	}
	if size < 0 {
		return fmt.Errorf("oci: put %s/%s: negative size %d", b, key, size)
	}
	attempts := o.cfg.MaxAttempts
	if s, ok := r.(io.Seeker); !ok {
		attempts = 1 // the body cannot be read a second time
	} else if _, err := s.Seek(0, io.SeekCurrent); err != nil {
		attempts = 1 // a pipe or terminal behind an *os.File
	}
	c := o.newCall(ctx)
	req := objectstorage.PutObjectRequest{
		NamespaceName:   &o.cfg.Namespace,
		BucketName:      &bucket,
		ObjectName:      objectName(key),
		ContentLength:   common.Int64(size),
		PutObjectBody:   io.NopCloser(r),
		RequestMetadata: c.metadata(attempts),
	}
	if contentType != "" {
		req.ContentType = &contentType
	}
	if _, err := o.client.PutObject(c.sdk, req); err != nil {
		return o.fail(c, "put", b, key, err)
	}
	return nil
}

// Get opens the object with GetObject. The body is streamed from the
// service; closing it releases the connection.
func (o *OCI) Get(ctx context.Context, b Bucket, key string) (io.ReadCloser, Object, error) {
	bucket, err := o.object("get", b, key)
	if err != nil {
		return nil, Object{}, err
	}
	c := o.newCall(ctx)
	resp, err := o.client.GetObject(c.sdk, objectstorage.GetObjectRequest{
		NamespaceName:   &o.cfg.Namespace,
		BucketName:      &bucket,
		ObjectName:      objectName(key),
		RequestMetadata: c.metadata(o.cfg.MaxAttempts),
	})
	if err != nil {
		return nil, Object{}, o.fail(c, "get", b, key, err)
	}
	obj := Object{Key: key, Size: deref(resp.ContentLength), ContentType: deref(resp.ContentType)}
	if resp.LastModified != nil {
		obj.Modified = resp.LastModified.Time
	}
	body := resp.Content
	if body == nil {
		body = io.NopCloser(strings.NewReader(""))
	}
	return body, obj, nil
}

// Head describes the object with HeadObject.
func (o *OCI) Head(ctx context.Context, b Bucket, key string) (Object, error) {
	bucket, err := o.object("head", b, key)
	if err != nil {
		return Object{}, err
	}
	c := o.newCall(ctx)
	resp, err := o.client.HeadObject(c.sdk, objectstorage.HeadObjectRequest{
		NamespaceName:   &o.cfg.Namespace,
		BucketName:      &bucket,
		ObjectName:      objectName(key),
		RequestMetadata: c.metadata(o.cfg.MaxAttempts),
	})
	if err != nil {
		return Object{}, o.fail(c, "head", b, key, err)
	}
	obj := Object{Key: key, Size: deref(resp.ContentLength), ContentType: deref(resp.ContentType)}
	if resp.LastModified != nil {
		obj.Modified = resp.LastModified.Time
	}
	return obj, nil
}

// Delete removes the object with DeleteObject; a missing object is not an
// error.
func (o *OCI) Delete(ctx context.Context, b Bucket, key string) error {
	bucket, err := o.object("delete", b, key)
	if err != nil {
		return err
	}
	c := o.newCall(ctx)
	_, err = o.client.DeleteObject(c.sdk, objectstorage.DeleteObjectRequest{
		NamespaceName:   &o.cfg.Namespace,
		BucketName:      &bucket,
		ObjectName:      objectName(key),
		RequestMetadata: c.metadata(o.cfg.MaxAttempts),
	})
	if err == nil {
		return nil
	}
	err = o.fail(c, "delete", b, key, err)
	if errors.Is(err, ErrNotExist) {
		return nil
	}
	return err
}

// Copy copies an object between buckets: with CopyObject and its work
// request (OCICopyServer), or by streaming it through this process
// (OCICopyGetPut).
func (o *OCI) Copy(ctx context.Context, src Bucket, srcKey string, dst Bucket, dstKey string) error {
	srcBucket, err := o.object("copy", src, srcKey)
	if err != nil {
		return err
	}
	dstBucket, err := o.object("copy", dst, dstKey)
	if err != nil {
		return err
	}
	if o.cfg.CopyMode == OCICopyGetPut {
		return o.copyGetPut(ctx, src, srcKey, dst, dstKey)
	}
	return o.copyServer(ctx, src, srcBucket, srcKey, dst, dstBucket, dstKey)
}

func (o *OCI) copyGetPut(ctx context.Context, src Bucket, srcKey string, dst Bucket, dstKey string) error {
	rc, obj, err := o.Get(ctx, src, srcKey)
	if err != nil {
		return fmt.Errorf("oci: copy %s/%s to %s/%s: %w", src, srcKey, dst, dstKey, err)
	}
	defer rc.Close()
	if err := o.Put(ctx, dst, dstKey, rc, obj.Size, obj.ContentType); err != nil {
		return fmt.Errorf("oci: copy %s/%s to %s/%s: %w", src, srcKey, dst, dstKey, err)
	}
	return nil
}

// List pages through ListObjects (name, size and timeModified; the listing
// has no content type, so Object.ContentType is empty).
func (o *OCI) List(ctx context.Context, b Bucket, prefix string, fn func(Object) error) error {
	bucket, err := o.bucket(b)
	if err != nil {
		return err
	}
	var start *string
	for {
		c := o.newCall(ctx)
		req := objectstorage.ListObjectsRequest{
			NamespaceName:   &o.cfg.Namespace,
			BucketName:      &bucket,
			Start:           start,
			Limit:           common.Int(ociListPageSize),
			Fields:          common.String("name,size,timeModified"),
			RequestMetadata: c.metadata(o.cfg.MaxAttempts),
		}
		if prefix != "" {
			req.Prefix = &prefix
		}
		resp, err := o.client.ListObjects(c.sdk, req)
		if err != nil {
			return o.fail(c, "list", b, prefix+"*", err)
		}
		for _, s := range resp.Objects {
			if s.Name == nil {
				continue
			}
			obj := Object{Key: *s.Name, Size: deref(s.Size)}
			switch {
			case s.TimeModified != nil:
				obj.Modified = s.TimeModified.Time
			case s.TimeCreated != nil:
				obj.Modified = s.TimeCreated.Time
			}
			if err := fn(obj); err != nil {
				return err
			}
		}
		if resp.NextStartWith == nil || *resp.NextStartWith == "" {
			return nil
		}
		if start != nil && *resp.NextStartWith <= *start {
			return fmt.Errorf("oci: list %s/%s*: the service returned page start %q after %q", b, prefix, *resp.NextStartWith, *start)
		}
		start = resp.NextStartWith
	}
}

// PublicURL is PublicBaseURL followed by the escaped key.
func (o *OCI) PublicURL(key string) string {
	segs := strings.Split(key, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return o.publicURL + strings.Join(segs, "/")
}

// Check proves the credentials and both buckets with HeadBucket.
func (o *OCI) Check(ctx context.Context) error {
	for _, b := range []Bucket{Temp, Public} {
		name := o.buckets[b]
		c := o.newCall(ctx)
		_, err := o.client.HeadBucket(c.sdk, objectstorage.HeadBucketRequest{
			NamespaceName:   &o.cfg.Namespace,
			BucketName:      &name,
			RequestMetadata: c.metadata(o.cfg.MaxAttempts),
		})
		if err != nil {
			if status, _ := serviceStatus(err); status == 404 {
				return fmt.Errorf("oci: check: bucket %q (%s) not found in namespace %q, or not authorized (404): check %s, OCI_OBJSTR_NAMESPACE and the IAM policy",
					name, bucketVar(b), o.cfg.Namespace, bucketVar(b))
			}
			return o.fail(c, "check", b, "", err)
		}
	}
	return nil
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
