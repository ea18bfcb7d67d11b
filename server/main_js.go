//go:build js && wasm

package main

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"os"

	"github.com/syumai/workers"
	"github.com/syumai/workers/cloudflare"
	"github.com/syumai/workers/cloudflare/cron"

	serverhttp "unspool/server/http"
	"unspool/server/library"
	"unspool/server/store"
)

// main runs once per request (and once per cron event): the generated
// worker.mjs starts a fresh Go instance for each, so everything here is
// cheap and nothing is cached.
func main() {
	logger := log.New(os.Stderr, "", 0)
	cfg, err := configFromEnv(cloudflare.Getenv)
	var libs library.LibraryService
	var shares library.ShareService
	var sharded *store.Sharded
	var shards, from, budget int
	var createToken string
	if err == nil {
		createToken, err = createTokenFromEnv(cloudflare.Getenv)
	}
	if err == nil {
		shards, err = shardsFromEnv(cloudflare.Getenv)
	}
	if err == nil {
		from, budget, err = growFromEnv(cloudflare.Getenv, shards)
	}
	if err == nil {
		sharded, err = store.OpenD1Shards(shards, from, cfg)
		libs, shares = sharded, sharded
	}
	if err != nil {
		// Misconfigured deployment: answer every request with a JSON 500
		// rather than letting the instance die with a JS TypeError.
		logger.Printf("startup: %v", err)
		libs, shares = broken{err}, broken{err}
	}
	// While the shard count grows, each cron event moves libraries; the
	// log says when none is left (then deploy without UNSPOOL_SHARDS_FROM).
	cron.ScheduleTaskNonBlock(func(ctx context.Context) error {
		if sharded == nil || sharded.GrowingFrom() == 0 {
			return nil
		}
		moved, done, err := sharded.Grow(ctx, budget)
		if err != nil {
			logger.Printf("growing from %d to %d shards: %d libraries moved, then: %v", from, shards, moved, err)
			return nil // the next event resumes; a failed event only adds noise
		}
		logger.Print(growReport(from, shards, moved, done))
		return nil
	})
	h := serverhttp.NewHandler(libs, shares, logger)
	h.CreateToken = createToken
	h.ClientIP = func(r *http.Request) string {
		if ip := r.Header.Get("CF-Connecting-IP"); ip != "" {
			return ip
		}
		return serverhttp.PeerIP(r)
	}
	workers.Serve(h)
}

// growReport is the mover's log line; "done" is what an operator (and the
// test under wrangler dev) waits for.
func growReport(from, n, moved int, done bool) string {
	state := "more to move"
	if done {
		state = "done"
	}
	return fmt.Sprintf("growing from %d to %d shards: %d libraries moved, %s", from, n, moved, state)
}
