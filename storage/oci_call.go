package storage

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/oracle/oci-go-sdk/v65/common"
)

// The SDK's common.Retry runs each call in a goroutine and, when the
// caller's context ends first, returns a variable that goroutine is still
// writing: a data race. So the SDK only ever sees a context that never ends
// (sdk below), carrying the caller's; callerContextDispatcher puts the
// caller's context back on the HTTP request, so a cancellation still aborts
// the transfer, and the retry policy waits between attempts with the
// caller's context in hand.

type callerContextKey struct{}

// callerContextDispatcher sends requests with the caller's context.
type callerContextDispatcher struct {
	inner common.HTTPRequestDispatcher
}

// Do implements common.HTTPRequestDispatcher.
func (d callerContextDispatcher) Do(r *http.Request) (*http.Response, error) {
	if ctx, ok := r.Context().Value(callerContextKey{}).(context.Context); ok {
		r = r.WithContext(ctx)
	}
	return d.inner.Do(r)
}

// call follows one operation: its contexts, and how many attempts the SDK
// made with which last error, so errors can tell what happened.
type call struct {
	ctx            context.Context // the caller's
	sdk            context.Context // what the SDK gets
	base, maxDelay time.Duration

	mu      sync.Mutex
	n       uint
	last    error
	stopped string // why retrying stopped early, if it did
}

func (o *OCI) newCall(ctx context.Context) *call {
	return &call{
		ctx:      ctx,
		sdk:      context.WithValue(context.WithoutCancel(ctx), callerContextKey{}, ctx),
		base:     o.cfg.RetryBaseDelay,
		maxDelay: o.cfg.RetryMaxDelay,
	}
}

// metadata carries the call's retry policy: at most attempts attempts,
// retrying only 429, 5xx (but 501) and network errors, with exponential
// backoff and jitter.
func (c *call) metadata(attempts int) common.RequestMetadata {
	p := c.retryPolicy(attempts)
	return common.RequestMetadata{RetryPolicy: &p}
}

// retryPolicy starts from the SDK's policy without eventual consistency (the
// default one would swap in its own 8-attempt policy). The pause happens in
// ShouldRetryOperation, where the caller's context can cut it short;
// NextDuration is then 0.
func (c *call) retryPolicy(attempts int) common.RetryPolicy {
	limit := uint(max(attempts, 1))
	return common.NewRetryPolicyWithOptions(
		common.ReplaceWithValuesFromRetryPolicy(common.DefaultRetryPolicyWithoutEventualConsistency()),
		common.WithMaximumNumberAttempts(limit),
		common.WithShouldRetryOperation(func(r common.OCIOperationResponse) bool {
			c.record(r.AttemptNumber, r.Error)
			// Saying no on the last attempt spares a useless final pause, and
			// a non-seekable body (one attempt) is never flagged as retried.
			if r.Error == nil || r.AttemptNumber >= limit || !retryable(r.Error) {
				return false
			}
			return c.pause(backoff(c.base, c.maxDelay, r.AttemptNumber))
		}),
		common.WithNextDuration(func(common.OCIOperationResponse) time.Duration { return 0 }),
	)
}

// pause waits d before the next attempt, unless the caller's context ends
// or its deadline would pass first.
func (c *call) pause(d time.Duration) bool {
	if deadline, ok := c.ctx.Deadline(); ok && time.Now().Add(d).After(deadline) {
		c.mu.Lock()
		c.stopped = "the next retry would pass the context deadline"
		c.mu.Unlock()
		return false
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-c.ctx.Done():
		return false
	}
}

func (c *call) record(n uint, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n, c.last = n, err
}

// backoff is the pause after the given attempt: base doubled per attempt,
// capped, then jittered into [d/2, d].
func backoff(base, maxDelay time.Duration, attempt uint) time.Duration {
	d := base
	for i := uint(1); i < attempt && d < maxDelay; i++ {
		d *= 2
	}
	d = min(d, maxDelay)
	half := d / 2
	return half + rand.N(d-half+1)
}

// retryable tells whether a failed attempt may succeed when repeated.
func retryable(err error) bool {
	if err == nil {
		return false
	}
	var se common.ServiceError
	if errors.As(err, &se) {
		s := se.GetHTTPStatusCode()
		return s == 429 || (s >= 500 && s <= 599 && s != 501)
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	if common.IsNetworkError(err) {
		return true
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) {
		return true
	}
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNREFUSED)
}

// serviceStatus returns the HTTP status and error code of a service error,
// or 0 and "" for other errors. The code is empty when the response had no
// error document (HEAD requests).
func serviceStatus(err error) (int, string) {
	var se common.ServiceError
	if !errors.As(err, &se) {
		return 0, ""
	}
	code := se.GetCode()
	if code == "BadErrorResponse" {
		code = ""
	}
	return se.GetHTTPStatusCode(), code
}

// ociError is an error with a short message that still unwraps to the SDK's
// error (and to ErrNotExist for missing objects).
type ociError struct {
	msg     string
	wrapped []error
}

