package ocitest

import (
	"bytes"
	"crypto/md5"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/oracle/oci-go-sdk/v65/common"
	"github.com/oracle/oci-go-sdk/v65/loggingingestion"
	"github.com/oracle/oci-go-sdk/v65/objectstorage"
)

// route is what a request's method and path ask for.
type route struct {
	op     string
	ns     string
	bucket string
	object string
	wr     string
}

// parseRoute maps a request to an operation, following the paths of the
// SDK's objectstorage client. Object names may contain "/", escaped or not.
func parseRoute(r *http.Request) route {
	p := r.URL.EscapedPath()
	unknown := route{op: OpUnknown}
	switch {
	case p == "/n" || p == "/n/":
		if r.Method == http.MethodGet {
			return route{op: OpGetNamespace}
		}
		return unknown
	case strings.HasPrefix(p, "/20200831/logs/") && strings.HasSuffix(p, "/actions/push"):
		id, err := url.PathUnescape(strings.TrimSuffix(strings.TrimPrefix(p, "/20200831/logs/"), "/actions/push"))
		if err != nil || id == "" || r.Method != http.MethodPost {
			return unknown
		}
		return route{op: OpPutLogs, object: id}
	case strings.HasPrefix(p, "/workRequests/"):
		rest := strings.TrimPrefix(p, "/workRequests/")
		id, sub, _ := strings.Cut(rest, "/")
		id, err := url.PathUnescape(id)
		if err != nil || id == "" || r.Method != http.MethodGet {
			return unknown
		}
		switch sub {
		case "":
			return route{op: OpGetWorkRequest, wr: id}
		case "errors":
			return route{op: OpListWorkRequestErrors, wr: id}
		}
		return unknown
	case !strings.HasPrefix(p, "/n/"):
		return unknown
	}
	rest := strings.TrimPrefix(p, "/n/")
	ns, rest, _ := strings.Cut(rest, "/")
	b, rest, ok := strings.Cut(rest, "/")
	if !ok || b != "b" {
		return unknown
	}
	bucket, rest, hasMore := strings.Cut(rest, "/")
	ns, err1 := url.PathUnescape(ns)
	bucket, err2 := url.PathUnescape(bucket)
	if err1 != nil || err2 != nil || ns == "" || bucket == "" {
		return unknown
	}
	rt := route{ns: ns, bucket: bucket}
	switch {
	case !hasMore:
		if r.Method == http.MethodHead {
			rt.op = OpHeadBucket
			return rt
		}
	case rest == "o":
		if r.Method == http.MethodGet {
			rt.op = OpListObjects
			return rt
		}
	case rest == "actions/copyObject":
		if r.Method == http.MethodPost {
			rt.op = OpCopyObject
			return rt
		}
	case strings.HasPrefix(rest, "o/"):
		name, err := url.PathUnescape(strings.TrimPrefix(rest, "o/"))
		if err != nil || name == "" {
			return unknown
		}
		rt.object = name
		switch r.Method {
		case http.MethodPut:
			rt.op = OpPutObject
		case http.MethodGet:
			rt.op = OpGetObject
		case http.MethodHead:
			rt.op = OpHeadObject
		case http.MethodDelete:
			rt.op = OpDeleteObject
		default:
			return unknown
		}
		return rt
	}
	return unknown
}

