package storage

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/oracle/oci-go-sdk/v65/common"
	"github.com/oracle/oci-go-sdk/v65/objectstorage"
)

// copyServer asks the service to copy the object and waits for the work
// request. The service answers 404 at once when the source is missing.
func (o *OCI) copyServer(ctx context.Context, src Bucket, srcBucket, srcKey string, dst Bucket, dstBucket, dstKey string) error {
	what := fmt.Sprintf("copy %s/%s to %s/%s", src, srcKey, dst, dstKey)
	parent := ctx
	ctx, cancel := context.WithTimeout(ctx, o.cfg.CopyTimeout)
	defer cancel()
	id, err := o.startCopy(ctx, what, src, srcBucket, srcKey, dstBucket, dstKey)
	if err != nil {
		return err
	}
	w := copyWait{o: o, ctx: ctx, parent: parent, what: what, id: id, status: objectstorage.WorkRequestStatusAccepted}
	return w.wait()
}

// startCopy asks the service to copy the object and returns the copy's
// work request.
func (o *OCI) startCopy(ctx context.Context, what string, src Bucket, srcBucket, srcKey, dstBucket, dstKey string) (string, error) {
	c := o.newCall(ctx)
	resp, err := o.client.CopyObject(c.sdk, objectstorage.CopyObjectRequest{
		NamespaceName: &o.cfg.Namespace,
		BucketName:    &srcBucket,
		CopyObjectDetails: objectstorage.CopyObjectDetails{
			// Names in the JSON body are not escaped.
			SourceObjectName:      &srcKey,
			DestinationRegion:     &o.cfg.Region,
			DestinationNamespace:  &o.cfg.Namespace,
			DestinationBucket:     &dstBucket,
			DestinationObjectName: &dstKey,
		},
		RequestMetadata: c.metadata(o.cfg.MaxAttempts),
	})
	if err != nil {
		b := src
		if status, code := serviceStatus(err); status == 404 && isBucketCode(code) {
			b = "" // either bucket may be the missing one
		}
		return "", o.failf(c, what, b, err)
	}
	if resp.OpcWorkRequestId == nil || *resp.OpcWorkRequestId == "" {
		return "", fmt.Errorf("oci: %s: the service returned no opc-work-request-id", what)
	}
	return *resp.OpcWorkRequestId, nil
}

// copyWait follows a copy's work request until it ends or ctx (the copy's
// timeout within parent) does.
type copyWait struct {
	o           *OCI
	ctx, parent context.Context
	what, id    string
	status      objectstorage.WorkRequestStatusEnum // the latest seen
}

// wait polls the work request, soon at first, then at CopyPollInterval,
// until it ends: nil when it completed.
func (w *copyWait) wait() error {
	delay := min(50*time.Millisecond, w.o.cfg.CopyPollInterval)
	timer := time.NewTimer(delay)
	defer timer.Stop()
	for {
		select {
		case <-w.ctx.Done():
			if w.parent.Err() != nil {
				return fmt.Errorf("oci: %s: work request %s %s: %w", w.what, w.id, w.status, w.parent.Err())
			}
			return w.timedOut()
		case <-timer.C:
		}
		if done, err := w.poll(); done {
			return err
		}
		delay = min(2*delay, w.o.cfg.CopyPollInterval)
		timer.Reset(delay)
	}
}

// timedOut is the error of a copy still running at CopyTimeout.
func (w *copyWait) timedOut() error {
	return fmt.Errorf("oci: %s: work request %s still %s after %s (CopyTimeout): %w", w.what, w.id, w.status, w.o.cfg.CopyTimeout, context.DeadlineExceeded)
}

// poll reads the work request's status once; done when the copy ended,
// with its error.
func (w *copyWait) poll() (done bool, _ error) {
	o := w.o
	c := o.newCall(w.ctx)
	wr, err := o.client.GetWorkRequest(c.sdk, objectstorage.GetWorkRequestRequest{
		WorkRequestId:   &w.id,
		RequestMetadata: c.metadata(o.cfg.MaxAttempts),
	})
	if err != nil {
		if w.ctx.Err() != nil && w.parent.Err() == nil {
			return true, w.timedOut()
		}
		return true, o.failf(c, fmt.Sprintf("%s: work request %s", w.what, w.id), "", err)
	}
	w.status = wr.Status
	switch w.status {
	case objectstorage.WorkRequestStatusCompleted:
		return true, nil
	case objectstorage.WorkRequestStatusFailed, objectstorage.WorkRequestStatusCanceled:
		reason := o.workRequestErrors(w.ctx, w.id)
		if l := strings.ToLower(reason); strings.Contains(l, "authoriz") || strings.Contains(l, "permission") {
			reason += " (a server-side copy needs the IAM policy letting the Object Storage service manage objects; or use CopyMode getput)"
		}
		return true, fmt.Errorf("oci: %s: work request %s %s: %s", w.what, w.id, w.status, reason)
	}
	return false, nil
}

// workRequestErrors describes why a work request failed, from
// ListWorkRequestErrors.
func (o *OCI) workRequestErrors(ctx context.Context, id string) string {
	var msgs []string
	var page *string
	for range 5 { // a failed copy has a handful of errors at most
		c := o.newCall(ctx)
		resp, err := o.client.ListWorkRequestErrors(c.sdk, objectstorage.ListWorkRequestErrorsRequest{
			WorkRequestId:   &id,
			Page:            page,
			Limit:           common.Int(100),
			RequestMetadata: c.metadata(o.cfg.MaxAttempts),
		})
		if err != nil {
			msgs = append(msgs, fmt.Sprintf("(could not list the work request errors: %v)", o.failf(c, "list work request errors", "", err)))
			break
		}
		for _, e := range resp.Items {
			switch {
			case e.Code != nil && e.Message != nil:
				msgs = append(msgs, *e.Code+": "+*e.Message)
			case e.Message != nil:
				msgs = append(msgs, *e.Message)
			case e.Code != nil:
				msgs = append(msgs, *e.Code)
			}
		}
		if resp.OpcNextPage == nil || *resp.OpcNextPage == "" {
			break
		}
		page = resp.OpcNextPage
	}
	if len(msgs) == 0 {
		return "the service gave no reason"
	}
	return strings.Join(msgs, "; ")
}

// isBucketCode tells whether a 404's code is about the bucket or namespace
// rather than the object.
func isBucketCode(code string) bool {
	return code == "BucketNotFound" || code == "NamespaceNotFound"
}