func (e *ociError) Error() string   { return e.msg }
func (e *ociError) Unwrap() []error { return e.wrapped }

// fail describes the failure of op on b/key.
func (o *OCI) fail(c *call, op string, b Bucket, key string, err error) error {
	what := op + " " + string(b) + "/" + key
	if key == "" {
		what = op + " bucket " + string(b)
	}
	return o.failf(c, what, b, err)
}

// failf turns an SDK error into a short one starting "oci: what: ". A 404
// about the object wraps ErrNotExist. b names the bucket, for hints ("" when
// unknown).
func (o *OCI) failf(c *call, what string, b Bucket, err error) error {
	c.mu.Lock()
	n, last, stopped := c.n, c.last, c.stopped
	c.mu.Unlock()
	if cerr := c.ctx.Err(); cerr != nil {
		return canceled(what, cerr, err, n, last)
	}
	attempts := ""
	if n > 1 {
		attempts = fmt.Sprintf(", after %d attempts", n)
	}
	if stopped != "" {
		attempts += "; " + stopped
	}
	var se common.ServiceError
	if errors.As(err, &se) {
		return o.serviceFailure(what, b, se, err, attempts)
	}
	if common.IsCircuitBreakerError(err) || strings.Contains(err.Error(), "circuit breaker is open") {
		return &ociError{
			msg:     fmt.Sprintf("oci: %s: not sent: the SDK's circuit breaker is open after repeated 429/5xx answers; calls resume in about 30s", what),
			wrapped: []error{err},
		}
	}
	return &ociError{msg: fmt.Sprintf("oci: %s: %v%s", what, err, attempts), wrapped: []error{err}}
}

// canceled describes a call whose context ended (cerr), with the last
// attempt's error when it was not the context's.
func canceled(what string, cerr, err error, n uint, last error) error {
	msg := fmt.Sprintf("oci: %s: %v", what, cerr)
	if last != nil && !errors.Is(last, context.Canceled) && !errors.Is(last, context.DeadlineExceeded) {
		msg += fmt.Sprintf(" (%s; last error: %s)", plural(n, "attempt"), describeOCIError(last))
	}
	return &ociError{msg: msg, wrapped: []error{cerr, err}}
}

// serviceFailure describes the service's error answer se (err): a failed
// authentication, a missing bucket, a missing object, or else the answer
// and the attempts.
func (o *OCI) serviceFailure(what string, b Bucket, se common.ServiceError, err error, attempts string) error {
	status, code := serviceStatus(err)
	switch {
	case status == 401:
		if code == "" {
			code = "NotAuthenticated"
		}
		msg := fmt.Sprintf("oci: %s: authentication failed (401 %s): %s", what, code, o.authHint)
		if m := se.GetMessage(); m != "" && se.GetCode() != "BadErrorResponse" {
			msg += " (service said: " + m + ")"
		}
		return &ociError{msg: msg, wrapped: []error{err}}
	case status == 404 && isBucketCode(code):
		bucket := "a bucket"
		if name, ok := o.buckets[b]; ok {
			bucket = fmt.Sprintf("bucket %q", name)
		}
		return &ociError{
			msg: fmt.Sprintf("oci: %s: %s not found in namespace %q, or not authorized (404 %s): check %s, OCI_OBJSTR_NAMESPACE and the IAM policy",
				what, bucket, o.cfg.Namespace, code, bucketVar(b)),
			wrapped: []error{err},
		}
	case status == 404:
		return &ociError{
			msg:     fmt.Sprintf("oci: %s: %v (%s)", what, ErrNotExist, strings.TrimSpace("404 "+code)),
			wrapped: []error{ErrNotExist, err},
		}
	}
	return &ociError{msg: fmt.Sprintf("oci: %s: %s%s", what, describeOCIError(err), attempts), wrapped: []error{err}}
}

// describeOCIError is a one-line description of an SDK error: the SDK's own
// message spans several lines of troubleshooting links.
func describeOCIError(err error) string {
	if err == nil {
		return "none"
	}
	var se common.ServiceError
	if !errors.As(err, &se) {
		return err.Error()
	}
	status, code := serviceStatus(err)
	s := fmt.Sprintf("%d", status)
	switch {
	case code != "":
		s += " " + code
	case http.StatusText(status) != "":
		s += " " + http.StatusText(status) // HEAD answers have no error document
	}
	if m := se.GetMessage(); m != "" && se.GetCode() != "BadErrorResponse" {
		s += ": " + m
	}
	if id := se.GetOpcRequestID(); id != "" {
		s += " (opc-request-id " + id + ")"
	}
	return s
}

// bucketVar names the variable that configures b.
func bucketVar(b Bucket) string {
	switch b {
	case Temp:
		return "OCI_BUCKET_MOTANDO_IMGTMP"
	case Public:
		return "OCI_BUCKET_MOTANDO_IMG"
	}
	return "OCI_BUCKET_MOTANDO_IMGTMP, OCI_BUCKET_MOTANDO_IMG"
}

func plural(n uint, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
