//go:build !js

package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"unspool/server/store"
)

// adminUsage lists the operator's commands, which work on a data directory
// whether or not its server is running.
const adminUsage = `usage: unspool-server admin unpublish [-data DIR] SLUG
  unpublish  take a share page down: /t/SLUG answers 410 "taken down by the
             operator" and its content is deleted (SLUG, /t/SLUG or the page's
             whole address)`

// runAdmin runs `unspool-server admin …` with args after "admin".
func runAdmin(args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "unpublish" {
		return fmt.Errorf("%s", adminUsage)
	}
	fs := flag.NewFlagSet("admin unpublish", flag.ContinueOnError)
	dataDir := fs.String("data", envOr("UNSPOOL_DATA", "data"), "the server's data directory (env UNSPOOL_DATA)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("%s", adminUsage)
	}
	slug, err := store.SlugOf(fs.Arg(0))
	if err != nil {
		return err
	}
	shard, err := store.TakeDownShare(context.Background(), *dataDir, slug)
	if err != nil {
		return err
	}
	// Shared caches may keep the page up to its max-age (60 s).
	fmt.Fprintf(stdout, "taken down: /t/%s (shard file %s); caches drop it within a minute\n", slug, store.ShardFile(*dataDir, shard))
	return nil
}
