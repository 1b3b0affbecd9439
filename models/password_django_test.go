package models

import (
	"context"
	"testing"
)

// The hash below was made by Python's hashlib.pbkdf2_hmac, as Django's
// PBKDF2PasswordHasher does: pbkdf2_sha256$<iterations>$<salt>$<base64>.
const djangoVector = "pbkdf2_sha256$600000$seasalt$OAXyhAQ/4ZDA9V5RMExt3C1OwQdUpLZ99vm1McFlLRA="

func TestDjangoPasswordHashes(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		hash, password string
		want           bool
	}{
		{djangoVector, "lètmein", true},
		{djangoVector, "letmein", false},
		{djangoVector, "lètmein ", false},
		{"pbkdf2_sha256$600000$seasalt$AAAA", "lètmein", false},
		{"pbkdf2_sha256$99999999$seasalt$OAXyhAQ/4ZDA9V5RMExt3C1OwQdUpLZ99vm1McFlLRA=", "lètmein", false}, // past the iterations bound
		{"pbkdf2_sha256$600000$OAXyhAQ/4ZDA9V5RMExt3C1OwQdUpLZ99vm1McFlLRA=", "lètmein", false},
		{"!unusable-django-password", "", false},
		{"pbkdf2_sha1$600000$seasalt$OAXyhAQ/4ZDA9V5RMExt3C1OwQdUpLZ99vm1McFlLRA=", "lètmein", false},
	} {
		got, err := CheckPassword(ctx, c.hash, c.password)
		if err != nil || got != c.want {
			t.Errorf("CheckPassword(%q, %q) = %v, %v; want %v", c.hash, c.password, got, err, c.want)
		}
	}
	if !NeedsRehash(djangoVector) {
		t.Error("a Django hash must be replaced at the next sign-in")
	}
	ours, err := HashPassword(ctx, "lètmein")
	if err != nil {
		t.Fatal(err)
	}
	if NeedsRehash(ours) {
		t.Errorf("our own hash %q is not to be replaced", ours)
	}
}
