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
		return o.failf(c, what, b, err)
	}
	if resp.OpcWorkRequestId == nil || *resp.OpcWorkRequestId == "" {
		return fmt.Errorf("oci: %s: the service returned no opc-work-request-id", what)
	}
	id := *resp.OpcWorkRequestId

	status := objectstorage.WorkRequestStatusAccepted
	delay := min(50*time.Millisecond, o.cfg.CopyPollInterval)
	timer := time.NewTimer(delay)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			if parent.Err() != nil {
				return fmt.Errorf("oci: %s: work request %s %s: %w", what, id, status, parent.Err())
			}
			return fmt.Errorf("oci: %s: work request %s still %s after %s (CopyTimeout): %w", what, id, status, o.cfg.CopyTimeout, context.DeadlineExceeded)
		case <-timer.C:
		}
		c := o.newCall(ctx)
		wr, err := o.client.GetWorkRequest(c.sdk, objectstorage.GetWorkRequestRequest{
			WorkRequestId:   &id,
			RequestMetadata: c.metadata(o.cfg.MaxAttempts),
		})
		if err != nil {
			if ctx.Err() != nil && parent.Err() == nil {
				return fmt.Errorf("oci: %s: work request %s still %s after %s (CopyTimeout): %w", what, id, status, o.cfg.CopyTimeout, context.DeadlineExceeded)
			}
			return o.failf(c, fmt.Sprintf("%s: work request %s", what, id), "", err)
		}
		status = wr.Status
		switch status {
		case objectstorage.WorkRequestStatusCompleted:
			return nil
		case objectstorage.WorkRequestStatusFailed, objectstorage.WorkRequestStatusCanceled:
			reason := o.workRequestErrors(ctx, id)
			if l := strings.ToLower(reason); strings.Contains(l, "authoriz") || strings.Contains(l, "permission") {
				reason += " (a server-side copy needs the IAM policy letting the Object Storage service manage objects; or use CopyMode getput)"
			}
			return fmt.Errorf("oci: %s: work request %s %s: %s", what, id, status, reason)
		}
		delay = min(2*delay, o.cfg.CopyPollInterval)
		timer.Reset(delay)
	}
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
