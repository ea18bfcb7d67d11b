package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestGeneratedIsCurrent fails when a Go value or golden the extension reads
// changed without `go generate ./shared/...`, so the committed .gen.js files
// always match Go.
func TestGeneratedIsCurrent(t *testing.T) {
	files, err := generate()
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range files {
		got, err := os.ReadFile(filepath.Join(extensionShared, name))
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Errorf("extension/shared/%s is stale: run `go generate ./shared/...` and commit it", name)
		}
	}
}

func TestWarmupIsTheGolden(t *testing.T) {
	js, err := warmupJS(warmupGoldens)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`export const url = "https://x.com/loom_weaver/status/1900000000000600000";`,
		`export const collected = "{\"html\":[`,
		`export const jsonURL = "https://x.com/loom_weaver/status/1900000000001300000";`,
		`export const jsonCollected = "{\"html\":null,\"json\":[`,
	} {
		if !strings.Contains(string(js), want) {
			t.Errorf("warmup.gen.js lacks %s", want)
		}
	}
}