// ServeHTTP counts the request, applies the injected delay and failures,
// verifies the signature and serves the operation.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rt := parseRoute(r)
	w.Header().Set("opc-request-id", randomID())
	if id := r.Header.Get("opc-client-request-id"); id != "" {
		w.Header().Set("opc-client-request-id", id)
	}

	s.mu.Lock()
	s.counts[rt.op]++
	delay := s.delay
	fail := s.failAll
	if fail == 0 && s.failNext > 0 {
		s.failNext--
		fail = s.failNextCode
	}
	s.mu.Unlock()

	if delay > 0 {
		t := time.NewTimer(delay)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		case <-s.quit:
			t.Stop()
			return
		}
	}
	if fail != 0 {
		writeError(w, r, fail, codeFor(fail), "ocitest: injected failure")
		return
	}
	if err := s.authenticate(r, rt); err != nil {
		s.mu.Lock()
		s.authFailures++
		s.mu.Unlock()
		writeError(w, r, http.StatusUnauthorized, "NotAuthenticated", "The required information to complete authentication was not provided or was incorrect: "+err.Error())
		return
	}

	switch rt.op {
	case OpGetNamespace:
		writeJSON(w, http.StatusOK, s.Namespace)
		return
	case OpGetWorkRequest:
		s.getWorkRequest(w, r, rt)
		return
	case OpListWorkRequestErrors:
		s.listWorkRequestErrors(w, r, rt)
		return
	case OpPutLogs:
		s.putLogs(w, r, rt)
		return
	case OpUnknown:
		writeError(w, r, http.StatusNotImplemented, "NotImplemented", fmt.Sprintf("ocitest does not implement %s %s", r.Method, r.URL.EscapedPath()))
		return
	}
	if rt.ns != s.Namespace {
		writeError(w, r, http.StatusNotFound, "NamespaceNotFound", fmt.Sprintf("You do not have authorization to perform this request, or the requested resource could not be found (namespace %q).", rt.ns))
		return
	}
	if !s.hasBucket(rt.bucket) {
		writeError(w, r, http.StatusNotFound, "BucketNotFound", fmt.Sprintf("Either the bucket named '%s' does not exist in the namespace '%s' or you are not authorized to access it", rt.bucket, rt.ns))
		return
	}
	switch rt.op {
	case OpHeadBucket:
		w.Header().Set("ETag", "bucket-"+rt.bucket)
		w.WriteHeader(http.StatusOK)
	case OpListObjects:
		s.listObjects(w, r, rt)
	case OpPutObject:
		s.putObject(w, r, rt)
	case OpGetObject, OpHeadObject:
		s.getObject(w, r, rt)
	case OpDeleteObject:
		s.deleteObject(w, r, rt)
	case OpCopyObject:
		s.copyObject(w, r, rt)
	}
}

func (s *Server) hasBucket(name string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.buckets[name]
	return ok
}

func objectNotFound(w http.ResponseWriter, r *http.Request, bucket, key string) {
	writeError(w, r, http.StatusNotFound, "ObjectNotFound", fmt.Sprintf("The object '%s' was not found in the bucket '%s'", key, bucket))
}

func (s *Server) putObject(w http.ResponseWriter, r *http.Request, rt route) {
	if r.ContentLength < 0 {
		writeError(w, r, http.StatusLengthRequired, "MissingContentLength", "The Content-Length header is required")
		return
	}
	data, err := io.ReadAll(r.Body)
	if err != nil {
		writeError(w, r, http.StatusBadRequest, "InvalidParameter", "reading the body: "+err.Error())
		return
	}
	if int64(len(data)) != r.ContentLength {
		writeError(w, r, http.StatusBadRequest, "InvalidParameter", fmt.Sprintf("got %d bytes, Content-Length is %d", len(data), r.ContentLength))
		return
	}
	if want := r.Header.Get("Content-MD5"); want != "" {
		sum := md5.Sum(data)
		if b64(sum[:]) != want {
			writeError(w, r, http.StatusBadRequest, "InvalidContentMD5", "The Content-MD5 does not match the body")
			return
		}
	}
	obj := newObject(data, r.Header.Get("Content-Type"), time.Now())

	s.mu.Lock()
	old, exists := s.buckets[rt.bucket][rt.object]
	if m := r.Header.Get("if-none-match"); m == "*" && exists {
		s.mu.Unlock()
		writeError(w, r, http.StatusPreconditionFailed, "IfNoneMatchFailed", "The object already exists")
		return
	}
	if m := r.Header.Get("if-match"); m != "" && (!exists || old.etag != m) {
		s.mu.Unlock()
		writeError(w, r, http.StatusPreconditionFailed, "IfMatchFailed", "The ETag does not match")
		return
	}
	if exists {
		obj.created = old.created
	}
	s.buckets[rt.bucket][rt.object] = obj
	s.mu.Unlock()

	w.Header().Set("ETag", obj.etag)
	w.Header().Set("opc-content-md5", obj.md5)
	w.Header().Set("Last-Modified", obj.modified.UTC().Format(http.TimeFormat))
	w.WriteHeader(http.StatusOK)
}

func (s *Server) getObject(w http.ResponseWriter, r *http.Request, rt route) {
	s.mu.Lock()
	obj, ok := s.buckets[rt.bucket][rt.object]
	s.mu.Unlock()
	if !ok {
		objectNotFound(w, r, rt.bucket, rt.object)
		return
	}
	h := w.Header()
	h.Set("Content-Type", obj.contentType)
	h.Set("Content-Length", strconv.Itoa(len(obj.data)))
	h.Set("ETag", obj.etag)
	h.Set("Last-Modified", obj.modified.UTC().Format(http.TimeFormat))
	h.Set("opc-content-md5", obj.md5)
	h.Set("storage-tier", "Standard")
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(obj.data) // objects are never changed in place
	}
}

