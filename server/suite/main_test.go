package suite

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestEnv is the configuration the server under test runs with: small
// quotas and a short rate-limit window so tests can reach them. Keep
// build.sh's test_workers --var list equal to it.
var TestEnv = map[string]string{
	"UNSPOOL_RATE_LIMIT":      "400",
	"UNSPOOL_RATE_WINDOW":     "5",
	"UNSPOOL_CREATE_LIMIT":    "25",
	"UNSPOOL_KEY_GUESS_LIMIT": "12",
	"UNSPOOL_MAX_RECORDS":     "300",
	"UNSPOOL_MAX_BYTES":       "2500000",
}

const (
	testRateLimit     = 400
	testRateWindow    = 5 * time.Second
	testCreateLimit   = 25
	testKeyGuessLimit = 12
	testMaxRecords    = 300
	testMaxBytes      = 2_500_000
)

var (
	// testShards is how many databases the server under test spreads
	// libraries over (UNSPOOL_TEST_SHARDS, default 1): the native server is
	// started with -shards testShards; a server at UNSPOOL_TEST_SERVER must
	// run with as many (build.sh runs the suite with 1 and 4).
	testShards = 1
	// baseURL is the server every test talks to.
	baseURL string
	// native is the server process the suite started, nil against
	// UNSPOOL_TEST_SERVER.
	native *nativeServer
	// serverBinary is the native server built once for the run.
	serverBinary string
)

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	if v := os.Getenv("UNSPOOL_TEST_SHARDS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			fmt.Fprintf(os.Stderr, "UNSPOOL_TEST_SHARDS=%q: want a positive integer\n", v)
			return 1
		}
		testShards = n
	}
	tmp, err := os.MkdirTemp("", "unspool-suite-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(tmp)

	if u := os.Getenv("UNSPOOL_TEST_SERVER"); u != "" {
		baseURL = strings.TrimRight(u, "/")
	} else {
		serverBinary = filepath.Join(tmp, "unspool-server")
		build := exec.Command("go", "build", "-o", serverBinary, "unspool/server")
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			fmt.Fprintln(os.Stderr, "building the server:", err)
			return 1
		}
		native, err = startNative(filepath.Join(tmp, "data"), "127.0.0.1:0")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		baseURL = native.url
	}
	code := m.Run()

	// No key or blob any test sent may appear in the server's log: the
	// native server's captured output, or the log file build.sh gives for
	// wrangler dev.
	var logs []byte
	if native != nil {
		native.stop()
		logs = native.logs()
	} else if f := os.Getenv("UNSPOOL_TEST_SERVER_LOG"); f != "" {
		time.Sleep(500 * time.Millisecond) // let wrangler flush its last lines
		if logs, err = os.ReadFile(f); err != nil {
			fmt.Fprintln(os.Stderr, "reading the server log:", err)
			return 1
		}
	}
	if logs != nil {
		if leaks := secrets.findIn(logs); len(leaks) > 0 {
			fmt.Fprintf(os.Stderr, "FAIL: the server log holds %d secrets sent by tests (first: %.12s…)\n", len(leaks), leaks[0])
			return 1
		}
		if len(bytes.TrimSpace(logs)) == 0 {
			fmt.Fprintln(os.Stderr, "FAIL: the server log is empty; the leak check would prove nothing")
			return 1
		}
		fmt.Fprintf(os.Stderr, "log check: %d bytes of server log, none of %d secrets in it\n", len(logs), secrets.len())
	}
	return code
}

// secretSet remembers every auth key and blob the tests sent.
type secretSet struct {
	mu sync.Mutex
	m  map[string]bool
}

var secrets = &secretSet{m: map[string]bool{}}

func (s *secretSet) add(v string) {
	s.mu.Lock()
	s.m[v] = true
	s.mu.Unlock()
}

func (s *secretSet) len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.m)
}

func (s *secretSet) findIn(logs []byte) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var found []string
	for v := range s.m {
		// Blobs can be megabytes: a 40-character prefix is as telling.
		probe := v
		if len(probe) > 40 {
			probe = probe[:40]
		}
		if bytes.Contains(logs, []byte(probe)) {
			found = append(found, v)
		}
	}
	return found
}

// nativeServer is one run of the built server binary.
type nativeServer struct {
	addr, url, dataDir string
	cmd                *exec.Cmd
	mu                 sync.Mutex
	out                bytes.Buffer
	done               chan struct{}
}

