package models

import (
	"context"
	"crypto/pbkdf2"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
)

// djangoPrefix starts the password hashes of the original Django site
// (its default hasher, PBKDF2-HMAC-SHA256), which accounts brought over by
// import-django keep until their first sign-in replaces them.
const djangoPrefix = "pbkdf2_sha256$"

// maxDjangoIterations bounds the work one check may cost: Django's own
// defaults range from 600,000 (4.2) to 1,200,000 (6.0).
const maxDjangoIterations = 3_000_000

// checkDjangoPassword tells whether password matches a Django hash
// "pbkdf2_sha256$<iterations>$<salt>$<base64 key>", in constant time. A
// hash it cannot read matches nothing.
func checkDjangoPassword(ctx context.Context, hash, password string) (bool, error) {
	parts := strings.Split(strings.TrimPrefix(hash, djangoPrefix), "$")
	if len(parts) != 3 {
		return false, nil
	}
	iterations, err := strconv.Atoi(parts[0])
	if err != nil || iterations < 1 || iterations > maxDjangoIterations || parts[1] == "" {
		return false, nil
	}
	want, err := base64.StdEncoding.DecodeString(parts[2])
	if err != nil || len(want) == 0 || len(want) > 64 {
		return false, nil
	}
	var got []byte
	var keyErr error
	if err := withHashSlot(ctx, func() {
		got, keyErr = pbkdf2.Key(sha256.New, password, []byte(parts[1]), iterations, len(want))
	}); err != nil {
		return false, fmt.Errorf("check password: %w", err)
	}
	if keyErr != nil {
		return false, nil
	}
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// NeedsRehash tells whether a stored hash should be replaced by an
// argon2id hash of the same password at the next successful sign-in: a
// Django hash, or an argon2id hash with other parameters than ours.
func NeedsRehash(hash string) bool {
	return !strings.HasPrefix(hash, fmt.Sprintf("$argon2id$v=19$m=%d,t=%d,p=%d$", argonMemory, argonTime, argonThreads))
}
