package main

import (
	"context"
	"errors"
	"flag"
	"io"

	"motando/djangoimport"
)

// importDjango brings a running original (Django) Motando over, with a
// worker of its own publishing the imported ads, and prints what it did.
func importDjango(ctx context.Context, cfg *config, args []string, out io.Writer) error {
	flags := flag.NewFlagSet("import-django", flag.ContinueOnError)
	flags.SetOutput(out)
	from := flags.String("from", "", "the original's MySQL database: user:password@tcp(host:3306)/motandodb")
	workers := flags.Int("workers", 8, "ads imported at once (each downloads its photos)")
	private := flags.Bool("private-photo-hosts", false, "allow photos from this machine or its private network")
	if err := flags.Parse(args); err != nil {
		return err
	}
	if *from == "" {
		return errors.New("usage: motando import-django --from DSN")
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
	svc.announceChanges(nil) // running web processes hear of the new ads
	im := &djangoimport.Importer{Source: src, DB: svc.db, Store: svc.store, Queue: svc.queue, Out: out,
		Workers: *workers, AllowPrivateHosts: *private, Wait: true}
	return withWorker(ctx, cfg, svc, func() error {
		sum, err := im.Run(ctx)
		sum.Print(out)
		return err
	})
}