func (s *Server) deleteObject(w http.ResponseWriter, r *http.Request, rt route) {
	s.mu.Lock()
	obj, ok := s.buckets[rt.bucket][rt.object]
	if ok {
		if m := r.Header.Get("if-match"); m != "" && obj.etag != m {
			s.mu.Unlock()
			writeError(w, r, http.StatusPreconditionFailed, "IfMatchFailed", "The ETag does not match")
			return
		}
		delete(s.buckets[rt.bucket], rt.object)
	}
	s.mu.Unlock()
	if !ok {
		objectNotFound(w, r, rt.bucket, rt.object)
		return
	}
	w.Header().Set("Last-Modified", time.Now().UTC().Format(http.TimeFormat))
	w.WriteHeader(http.StatusNoContent)
}

var listFields = map[string]bool{
	"name": true, "size": true, "etag": true, "timeCreated": true, "md5": true,
	"timeModified": true, "storageTier": true, "archivalState": true,
}

func (s *Server) listObjects(w http.ResponseWriter, r *http.Request, rt route) {
	q := r.URL.Query()
	prefix, start, end, startAfter, delim := q.Get("prefix"), q.Get("start"), q.Get("end"), q.Get("startAfter"), q.Get("delimiter")
	if delim != "" && delim != "/" {
		writeError(w, r, http.StatusBadRequest, "InvalidParameter", "delimiter must be '/'")
		return
	}
	limit := 1000
	if l := q.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > 1000 {
			writeError(w, r, http.StatusBadRequest, "InvalidParameter", "limit must be between 1 and 1000")
			return
		}
		limit = n
	}
	limit = min(limit, s.maxList)
	fields := map[string]bool{"name": true}
	if f := q.Get("fields"); f != "" {
		for _, name := range strings.Split(f, ",") {
			if !listFields[name] {
				writeError(w, r, http.StatusBadRequest, "InvalidParameter", fmt.Sprintf("unknown field %q", name))
				return
			}
			fields[name] = true
		}
	}

	s.mu.Lock()
	objs := s.buckets[rt.bucket]
	names := slices.Sorted(maps.Keys(objs))
	resp := objectstorage.ListObjects{Objects: []objectstorage.ObjectSummary{}}
	prefixes := map[string]bool{}
	n := 0
	for _, name := range names {
		if !strings.HasPrefix(name, prefix) || (start != "" && name < start) || (startAfter != "" && name <= startAfter) || (end != "" && name >= end) {
			continue
		}
		if n == limit {
			resp.NextStartWith = common.String(name)
			break
		}
		if delim != "" {
			if i := strings.Index(name[len(prefix):], delim); i >= 0 {
				p := name[:len(prefix)+i+1]
				if !prefixes[p] {
					prefixes[p] = true
					resp.Prefixes = append(resp.Prefixes, p)
					n++
				}
				continue
			}
		}
		o := objs[name]
		sum := objectstorage.ObjectSummary{Name: common.String(name)}
		if fields["size"] {
			sum.Size = common.Int64(int64(len(o.data)))
		}
		if fields["etag"] {
			sum.Etag = common.String(o.etag)
		}
		if fields["md5"] {
			sum.Md5 = common.String(o.md5)
		}
		if fields["timeCreated"] {
			sum.TimeCreated = &common.SDKTime{Time: o.created}
		}
		if fields["timeModified"] {
			sum.TimeModified = &common.SDKTime{Time: o.modified}
		}
		if fields["storageTier"] {
			sum.StorageTier = objectstorage.StorageTierStandard
		}
		resp.Objects = append(resp.Objects, sum)
		n++
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, resp)
}

