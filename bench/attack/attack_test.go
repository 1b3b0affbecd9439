package attack

import (
	"context"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// TestAttackShort is bench/attack in its short form, for CI: the site's
// memory stays bounded under large bodies and a burst of sign-ins, the
// sign-in limit holds, and the contact form does not tell registered
// e-mails apart. Latency is reported, not asserted.
func TestAttackShort(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the site and attacks it for several seconds")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "motando")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Dir = "../.."
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	o := Options{Binary: bin, Dir: dir, Bodies: 50, BodySize: 60_000_000, BodyFor: 2 * time.Second, Signins: 200, Probes: 2, Log: t.Output()}
	r, err := Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + r.Table(o))
	if r.BodyStatus[413] == 0 || r.BodyStatus[411] == 0 || r.SigninStatus[429] == 0 || r.SigninChecked == 0 || r.ProbeAnswers == 0 {
		t.Errorf("the attack did too little: %+v", r)
	}
	for _, p := range r.Problems() {
		t.Error(p)
	}
}
