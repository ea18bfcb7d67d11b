//go:build !js

package main

import (
	"io"
	"log"
	"net/http"
	"testing"
	"time"

	"unspool/server/store"
)

func TestConfigFromEnv(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	cfg, err := configFromEnv(env(nil))
	if err != nil || cfg != store.DefaultConfig() {
		t.Fatalf("defaults: %+v %v", cfg, err)
	}
	cfg, err = configFromEnv(env(map[string]string{"UNSPOOL_RATE_LIMIT": "0", "UNSPOOL_MAX_RECORDS": "10", "UNSPOOL_CREATE_LIMIT": "3"}))
	if err != nil || cfg.RateLimit != 0 || cfg.MaxRecords != 10 || cfg.CreateLimit != 3 {
		t.Fatalf("%+v %v", cfg, err)
	}
	cfg, err = configFromEnv(env(map[string]string{"UNSPOOL_BUDGET_BYTES": "1000000", "UNSPOOL_BUDGET_ROWS": "500",
		"UNSPOOL_MAX_SHARES": "7", "UNSPOOL_GONE_SECONDS": "60"}))
	if err != nil || cfg.BudgetBytes != 1_000_000 || cfg.BudgetRows != 500 || cfg.MaxShares != 7 || cfg.GoneSeconds != 60 {
		t.Fatalf("storage limits: %+v %v", cfg.Limits, err)
	}
	for _, bad := range []map[string]string{
		{"UNSPOOL_BUDGET_BYTES": "0"},
		{"UNSPOOL_MAX_SHARES": "-3"},
		{"UNSPOOL_GONE_SECONDS": "30d"},
		{"UNSPOOL_RATE_LIMIT": "-1"},
		{"UNSPOOL_RATE_WINDOW": "a minute"},
		{"UNSPOOL_MAX_BYTES": "0"},
		{"UNSPOOL_MAX_RECORDS": "1e3"},
	} {
		if _, err := configFromEnv(env(bad)); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
}

func TestShardsFromEnv(t *testing.T) {
	for v, want := range map[string]int{"": 1, "1": 1, "4": 4, "1000": 1000} {
		if n, err := shardsFromEnv(func(string) string { return v }); err != nil || n != want {
			t.Errorf("UNSPOOL_SHARDS=%q: %d %v, want %d", v, n, err, want)
		}
	}
	for _, bad := range []string{"0", "-2", "four", "1001"} {
		if _, err := shardsFromEnv(func(string) string { return bad }); err == nil {
			t.Errorf("UNSPOOL_SHARDS=%q accepted", bad)
		}
	}
}

func TestGrowFromEnv(t *testing.T) {
	env := func(from, budget string) func(string) string {
		return func(k string) string {
			return map[string]string{"UNSPOOL_SHARDS_FROM": from, "UNSPOOL_GROW_BUDGET": budget}[k]
		}
	}
	for v, want := range map[string]int{"": 0, "1": 1, "3": 3} {
		if from, budget, err := growFromEnv(env(v, ""), 4); err != nil || from != want || budget != defaultGrowBudget {
			t.Errorf("UNSPOOL_SHARDS_FROM=%q: %d %d %v, want %d", v, from, budget, err, want)
		}
	}
	for _, bad := range []string{"0", "4", "5", "-1", "x"} {
		if _, _, err := growFromEnv(env(bad, ""), 4); err == nil {
			t.Errorf("UNSPOOL_SHARDS_FROM=%q accepted with 4 shards", bad)
		}
	}
	if _, budget, err := growFromEnv(env("2", "50"), 4); err != nil || budget != 50 {
		t.Errorf("UNSPOOL_GROW_BUDGET=50: %d %v", budget, err)
	}
	for _, bad := range []string{"19", "0", "x"} {
		if _, _, err := growFromEnv(env("2", bad), 4); err == nil {
			t.Errorf("UNSPOOL_GROW_BUDGET=%q accepted", bad)
		}
	}
}

func TestCreateTokenFromEnv(t *testing.T) {
	for v, ok := range map[string]bool{"": true, "0123456789abcdef": true, "short-token": false} {
		got, err := createTokenFromEnv(func(string) string { return v })
		if (err == nil) != ok || (ok && got != v) {
			t.Errorf("UNSPOOL_CREATE_TOKEN=%q: %q %v", v, got, err)
		}
	}
}

// Every phase of a native connection has a deadline (a zero one is none).
func TestHTTPServerHasEveryTimeout(t *testing.T) {
	srv := httpServer(http.NotFoundHandler(), log.New(io.Discard, "", 0))
	for name, d := range map[string]time.Duration{
		"ReadHeaderTimeout": srv.ReadHeaderTimeout, "ReadTimeout": srv.ReadTimeout,
		"WriteTimeout": srv.WriteTimeout, "IdleTimeout": srv.IdleTimeout,
	} {
		if d <= 0 || d > 2*time.Minute {
			t.Errorf("%s = %v, want a deadline of at most 2 minutes", name, d)
		}
	}
}
