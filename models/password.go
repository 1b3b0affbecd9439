package models

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/crypto/argon2"
)

// argon2id parameters (OWASP's recommendation: 19 MiB, 2 passes, 1 lane).
const (
	argonMemory  = 19 * 1024
	argonTime    = 2
	argonThreads = 1
	argonKeyLen  = 32
)

// ErrBusy is returned when every core is busy hashing passwords and none
// freed up within a moment: the caller answers "try again shortly".
var ErrBusy = errors.New("password hashing busy")

// Hashing takes 19 MiB and tens of milliseconds of a core: at most one
// hash per core is computed at a time, and a request waits at most
// hashWait for its turn, so that a flood of sign-ins costs neither
// unbounded memory nor unbounded queues.
var hashSlots = make(chan struct{}, runtime.GOMAXPROCS(0))

// hashesDone counts the hashes computed, for /metrics.
var hashesDone atomic.Int64

// PasswordHashes is how many password hashes this process has computed
// (new passwords and checks alike).
func PasswordHashes() int64 { return hashesDone.Load() }

// hashWait is how long a hash waits for a free core: long enough for the
// few checks a burst lets past the sign-in limits to take their turns on a
// loaded machine, short enough that nobody waits on a page for long.
const hashWait = 5 * time.Second

// withHashSlot runs fn when a core is free for it.
func withHashSlot(ctx context.Context, fn func()) error {
	timer := time.NewTimer(hashWait)
	defer timer.Stop()
	select {
	case hashSlots <- struct{}{}:
	case <-timer.C:
		return ErrBusy
	case <-ctx.Done():
		return ctx.Err()
	}
	fn()
	<-hashSlots
	hashesDone.Add(1)
	// A hash leaves 19 MiB of garbage in one piece. Collected at once, its
	// pages serve the next hash; left to the collector's pace, a burst of
	// sign-ins on a busy machine piles up blocks (RSS 220 MB against 155 MB
	// for 200 sign-ins under load). A collection costs a few milliseconds
	// against the hash's tens.
	runtime.GC()
	return nil
}

// HashPassword hashes a password with argon2id into a PHC string:
// $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>.
func HashPassword(ctx context.Context, password string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	var key []byte
	if err := withHashSlot(ctx, func() {
		key = argon2.IDKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	}); err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

// CheckPassword tells whether password matches the hash, in constant time:
// an argon2id hash in PHC format, or a Django PBKDF2 hash of an imported
// account.
func CheckPassword(ctx context.Context, hash, password string) (bool, error) {
	if strings.HasPrefix(hash, djangoPrefix) {
		return checkDjangoPassword(ctx, hash, password)
	}
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, nil
	}
	var version int
	var memory, passes uint32
	var threads uint8
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, nil
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &memory, &passes, &threads); err != nil {
		return false, nil
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	want, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 {
		return false, nil
	}
	if memory > 4*argonMemory || passes > 4*argonTime || threads > 4 {
		return false, nil // not a hash of ours: never spend more than ours cost
	}
	var got []byte
	if err := withHashSlot(ctx, func() { got = argon2.IDKey([]byte(password), salt, passes, memory, threads, uint32(len(want))) }); err != nil {
		return false, fmt.Errorf("check password: %w", err)
	}
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// dummyHash is checked against when an e-mail is unknown, so that signing in
// takes as long whether the account exists or not.
var dummyHash, _ = HashPassword(context.Background(), "motando-dummy-password")
