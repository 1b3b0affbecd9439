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
	switch {
	case p == "/n" || p == "/n/":
		if r.Method == http.MethodGet {
			return route{op: OpGetNamespace}
		}
	case strings.HasPrefix(p, logsPrefix) && strings.HasSuffix(p, pushSuffix):
		return logsRoute(r, strings.TrimSuffix(strings.TrimPrefix(p, logsPrefix), pushSuffix))
	case strings.HasPrefix(p, "/workRequests/"):
		return workRequestRoute(r, strings.TrimPrefix(p, "/workRequests/"))
	case strings.HasPrefix(p, "/n/"):
		return bucketRoute(r, strings.TrimPrefix(p, "/n/"))
	}
	return route{op: OpUnknown}
}

// The path of a log's push: logsPrefix, the log's id, pushSuffix.
const (
	logsPrefix = "/20200831/logs/"
	pushSuffix = "/actions/push"
)

// logsRoute maps a push of log entries to the log of the escaped id.
func logsRoute(r *http.Request, escaped string) route {
	id, err := url.PathUnescape(escaped)
	if err != nil || id == "" || r.Method != http.MethodPost {
		return route{op: OpUnknown}
	}
	return route{op: OpPutLogs, object: id}
}

// workRequestOps are the operations on a work request, by the path after
// its id.
var workRequestOps = map[string]string{
	"":       OpGetWorkRequest,
	"errors": OpListWorkRequestErrors,
}

// workRequestRoute maps a request for a work request, given the path
// after "/workRequests/".
func workRequestRoute(r *http.Request, p string) route {
	id, sub, _ := strings.Cut(p, "/")
	id, err := url.PathUnescape(id)
	op, known := workRequestOps[sub]
	if err != nil || id == "" || r.Method != http.MethodGet || !known {
		return route{op: OpUnknown}
	}
	return route{op: op, wr: id}
}

// bucketOps are the operations on a bucket as a whole, by the path after
// the bucket's name ("" for none): the method each takes and the
// operation.
var bucketOps = map[string]struct{ method, op string }{
	"":                    {http.MethodHead, OpHeadBucket},
	"/o":                  {http.MethodGet, OpListObjects},
	"/actions/copyObject": {http.MethodPost, OpCopyObject},
}

// objectOps are the operations on an object, by method.
var objectOps = map[string]string{
	http.MethodPut:    OpPutObject,
	http.MethodGet:    OpGetObject,
	http.MethodHead:   OpHeadObject,
	http.MethodDelete: OpDeleteObject,
}

// bucketRoute maps a request in a namespace's bucket, given the path
// after "/n/": "<ns>/b/<bucket>", then the bucket's operation or
// "/o/<object>".
func bucketRoute(r *http.Request, p string) route {
	unknown := route{op: OpUnknown}
	ns, rest, _ := strings.Cut(p, "/")
	b, rest, ok := strings.Cut(rest, "/")
	if !ok || b != "b" {
		return unknown
	}
	bucket, rest := rest, ""
	if i := strings.IndexByte(bucket, '/'); i >= 0 {
		bucket, rest = bucket[:i], bucket[i:]
	}
	ns, err1 := url.PathUnescape(ns)
	bucket, err2 := url.PathUnescape(bucket)
	if err1 != nil || err2 != nil || ns == "" || bucket == "" {
		return unknown
	}
	rt := route{ns: ns, bucket: bucket}
	if name, isObject := strings.CutPrefix(rest, "/o/"); isObject {
		return objectRoute(r, rt, name)
	}
	if op, ok := bucketOps[rest]; ok && r.Method == op.method {
		rt.op = op.op
		return rt
	}
	return unknown
}

// objectRoute maps a request for the object of the escaped name in the
// bucket of rt.
func objectRoute(r *http.Request, rt route, escaped string) route {
	name, err := url.PathUnescape(escaped)
	op, ok := objectOps[r.Method]
	if err != nil || name == "" || !ok {
		return route{op: OpUnknown}
	}
	rt.object, rt.op = name, op
	return rt
}

// ServeHTTP counts the request, applies the injected delay and failures,
// verifies the signature and serves the operation.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rt := parseRoute(r)
	w.Header().Set("opc-request-id", randomID())
	if id := r.Header.Get("opc-client-request-id"); id != "" {
		w.Header().Set("opc-client-request-id", id)
	}
	delay, fail := s.admit(rt.op)
	if !s.wait(r, delay) {
		return
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
	if s.serveService(w, r, rt) || !s.checkBucket(w, r, rt) {
		return
	}
	s.serveBucket(w, r, rt)
}

// admit counts a request for op and returns the delay and the injected
// failure (an HTTP status, 0 for none) it gets.
func (s *Server) admit(op string) (delay time.Duration, fail int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.counts[op]++
	fail = s.failAll
	if fail == 0 && s.failNext > 0 {
		s.failNext--
		fail = s.failNextCode
	}
	return s.delay, fail
}

// wait sleeps for the delay; false when the request or the server ends
// first.
func (s *Server) wait(r *http.Request, delay time.Duration) bool {
	if delay <= 0 {
		return true
	}
	t := time.NewTimer(delay)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	case <-s.quit:
		return false
	}
}

