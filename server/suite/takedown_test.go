package suite

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"unspool/server/store"
)

// takeDown is the operator's kill-switch for a share page, as docs/server.md
// tells an operator to pull it: natively `unspool-server admin unpublish`
// on the data directory; on Workers the documented D1 statement through
// `wrangler d1 execute` on every binding (build.sh passes the worker's
// wrangler config and local state as UNSPOOL_TEST_D1_CONFIG and
// UNSPOOL_TEST_D1_STATE).
func takeDown(t *testing.T, pageURL string) {
	t.Helper()
	if native != nil {
		out, err := exec.Command(serverBinary, "admin", "unpublish", "-data", native.dataDir, pageURL).CombinedOutput()
		if err != nil || !strings.Contains(string(out), "taken down") {
			t.Fatalf("admin unpublish: %v\n%s", err, out)
		}
		return
	}
	config, state := os.Getenv("UNSPOOL_TEST_D1_CONFIG"), os.Getenv("UNSPOOL_TEST_D1_STATE")
	if config == "" || state == "" {
		t.Skip("the server's D1 databases are not known (UNSPOOL_TEST_D1_CONFIG, UNSPOOL_TEST_D1_STATE)")
	}
	slug, err := store.SlugOf(pageURL)
	if err != nil {
		t.Fatal(err)
	}
	sql := strings.Replace(store.TakeDownSQL, "?", "'"+slug+"'", 1)
	for i := range testShards {
		cmd := exec.Command("npx", "--no-install", "wrangler", "d1", "execute", store.ShardBinding(i),
			"--local", "--config", config, "--persist-to", state, "--command", sql)
		cmd.Dir = "../worker"
		cmd.Env = append(os.Environ(), "WRANGLER_SEND_METRICS=false", "CLOUDFLARE_CF_FETCH_ENABLED=false", "NO_UPDATE_NOTIFIER=1")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("wrangler d1 execute %s: %v\n%s", store.ShardBinding(i), err, out)
		}
	}
}
