//go:build !js

// Command server is Unspool's sync server. Natively (this file) it listens on
// 127.0.0.1:8787 and keeps libraries in SQLite under a data directory; built
// for js/wasm (main_js.go) it is the Cloudflare Worker over D1.
//
//	go run ./server [-addr 127.0.0.1:8787] [-data ./data] [-shards 1]
//	go run ./server admin unpublish [-data ./data] SLUG   (admin.go)
//
// Environment: UNSPOOL_ADDR, UNSPOOL_DATA, UNSPOOL_SHARDS (defaults for the
// flags), the limits in config.go (UNSPOOL_RATE_LIMIT, UNSPOOL_RATE_WINDOW,
// UNSPOOL_CREATE_LIMIT, UNSPOOL_MAX_RECORDS, UNSPOOL_MAX_BYTES,
// UNSPOOL_MAX_SHARES, UNSPOOL_BUDGET_BYTES, UNSPOOL_BUDGET_ROWS,
// UNSPOOL_GONE_SECONDS, UNSPOOL_CREATE_TOKEN), UNSPOOL_MAX_CONNS (open
// connections at once, natively; default 512) and UNSPOOL_CLIENT_IP_HEADER
// (behind a reverse proxy: the header holding the client's address).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"golang.org/x/net/netutil"

	serverhttp "unspool/server/http"
	"unspool/server/store"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "admin" {
		if err := runAdmin(os.Args[2:], os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, "unspool server admin:", err)
			os.Exit(1)
		}
		return
	}
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "unspool server:", err)
		os.Exit(1)
	}
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

func run() error {
	addr := flag.String("addr", envOr("UNSPOOL_ADDR", "127.0.0.1:8787"), "address to listen on (env UNSPOOL_ADDR)")
	dataDir := flag.String("data", envOr("UNSPOOL_DATA", "data"), "directory for the SQLite database (env UNSPOOL_DATA)")
	defShards, err := shardsFromEnv(os.Getenv)
	if err != nil {
		return err
	}
	shards := flag.Int("shards", defShards, "SQLite files libraries are spread over (env UNSPOOL_SHARDS); a larger count than a data directory's moves libraries to their new files while serving")
	flag.Parse()
	cfg, err := configFromEnv(os.Getenv)
	if err != nil {
		return err
	}
	createToken, err := createTokenFromEnv(os.Getenv)
	if err != nil {
		return err
	}
	logger := log.New(os.Stderr, "", log.LstdFlags|log.Lmicroseconds)
	maxConns, err := strconv.Atoi(envOr("UNSPOOL_MAX_CONNS", "512"))
	if err != nil || maxConns <= 0 {
		return fmt.Errorf("UNSPOOL_MAX_CONNS=%q: want a positive integer", os.Getenv("UNSPOOL_MAX_CONNS"))
	}

	if err := os.MkdirAll(*dataDir, 0o700); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	st, failed, err := store.OpenShards(ctx, *dataDir, *shards, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	for i, err := range failed {
		if err != nil {
			logger.Printf("shard %d (%s) is unavailable, its libraries get 503 until it opens: %v", i, store.ShardFile(*dataDir, i), err)
		}
	}
	if from := st.GrowingFrom(); from != 0 {
		// Libraries move one at a time while every other one is served.
		logger.Printf("growing from %d to %d shards: moving libraries in the background", from, st.N())
		go func() {
			if err := st.FinishGrowing(ctx, *dataDir, logger.Printf); err != nil {
				logger.Printf("growing stopped (resumes at the next start): %v", err)
			}
		}()
	}

	// Listen before serving so a taken port is an error and exit status 1,
	// not a silent success (workers.Serve's native fallback ignores it).
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("cannot listen on %s: %w", *addr, err)
	}
	// A client that opens connections and never finishes a request holds
	// one goroutine and file descriptor each: at most maxConns are served at
	// once (the rest wait in the kernel's backlog), and every phase of a
	// request has a deadline.
	ln = netutil.LimitListener(ln, maxConns)
	handler := serverhttp.NewHandler(st, st, logger)
	handler.CreateToken = createToken
	// Behind a reverse proxy every client is the proxy's address: the
	// operator names the header the proxy writes the client's into.
	if name := os.Getenv("UNSPOOL_CLIENT_IP_HEADER"); name != "" {
		handler.ClientIP = serverhttp.HeaderClientIP(name)
	}
	srv := httpServer(handler, logger)
	// Tests and scripts read this line for the address (with -addr :0 too).
	logger.Printf("listening on http://%s (data %s, %d shards)", ln.Addr(), *dataDir, st.N())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	logger.Printf("stopped")
	return nil
}

// httpServer is the native server with a deadline on every phase of a
// connection: headers, the whole request, the answer, and the wait for the
// next request on a kept-alive connection. Without them a client that reads
// or sends slowly, or just keeps connections open, holds a goroutine and a
// descriptor each for as long as it likes.
func httpServer(h http.Handler, logger *log.Logger) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       60 * time.Second,
		ErrorLog:          logger,
	}
}
