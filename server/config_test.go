//go:build !js

package main

import (
	"testing"

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
	for _, bad := range []map[string]string{
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
