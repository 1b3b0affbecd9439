package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"motando/djangoimport"
)

const importUsage = `Usage: motando import-django --from DSN [--workers N] [--private-photo-hosts]

Brings a running original (Django) Motando over into this site (its
configuration: database, buckets, Redis): accounts, ads with their photos
(published by a worker this command runs), chats. Run it again to import
only what is new. DSN is the original's MySQL database in the Go driver's
form, e.g. 'motando:secret@tcp(db.old.example:3306)/motandodb'; it may come
from MOTANDO_IMPORT_FROM instead, kept out of the shell's history.

`

// importDjango brings a running original (Django) Motando over, with a
// worker of its own publishing the imported ads. Progress goes to out, the
// summary to stdout.
func importDjango(ctx context.Context, cfg *config, args []string, out io.Writer) error {
	flags := flag.NewFlagSet("import-django", flag.ContinueOnError)
	flags.SetOutput(out)
	flags.Usage = func() { fmt.Fprint(out, importUsage); flags.PrintDefaults() }
	from := flags.String("from", os.Getenv("MOTANDO_IMPORT_FROM"), "the original's MySQL database (DSN)")
	workers := flags.Int("workers", 8, "ads imported at once, each downloading its photos (1–64)")
	private := flags.Bool("private-photo-hosts", false, "allow photos from this machine or its private network")
	if err := flags.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if err := checkImportArgs(*from, *workers, flags.Args()); err != nil {
		flags.Usage()
		return err
	}
	src, err := djangoimport.OpenSource(*from)
	if err != nil {
		return err
	}
	defer src.Close()
	svc, err := openServices(ctx, cfg)
	if err != nil {
		return err
	}
	defer svc.close()
	fmt.Fprintf(out, "Importando de %s para %s.\n", djangoimport.SourceName(*from), cfg.databaseName())
	svc.announceChanges(nil) // running web processes hear of the new ads
	im := &djangoimport.Importer{Source: src, DB: svc.db, Store: svc.store, Queue: svc.queue, Out: out,
		Workers: *workers, AllowPrivateHosts: *private, Wait: true}
	return withWorker(ctx, cfg, svc, func() error {
		sum, err := im.Run(ctx)
		sum.Print(os.Stdout)
		return err
	})
}

// checkImportArgs refuses a missing or mistyped DSN and a pool size out of
// bounds.
func checkImportArgs(from string, workers int, rest []string) error {
	switch {
	case len(rest) > 0:
		return fmt.Errorf("unexpected argument %q: the DSN goes after --from", rest[0])
	case from == "":
		return errors.New("--from is required (or MOTANDO_IMPORT_FROM)")
	case strings.Contains(from, "://"):
		return errors.New("--from takes the Go MySQL driver's form user:password@tcp(host:3306)/database, not a URL")
	case workers < 1 || workers > 64:
		return fmt.Errorf("--workers %d: between 1 and 64", workers)
	}
	return nil
}