func (s *Server) copyObject(w http.ResponseWriter, r *http.Request, rt route) {
	var d objectstorage.CopyObjectDetails
	if err := json.NewDecoder(r.Body).Decode(&d); err != nil {
		writeError(w, r, http.StatusBadRequest, "InvalidParameter", "bad CopyObjectDetails: "+err.Error())
		return
	}
	for name, v := range map[string]*string{
		"sourceObjectName": d.SourceObjectName, "destinationRegion": d.DestinationRegion,
		"destinationNamespace": d.DestinationNamespace, "destinationBucket": d.DestinationBucket,
		"destinationObjectName": d.DestinationObjectName,
	} {
		if v == nil || *v == "" {
			writeError(w, r, http.StatusBadRequest, "MissingParameter", name+" is required")
			return
		}
	}
	if *d.DestinationRegion != s.Region {
		writeError(w, r, http.StatusBadRequest, "InvalidParameter", fmt.Sprintf("ocitest serves only region %q, not %q", s.Region, *d.DestinationRegion))
		return
	}
	if *d.DestinationNamespace != s.Namespace {
		writeError(w, r, http.StatusNotFound, "NamespaceNotFound", fmt.Sprintf("namespace %q not found", *d.DestinationNamespace))
		return
	}

	s.mu.Lock()
	if _, ok := s.buckets[rt.bucket][*d.SourceObjectName]; !ok {
		s.mu.Unlock()
		objectNotFound(w, r, rt.bucket, *d.SourceObjectName)
		return
	}
	if _, ok := s.buckets[*d.DestinationBucket]; !ok {
		s.mu.Unlock()
		writeError(w, r, http.StatusNotFound, "BucketNotFound", fmt.Sprintf("Either the bucket named '%s' does not exist in the namespace '%s' or you are not authorized to access it", *d.DestinationBucket, s.Namespace))
		return
	}
	wr := &workRequest{
		id:        fmt.Sprintf("ocid1.objectstorageworkrequest.oc1.%s.%s", s.Region, randomID()),
		status:    objectstorage.WorkRequestStatusAccepted,
		accepted:  time.Now(),
		srcBucket: rt.bucket,
		srcKey:    *d.SourceObjectName,
		dstBucket: *d.DestinationBucket,
		dstKey:    *d.DestinationObjectName,
		fail:      slices.Clone(s.failCopies),
	}
	s.workRequests[wr.id] = wr
	if s.copyDelay <= 0 {
		s.finishCopy(wr)
	} else {
		s.timers = append(s.timers,
			time.AfterFunc(s.copyDelay/2, func() {
				s.mu.Lock()
				defer s.mu.Unlock()
				if !s.closed && wr.status == objectstorage.WorkRequestStatusAccepted {
					wr.status, wr.started = objectstorage.WorkRequestStatusInProgress, time.Now()
				}
			}),
			time.AfterFunc(s.copyDelay, func() {
				s.mu.Lock()
				defer s.mu.Unlock()
				if !s.closed {
					s.finishCopy(wr)
				}
			}))
	}
	s.mu.Unlock()

	w.Header().Set("opc-work-request-id", wr.id)
	w.WriteHeader(http.StatusAccepted)
}

// finishCopy ends a work request; s.mu is held.
func (s *Server) finishCopy(wr *workRequest) {
	now := time.Now()
	if wr.started.IsZero() {
		wr.started = now
	}
	wr.finished = now
	fail := func(code string, msgs ...string) {
		wr.status = objectstorage.WorkRequestStatusFailed
		for _, m := range msgs {
			wr.errs = append(wr.errs, objectstorage.WorkRequestError{
				Code: common.String(code), Message: common.String(m), Timestamp: &common.SDKTime{Time: now},
			})
		}
	}
	if len(wr.fail) > 0 {
		fail("InternalError", wr.fail...)
		return
	}
	src, ok := s.buckets[wr.srcBucket][wr.srcKey]
	if !ok {
		fail("ObjectNotFound", fmt.Sprintf("The source object '%s' was not found in the bucket '%s'", wr.srcKey, wr.srcBucket))
		return
	}
	dst, ok := s.buckets[wr.dstBucket]
	if !ok {
		fail("BucketNotFound", fmt.Sprintf("The destination bucket '%s' does not exist", wr.dstBucket))
		return
	}
	obj := newObject(src.data, src.contentType, now)
	if old, ok := dst[wr.dstKey]; ok {
		obj.created = old.created
	}
	dst[wr.dstKey] = obj
	wr.status = objectstorage.WorkRequestStatusCompleted
}

