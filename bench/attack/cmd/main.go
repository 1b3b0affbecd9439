// Command attack runs bench/attack against a freshly built Motando on the
// loopback and prints its report as a Markdown table:
//
//	go run ./bench/attack/cmd
//	go run ./bench/attack/cmd -bodies 50 -size 60000000 -body-for 10s -signins 500
//
// It exits 1 when the site broke one of its promises (see
// attack.Report.Problems).
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"motando/bench/attack"
)

func main() {
	o := attack.Options{Log: os.Stderr}
	flag.IntVar(&o.Bodies, "bodies", 50, "concurrent attackers sending large anonymous bodies")
	flag.Int64Var(&o.BodySize, "size", 60_000_000, "bytes in each large body")
	flag.DurationVar(&o.BodyFor, "body-for", 10*time.Second, "how long the attackers go on sending large bodies")
	flag.IntVar(&o.Signins, "signins", 500, "concurrent sign-ins with a wrong password for one e-mail")
	flag.IntVar(&o.Probes, "probes", 4, "contact-form probes with registered and with unknown e-mails")
	flag.Parse()
	dir, err := os.MkdirTemp("", "motando-attack-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	o.Dir = dir
	o.Binary = filepath.Join(dir, "motando")
	if out, err := exec.Command("go", "build", "-o", o.Binary, ".").CombinedOutput(); err != nil {
		log.Fatalf("build: %v\n%s", err, out)
	}
	r, err := attack.Run(context.Background(), o)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Print(r.Table(o))
	problems := r.Problems()
	for _, p := range problems {
		fmt.Println("problem:", p)
	}
	if len(problems) > 0 {
		os.Exit(1)
	}
}