// serveService serves the operations outside buckets (and unknown ones);
// false for a bucket's operation.
func (s *Server) serveService(w http.ResponseWriter, r *http.Request, rt route) bool {
	switch rt.op {
	case OpGetNamespace:
		writeJSON(w, http.StatusOK, s.Namespace)
	case OpGetWorkRequest:
		s.getWorkRequest(w, r, rt)
	case OpListWorkRequestErrors:
		s.listWorkRequestErrors(w, r, rt)
	case OpPutLogs:
		s.putLogs(w, r, rt)
	case OpUnknown:
		writeError(w, r, http.StatusNotImplemented, "NotImplemented", fmt.Sprintf("ocitest does not implement %s %s", r.Method, r.URL.EscapedPath()))
	default:
		return false
	}
	return true
}

// checkBucket reports whether the route's namespace is served and its
// bucket exists, answering the request when not.
func (s *Server) checkBucket(w http.ResponseWriter, r *http.Request, rt route) bool {
	if rt.ns != s.Namespace {
		writeError(w, r, http.StatusNotFound, "NamespaceNotFound", fmt.Sprintf("You do not have authorization to perform this request, or the requested resource could not be found (namespace %q).", rt.ns))
		return false
	}
	if !s.hasBucket(rt.bucket) {
		writeError(w, r, http.StatusNotFound, "BucketNotFound", fmt.Sprintf("Either the bucket named '%s' does not exist in the namespace '%s' or you are not authorized to access it", rt.bucket, rt.ns))
		return false
	}
	return true
}

// serveBucket serves an operation in an existing bucket.
func (s *Server) serveBucket(w http.ResponseWriter, r *http.Request, rt route) {
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

// listObjects lists a bucket's objects, in name order, as the service
// does: within a prefix and a range of names, the names under a
// delimiter folded into prefixes, a page at a time, with the fields asked
// for.
func (s *Server) listObjects(w http.ResponseWriter, r *http.Request, rt route) {
	lq, problem := parseListQuery(r.URL.Query())
	if problem != "" {
		writeError(w, r, http.StatusBadRequest, "InvalidParameter", problem)
		return
	}
	lq.limit = min(lq.limit, s.maxList)
	s.mu.Lock()
	resp := lq.list(s.buckets[rt.bucket])
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, resp)
}

// listQuery is what a listing asks for.
type listQuery struct {
	prefix, start, end, startAfter, delim string
	limit                                 int
	fields                                map[string]bool
}

// parseListQuery reads a listing's parameters; problem says what is wrong
// with them, "" when nothing.
func parseListQuery(q url.Values) (lq listQuery, problem string) {
	lq = listQuery{prefix: q.Get("prefix"), start: q.Get("start"), end: q.Get("end"), startAfter: q.Get("startAfter"), delim: q.Get("delimiter"),
		limit: 1000, fields: map[string]bool{"name": true}}
	if lq.delim != "" && lq.delim != "/" {
		return lq, "delimiter must be '/'"
	}
	if l := q.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > 1000 {
			return lq, "limit must be between 1 and 1000"
		}
		lq.limit = n
	}
	if f := q.Get("fields"); f != "" {
		for _, name := range strings.Split(f, ",") {
			if !listFields[name] {
				return lq, fmt.Sprintf("unknown field %q", name)
			}
			lq.fields[name] = true
		}
	}
	return lq, ""
}

// selects reports whether the name is within the prefix and the range.
func (lq *listQuery) selects(name string) bool {
	return strings.HasPrefix(name, lq.prefix) && (lq.start == "" || name >= lq.start) &&
		(lq.startAfter == "" || name > lq.startAfter) && (lq.end == "" || name < lq.end)
}

// list answers the listing from a bucket's objects.
func (lq *listQuery) list(objs map[string]*object) objectstorage.ListObjects {
	resp := objectstorage.ListObjects{Objects: []objectstorage.ObjectSummary{}}
	prefixes := map[string]bool{}
	n := 0
	for _, name := range slices.Sorted(maps.Keys(objs)) {
		if !lq.selects(name) {
			continue
		}
		if n == lq.limit {
			resp.NextStartWith = common.String(name)
			break
		}
		if p, folded := lq.folded(name); folded {
			if !prefixes[p] {
				prefixes[p] = true
				resp.Prefixes = append(resp.Prefixes, p)
				n++
			}
			continue
		}
		resp.Objects = append(resp.Objects, summary(name, objs[name], lq.fields))
		n++
	}
	return resp
}

// folded returns the prefix a name is folded into: up to the delimiter's
// first occurrence after the listing's prefix; false when it is not.
func (lq *listQuery) folded(name string) (string, bool) {
	if lq.delim == "" {
		return "", false
	}
	i := strings.Index(name[len(lq.prefix):], lq.delim)
	if i < 0 {
		return "", false
	}
	return name[:len(lq.prefix)+i+1], true
}

// summary describes an object with the fields asked for.
func summary(name string, o *object, fields map[string]bool) objectstorage.ObjectSummary {
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
	return sum
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
