package ocitest

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"
)

// authenticate verifies the request's HTTP signature (draft-cavage-http-
// signatures-08, as OCI uses it): the Authorization header names the key
// and the signed headers; the signing string is rebuilt from them and
// checked with RSA-PKCS1v15-SHA256 against the trusted public key.
func (s *Server) authenticate(r *http.Request, rt route) error {
	params, err := signatureParams(r)
	if err != nil {
		return err
	}
	keyID := params["keyId"]
	s.mu.Lock()
	pub := s.trusted[keyID]
	s.mu.Unlock()
	if pub == nil {
		return fmt.Errorf("unknown keyId %q", keyID)
	}
	sig, err := base64.StdEncoding.DecodeString(params["signature"])
	if err != nil || len(sig) == 0 {
		return errors.New("the signature is not base64")
	}
	headers, err := signedHeaders(r, rt, params["headers"])
	if err != nil {
		return err
	}
	hashed := sha256.Sum256([]byte(signingString(r, headers)))
	if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, hashed[:], sig); err != nil {
		return errors.New("the signature does not verify")
	}
	if err := checkDate(r); err != nil {
		return err
	}
	if slices.Contains(headers, "x-content-sha256") {
		return checkBodyHash(r)
	}
	return nil
}

// signatureParams returns the parameters of the request's Authorization
// header, an HTTP signature of a supported version and algorithm.
func signatureParams(r *http.Request) (map[string]string, error) {
	auth := r.Header.Get("Authorization")
	if auth == "" {
		return nil, errors.New("no Authorization header")
	}
	rest, ok := strings.CutPrefix(auth, "Signature ")
	if !ok {
		return nil, errors.New("the Authorization header is not an HTTP signature")
	}
	params, err := parseSignatureParams(rest)
	if err != nil {
		return nil, err
	}
	if v, ok := params["version"]; ok && v != "1" {
		return nil, fmt.Errorf("unsupported signature version %q", v)
	}
	if a := params["algorithm"]; a != "rsa-sha256" {
		return nil, fmt.Errorf("unsupported signature algorithm %q", a)
	}
	return params, nil
}

// signedHeaders returns the headers the signature covers, in order, from
// its headers parameter, and checks that it covers those the service
// requires.
func signedHeaders(r *http.Request, rt route, param string) ([]string, error) {
	headers := strings.Fields(strings.ToLower(param))
	if len(headers) == 0 {
		headers = []string{"date"} // the draft's default
	}
	required := []string{"date", "(request-target)", "host"}
	// The service wants the body covered on requests with a body, except
	// for object uploads, which may be too large to hash.
	if (r.Method == http.MethodPost || r.Method == http.MethodPut || r.Method == http.MethodPatch) && rt.op != OpPutObject {
		required = append(required, "content-length", "content-type", "x-content-sha256")
	}
	for _, h := range required {
		if !slices.Contains(headers, h) {
			return nil, fmt.Errorf("header %q is not signed", h)
		}
	}
	return headers, nil
}

// signingString rebuilds the string the client signed: a "name: value"
// line per signed header.
func signingString(r *http.Request, headers []string) string {
	lines := make([]string, len(headers))
	for i, h := range headers {
		var v string
		switch h {
		case "(request-target)":
			v = strings.ToLower(r.Method) + " " + r.RequestURI
		case "host":
			v = r.Host
		case "content-length":
			v = r.Header.Get("Content-Length")
			if v == "" && r.ContentLength >= 0 {
				v = fmt.Sprint(r.ContentLength)
			}
		default:
			v = r.Header.Get(h)
		}
		lines[i] = h + ": " + v
	}
	return strings.Join(lines, "\n")
}

// checkDate checks that the request's Date is within maxClockSkew of the
// server's clock.
func checkDate(r *http.Request) error {
	date, err := http.ParseTime(r.Header.Get("Date"))
	if err != nil {
		return fmt.Errorf("bad Date header %q", r.Header.Get("Date"))
	}
	if skew := time.Since(date); skew > maxClockSkew || skew < -maxClockSkew {
		return fmt.Errorf("the Date header is %s away from the server's clock", skew.Round(time.Second))
	}
	return nil
}

// checkBodyHash checks the body against its x-content-sha256 header, and
// leaves the body to be read again.
func checkBodyHash(r *http.Request) error {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return fmt.Errorf("reading the body: %w", err)
	}
	sum := sha256.Sum256(body)
	if got := r.Header.Get("x-content-sha256"); got != b64(sum[:]) {
		return errors.New("x-content-sha256 does not match the body")
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	return nil
}

// parseSignatureParams splits `k1="v1",k2="v2"` into a map.
func parseSignatureParams(s string) (map[string]string, error) {
	params := map[string]string{}
	for s = strings.TrimSpace(s); s != ""; {
		k, rest, ok := strings.Cut(s, "=")
		if !ok {
			return nil, fmt.Errorf("bad signature parameter %q", s)
		}
		k = strings.TrimSpace(k)
		rest = strings.TrimSpace(rest)
		if !strings.HasPrefix(rest, `"`) {
			return nil, fmt.Errorf("signature parameter %s is not quoted", k)
		}
		end := strings.IndexByte(rest[1:], '"')
		if end < 0 {
			return nil, fmt.Errorf("signature parameter %s is not closed", k)
		}
		if _, dup := params[k]; dup {
			return nil, fmt.Errorf("signature parameter %s repeated", k)
		}
		params[k] = rest[1 : 1+end]
		s = strings.TrimSpace(rest[2+end:])
		if s != "" {
			var found bool
			if s, found = strings.CutPrefix(s, ","); !found {
				return nil, fmt.Errorf("missing comma after signature parameter %s", k)
			}
			s = strings.TrimSpace(s)
		}
	}
	for _, k := range []string{"keyId", "signature", "algorithm"} {
		if params[k] == "" {
			return nil, fmt.Errorf("signature parameter %s missing", k)
		}
	}
	return params, nil
}