func (s *Server) getWorkRequest(w http.ResponseWriter, r *http.Request, rt route) {
	s.mu.Lock()
	wr, ok := s.workRequests[rt.wr]
	var body objectstorage.WorkRequest
	if ok {
		pct := float32(0)
		switch wr.status {
		case objectstorage.WorkRequestStatusInProgress:
			pct = 50
		case objectstorage.WorkRequestStatusCompleted:
			pct = 100
		}
		body = objectstorage.WorkRequest{
			OperationType:   objectstorage.WorkRequestOperationTypeCopyObject,
			Status:          wr.status,
			Id:              common.String(wr.id),
			CompartmentId:   common.String(TenancyOCID),
			PercentComplete: &pct,
			TimeAccepted:    &common.SDKTime{Time: wr.accepted},
			Resources: []objectstorage.WorkRequestResource{
				{
					ActionType: objectstorage.WorkRequestResourceActionTypeRead,
					EntityType: common.String("object"),
					Identifier: common.String(wr.srcKey),
					Metadata:   map[string]string{"BUCKET": wr.srcBucket, "NAMESPACE": s.Namespace, "REGION": s.Region},
				},
				{
					ActionType: objectstorage.WorkRequestResourceActionTypeWritten,
					EntityType: common.String("object"),
					Identifier: common.String(wr.dstKey),
					Metadata:   map[string]string{"BUCKET": wr.dstBucket, "NAMESPACE": s.Namespace, "REGION": s.Region},
				},
			},
		}
		if !wr.started.IsZero() {
			body.TimeStarted = &common.SDKTime{Time: wr.started}
		}
		if !wr.finished.IsZero() {
			body.TimeFinished = &common.SDKTime{Time: wr.finished}
		}
	}
	s.mu.Unlock()
	if !ok {
		writeError(w, r, http.StatusNotFound, "NotFound", fmt.Sprintf("work request %q not found", rt.wr))
		return
	}
	writeJSON(w, http.StatusOK, body)
}

func (s *Server) listWorkRequestErrors(w http.ResponseWriter, r *http.Request, rt route) {
	q := r.URL.Query()
	limit := 100
	if l := q.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > 1000 {
			writeError(w, r, http.StatusBadRequest, "InvalidParameter", "limit must be between 1 and 1000")
			return
		}
		limit = n
	}
	from := 0
	if p := q.Get("page"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 {
			writeError(w, r, http.StatusBadRequest, "InvalidParameter", "bad page token")
			return
		}
		from = n
	}
	s.mu.Lock()
	wr, ok := s.workRequests[rt.wr]
	var items []objectstorage.WorkRequestError
	if ok && from < len(wr.errs) {
		to := min(from+limit, len(wr.errs))
		items = slices.Clone(wr.errs[from:to])
		if to < len(wr.errs) {
			w.Header().Set("opc-next-page", strconv.Itoa(to))
		}
	}
	s.mu.Unlock()
	if !ok {
		writeError(w, r, http.StatusNotFound, "NotFound", fmt.Sprintf("work request %q not found", rt.wr))
		return
	}
	if items == nil {
		items = []objectstorage.WorkRequestError{}
	}
	writeJSON(w, http.StatusOK, items)
}

// codeFor is the service's error code for an injected status.
func codeFor(status int) string {
	switch status {
	case 400:
		return "InvalidParameter"
	case 401:
		return "NotAuthenticated"
	case 403:
		return "NotAuthorized"
	case 404:
		return "NotFound"
	case 409:
		return "Conflict"
	case 429:
		return "TooManyRequests"
	case 500:
		return "InternalServerError"
	case 501:
		return "NotImplemented"
	case 503:
		return "ServiceUnavailable"
	}
	return strings.ReplaceAll(http.StatusText(status), " ", "")
}

// writeError answers with the service's error document (headers only for
// HEAD requests, as the service does).
func writeError(w http.ResponseWriter, r *http.Request, status int, code, message string) {
	if r.Method == http.MethodHead {
		w.WriteHeader(status)
		return
	}
	writeJSON(w, status, map[string]string{"code": code, "message": message})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(v); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

// putLogs keeps the entries of a Logging ingestion PutLogs call.
func (s *Server) putLogs(w http.ResponseWriter, r *http.Request, rt route) {
	var details loggingingestion.PutLogsDetails
	if err := json.NewDecoder(r.Body).Decode(&details); err != nil || details.Specversion == nil || *details.Specversion != "1.0" {
		writeError(w, r, http.StatusBadRequest, "InvalidParameter", "ocitest: PutLogs wants specversion 1.0 and log entry batches")
		return
	}
	s.mu.Lock()
	if s.logs == nil {
		s.logs = map[string][]string{}
	}
	for _, b := range details.LogEntryBatches {
		for _, e := range b.Entries {
			if e.Data != nil {
				s.logs[rt.object] = append(s.logs[rt.object], *e.Data)
			}
		}
	}
	s.mu.Unlock()
	w.WriteHeader(http.StatusOK)
}