// allLogs keeps the output of every native server the run started,
// including ones killed by tests, for the leak check.
var allLogs struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

var listenLine = regexp.MustCompile(`listening on (http://\S+)`)

// startNative starts the server binary on addr with TestEnv and waits for
// its "listening on" line; args come after the suite's own flags (a later
// -shards wins).
func startNative(dataDir, addr string, args ...string) (*nativeServer, error) {
	s := &nativeServer{dataDir: dataDir, done: make(chan struct{})}
	s.cmd = exec.Command(serverBinary, append([]string{"-addr", addr, "-data", dataDir, "-shards", strconv.Itoa(testShards)}, args...)...)
	s.cmd.Env = os.Environ()
	for k, v := range TestEnv {
		s.cmd.Env = append(s.cmd.Env, k+"="+v)
	}
	pr, pw := io.Pipe()
	s.cmd.Stdout, s.cmd.Stderr = pw, pw
	if err := s.cmd.Start(); err != nil {
		return nil, err
	}
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			line := sc.Text() + "\n"
			s.mu.Lock()
			s.out.WriteString(line)
			s.mu.Unlock()
			allLogs.mu.Lock()
			allLogs.buf.WriteString(line)
			allLogs.mu.Unlock()
			if m := listenLine.FindStringSubmatch(line); m != nil {
				select {
				case ready <- m[1]:
				default:
				}
			}
		}
	}()
	go func() {
		s.cmd.Wait()
		pw.Close()
		close(s.done)
	}()
	select {
	case u := <-ready:
		s.url = u
		s.addr = strings.TrimPrefix(u, "http://")
		return s, nil
	case <-s.done:
		return nil, fmt.Errorf("server exited before listening:\n%s", s.logs())
	case <-time.After(30 * time.Second):
		s.cmd.Process.Kill()
		return nil, fmt.Errorf("server did not listen within 30 s:\n%s", s.logs())
	}
}

func (s *nativeServer) logs() []byte {
	if s == native {
		allLogs.mu.Lock()
		defer allLogs.mu.Unlock()
		return bytes.Clone(allLogs.buf.Bytes())
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return bytes.Clone(s.out.Bytes())
}

// stop ends the server with SIGTERM (a clean shutdown) and waits.
func (s *nativeServer) stop() {
	s.cmd.Process.Signal(os.Interrupt)
	select {
	case <-s.done:
	case <-time.After(10 * time.Second):
		s.cmd.Process.Kill()
		<-s.done
	}
}

// kill ends the server with SIGKILL: no shutdown, no flush.
func (s *nativeServer) kill() {
	s.cmd.Process.Kill()
	<-s.done
}

// freeAddr finds a loopback port free now, for a server that must come back
// on the same address after being killed.
func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func needNative(t *testing.T) {
	t.Helper()
	if native == nil {
		t.Skip("needs the native server process (running against UNSPOOL_TEST_SERVER)")
	}
}

var _ = context.Background

// killable is a native server of a test's own (fresh data directory, fixed
// address) that the test kills with SIGKILL and starts again in place.
type killable struct {
	t             *testing.T
	addr, dataDir string
	srv           *nativeServer
}

func newKillable(t *testing.T) *killable {
	t.Helper()
	needNative(t)
	k := &killable{t: t, addr: freeAddr(t), dataDir: t.TempDir()}
	var err error
	if k.srv, err = startNative(k.dataDir, k.addr); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { k.srv.stop() })
	return k
}

// url stays the same across restarts.
func (k *killable) url() string { return "http://" + k.addr }

// restart kills the server, leaves it down for a moment (requests fail
// meanwhile) and starts it again on the same data directory.
func (k *killable) restart(down time.Duration) error {
	k.srv.kill()
	time.Sleep(down)
	srv, err := startNative(k.dataDir, k.addr)
	if err != nil {
		return err
	}
	k.srv = srv
	return nil
}

// The native server refuses to start on a taken port, loudly: exit status
// 1 and the reason (workers.Serve's native fallback would exit 0 silently).
func TestNativeFailsOnTakenPort(t *testing.T) {
	needNative(t)
	cmd := exec.Command(serverBinary, "-addr", native.addr, "-data", t.TempDir())
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Fatalf("second server on %s: %v\n%s", native.addr, err, out)
	}
	if !strings.Contains(string(out), "cannot listen on "+native.addr) {
		t.Fatalf("no reason given: %s", out)
	}
}
