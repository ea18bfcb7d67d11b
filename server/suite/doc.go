// Package suite is the sync server's HTTP test suite, one suite for both
// runtimes: `go test ./server/suite` builds the native server, starts it on
// 127.0.0.1 with a fresh data directory and runs every test against it;
// with UNSPOOL_TEST_SERVER=http://127.0.0.1:PORT it runs the same tests
// against a server already running there (./build.sh test starts `wrangler
// dev --local` for it), skipping only what needs the native process (killing
// it, reading its database file).
//
// The server under test must run with the limits in TestEnv (build.sh passes
// them to wrangler dev as --var).
//
// Files: main_test.go (harness, log check), client_test.go (HTTP helpers and
// the test device), api_test.go (protocol behaviour), refused_test.go (bad
// requests refused, nothing changed), concurrency_test.go (cursor skips,
// racing writers), reliability_test.go (devices converging, kill -9),
// hostile_test.go (hostile clients: what a public deployment refuses or
// says), takedown_test.go (the operator's share kill-switch, as each
// runtime's operator pulls it).
package suite
