//go:build js && wasm

package main

import (
	"log"
	"net/http"
	"os"

	"github.com/syumai/workers"
	"github.com/syumai/workers/cloudflare"

	serverhttp "unspool/server/http"
	"unspool/server/library"
	"unspool/server/store"
)

// main runs once per request: the generated worker.mjs starts a fresh Go
// instance for each, so everything here is cheap and nothing is cached.
func main() {
	logger := log.New(os.Stderr, "", 0)
	cfg, err := configFromEnv(cloudflare.Getenv)
	var libs library.LibraryService
	var shards int
	if err == nil {
		shards, err = shardsFromEnv(cloudflare.Getenv)
	}
	if err == nil {
		libs, err = store.OpenD1Shards(shards, cfg)
	}
	if err != nil {
		// Misconfigured deployment: answer every request with a JSON 500
		// rather than letting the instance die with a JS TypeError.
		logger.Printf("startup: %v", err)
		libs = broken{err}
	}
	h := serverhttp.NewHandler(libs, logger)
	h.ClientIP = func(r *http.Request) string {
		if ip := r.Header.Get("CF-Connecting-IP"); ip != "" {
			return ip
		}
		return serverhttp.PeerIP(r)
	}
	workers.Serve(h)
}
