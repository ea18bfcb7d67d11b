package main

import (
	"fmt"
	"strconv"

	"unspool/server/store"
)

// configFromEnv reads the tunable limits from UNSPOOL_* variables: the
// process environment natively, wrangler.toml [vars] (or `wrangler dev
// --var`) on Workers. Unset variables keep store.DefaultConfig.
func configFromEnv(getenv func(string) string) (store.Config, error) {
	cfg := store.DefaultConfig()
	for _, v := range []struct {
		name string
		dst  *int64
	}{
		{"UNSPOOL_MAX_RECORDS", &cfg.MaxRecords},
		{"UNSPOOL_MAX_BYTES", &cfg.MaxBytes},
		{"UNSPOOL_MAX_SHARES", &cfg.MaxShares},
		{"UNSPOOL_BUDGET_BYTES", &cfg.BudgetBytes},
		{"UNSPOOL_BUDGET_ROWS", &cfg.BudgetRows},
		{"UNSPOOL_GONE_SECONDS", &cfg.GoneSeconds},
	} {
		if s := getenv(v.name); s != "" {
			n, err := strconv.ParseInt(s, 10, 64)
			if err != nil || n <= 0 {
				return cfg, fmt.Errorf("%s=%q: want a positive integer", v.name, s)
			}
			*v.dst = n
		}
	}
	for _, v := range []struct {
		name string
		dst  *int
	}{
		{"UNSPOOL_RATE_LIMIT", &cfg.RateLimit}, // 0 turns rate limiting off
		{"UNSPOOL_CREATE_LIMIT", &cfg.CreateLimit},
		{"UNSPOOL_KEY_GUESS_LIMIT", &cfg.KeyGuessLimit}, // wrong keys per client address; 0 turns it off
		{"UNSPOOL_RATE_WINDOW", &cfg.RateWindow},
	} {
		if s := getenv(v.name); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil || n < 0 {
				return cfg, fmt.Errorf("%s=%q: want a non-negative integer", v.name, s)
			}
			*v.dst = n
		}
	}
	return cfg, nil
}

// shardsFromEnv reads UNSPOOL_SHARDS, the number of databases libraries are
// spread over (natively SQLite files, on Workers the D1 bindings DB_0…):
// 1 when unset.
func shardsFromEnv(getenv func(string) string) (int, error) {
	s := getenv("UNSPOOL_SHARDS")
	if s == "" {
		return 1, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > store.MaxShards {
		return 0, fmt.Errorf("UNSPOOL_SHARDS=%q: want 1..%d", s, store.MaxShards)
	}
	return n, nil
}

// growFromEnv reads UNSPOOL_SHARDS_FROM (Workers): while the shard count
// grows to n, the count libraries were placed over before (docs/scaling.md,
// Re-sharding); 0 when unset. Natively the data directory records it. And
// UNSPOOL_GROW_BUDGET: the D1 statements one cron event of the mover may
// run — a Worker invocation may run 1,000 D1 queries on the paid plan, 50
// on the free one; the default leaves room for the event's other reads.
func growFromEnv(getenv func(string) string, n int) (from, budget int, err error) {
	budget = defaultGrowBudget
	if s := getenv("UNSPOOL_GROW_BUDGET"); s != "" {
		budget, err = strconv.Atoi(s)
		if err != nil || budget < minGrowBudget {
			return 0, 0, fmt.Errorf("UNSPOOL_GROW_BUDGET=%q: want an integer ≥ %d", s, minGrowBudget)
		}
	}
	s := getenv("UNSPOOL_SHARDS_FROM")
	if s == "" {
		return 0, budget, nil
	}
	from, err = strconv.Atoi(s)
	if err != nil || from < 1 || from >= n {
		return 0, 0, fmt.Errorf("UNSPOOL_SHARDS_FROM=%q: want 1..%d (less than UNSPOOL_SHARDS)", s, n-1)
	}
	return from, budget, nil
}

const (
	defaultGrowBudget = 800
	// A move's own statements and a page of ids: less and nothing moves.
	minGrowBudget = 20
)

// minCreateTokenLength keeps a creation token out of guessing range: wrong
// tokens are not rate-limited, so the token itself must be the barrier.
const minCreateTokenLength = 16

// createTokenFromEnv reads UNSPOOL_CREATE_TOKEN: when set, only requests
// carrying it create libraries (a private deployment); "" leaves creation
// open.
func createTokenFromEnv(getenv func(string) string) (string, error) {
	t := getenv("UNSPOOL_CREATE_TOKEN")
	if t != "" && len(t) < minCreateTokenLength {
		return "", fmt.Errorf("UNSPOOL_CREATE_TOKEN: want at least %d characters", minCreateTokenLength)
	}
	return t, nil
}
