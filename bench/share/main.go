// Command share measures share pages:
//
//   - the page's size for a 25-post thread before and after minify (HTML with
//     its inlined CSS; images are separate requests and not counted), and
//     gzip'd, plus the time to build a share (render + minify + exports);
//   - GET /t/<slug> under bounded load on 127.0.0.1: p50/p99 and requests/s,
//     for the page, a revalidation (If-None-Match → 304) and the Markdown
//     export. With -rate the load is open-loop: requests are due at a fixed
//     rate and latency counts from when each was due (a slow server cannot
//     hide its queue by slowing the client down); without it, -c clients
//     send back to back (the saturation throughput).
//
// Natively it builds ./server, starts it on a free loopback port with a
// fresh data directory, and stops it after. With -server it measures a
// server already running there instead (./build.sh bench starts `wrangler
// dev` for that).
//
//	go run ./bench/share [-rate 1000] [-c 64] [-n 20000] [-server http://127.0.0.1:PORT]
//
// -startup A,B compares two running workers on a route both answer alike
// without storage (an unknown path: 404), alternating requests so both see
// the same machine load. Every Workers request starts a fresh Go instance,
// so the difference is what linking the share page code (render + minify)
// costs each request in start-up.
package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"unspool/server/sharepage"
	"unspool/shared/protocol"
	"unspool/shared/thread"
)

const thread25 = "shared/extract/testdata/x-dom/made-selfthread-25/expected.json"

func main() {
	server := flag.String("server", "", "measure a running server at this URL instead of starting the native one")
	conc := flag.Int("c", 64, "concurrent clients (the most requests in flight)")
	rate := flag.Float64("rate", 1000, "requests per second, open-loop; 0 sends back to back")
	n := flag.Int("n", 20000, "requests per measurement")
	warm := flag.Int("warm", 200, "requests before measuring")
	startup := flag.String("startup", "", "compare start-up of two running workers: URL_A,URL_B")
	flag.Parse()
	if *startup != "" {
		a, b, _ := strings.Cut(*startup, ",")
		compareStartup(a, b, *n)
		return
	}
	if err := run(*server, *conc, *n, *warm, *rate); err != nil {
		fmt.Fprintln(os.Stderr, "bench/share:", err)
		os.Exit(1)
	}
}

func run(server string, conc, n, warm int, rate float64) error {
	b, err := os.ReadFile(thread25)
	if err != nil {
		return fmt.Errorf("%w (run from the repository root)", err)
	}
	var th thread.Thread
	if err := json.Unmarshal(b, &th); err != nil {
		return err
	}
	if server == "" {
		if err := sizes(&th); err != nil {
			return err
		}
		stop, url, err := startNative()
		if err != nil {
			return err
		}
		defer stop()
		server = url
	}
	slug, err := publish(server, &th)
	if err != nil {
		return err
	}
	page := server + protocol.SharePath(slug)
	resp, err := http.Get(page)
	if err != nil {
		return err
	}
	etag := resp.Header.Get("ETag")
	resp.Body.Close()
	mode := "back to back"
	if rate > 0 {
		mode = fmt.Sprintf("open-loop at %.0f req/s", rate)
	}
	fmt.Printf("load on %s: %s, at most %d in flight, %d requests each measurement (after %d warm-up)\n", server, mode, conc, n, warm)
	for _, m := range []struct {
		name   string
		header map[string]string
		status int
	}{
		{"GET /t/<slug> (200, page)", nil, 200},
		{"GET /t/<slug> If-None-Match (304)", map[string]string{"If-None-Match": etag}, 304},
		{"GET /t/<slug>?format=md (200)", nil, 200},
	} {
		url := page
		if m.name == "GET /t/<slug>?format=md (200)" {
			url += "?format=md"
		}
		load(url, m.header, m.status, conc, warm, rate) // warm-up, discarded
		takeServerSide()
		r := load(url, m.header, m.status, conc, n, rate)
		fmt.Printf("  %-36s p50 %7.3f ms  p99 %7.3f ms  max %7.3f ms  %7.0f req/s  errors %d\n",
			m.name, ms(r.p(50)), ms(r.p(99)), ms(r.p(100)), r.rps, r.errors)
		if in := takeServerSide(); len(in.lat) > 0 {
			fmt.Printf("  %-36s p50 %7.3f ms  p99 %7.3f ms  max %7.3f ms  (%d logged)\n",
				"  in the handler (server log)", ms(in.p(50)), ms(in.p(99)), ms(in.p(100)), len(in.lat))
		}
	}
	return nil
}

// sizes prints the page's size before and after minify, and the build time.
func sizes(th *thread.Thread) error {
	raw, err := sharepage.Unminified(th, false)
	if err != nil {
		return err
	}
	min, err := sharepage.HTML(th, false)
	if err != nil {
		return err
	}
	const rounds = 200
	start := time.Now()
	var p int
	for range rounds {
		sp, err := sharepage.Build(th, false)
		if err != nil {
			return err
		}
		p = sp.Size()
	}
	per := time.Since(start) / rounds
	fmt.Printf("25-post thread (%s), HTML+CSS, images excluded:\n", thread25)
	fmt.Printf("  before minify %6d B (gzip %5d B)\n", len(raw), gz(raw))
	fmt.Printf("  after minify  %6d B (gzip %5d B)  %.1f%% smaller\n", len(min), gz(min), 100*(1-float64(len(min))/float64(len(raw))))
	fmt.Printf("  build (validate, render, minify, md/txt/json): %s per share, %d B stored\n", per.Round(time.Microsecond), p)
	return nil
}

func gz(b []byte) int {
	var buf bytes.Buffer
	w, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	w.Write(b)
	w.Close()
	return buf.Len()
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

type result struct {
	lat    []time.Duration
	rps    float64
	errors int
}

func (r result) p(q int) time.Duration {
	if len(r.lat) == 0 {
		return 0
	}
	i := (len(r.lat)*q + 99) / 100
	return r.lat[min(max(i-1, 0), len(r.lat)-1)]
}

// load sends n GETs from conc keep-alive clients and collects latencies.
// With rate > 0 request i is due at start + i/rate and its latency counts
// from then; otherwise each client sends its next request when the last
// one is answered.
func load(url string, header map[string]string, status, conc, n int, rate float64) result {
	tr := &http.Transport{MaxIdleConnsPerHost: conc, MaxConnsPerHost: conc}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	var mu sync.Mutex
	var res result
	jobs := make(chan time.Time, conc)
	start := time.Now()
	go func() {
		for i := range n {
			due := time.Time{}
			if rate > 0 {
				due = start.Add(time.Duration(float64(i) / rate * float64(time.Second)))
				time.Sleep(time.Until(due))
			}
			jobs <- due
		}
		close(jobs)
	}()
	var wg sync.WaitGroup
	for range conc {
		wg.Go(func() {
			local := make([]time.Duration, 0, n/conc+1)
			errs := 0
			for due := range jobs {
				req, _ := http.NewRequest("GET", url, nil)
				for k, v := range header {
					req.Header.Set(k, v)
				}
				t := time.Now()
				if !due.IsZero() {
					t = due
				}
				resp, err := client.Do(req)
				if err == nil {
					_, err = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != status {
						err = fmt.Errorf("status %d", resp.StatusCode)
					}
				}
				if err != nil {
					errs++
					continue
				}
				local = append(local, time.Since(t))
			}
			mu.Lock()
			res.lat = append(res.lat, local...)
			res.errors += errs
			mu.Unlock()
		})
	}
	wg.Wait()
	res.rps = float64(len(res.lat)) / time.Since(start).Seconds()
	slices.Sort(res.lat)
	return res
}

func randomID() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// publish creates a library and publishes th in it, returning the slug.
func publish(server string, th *thread.Thread) (string, error) {
	libID, key := randomID(), randomID()
	body, _ := json.Marshal(protocol.CreateLibraryRequest{LibraryID: libID, AuthKey: key})
	resp, err := http.Post(server+"/v1/libraries", "application/json", bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	resp.Body.Close()
	if resp.StatusCode != 201 {
		return "", fmt.Errorf("create library: status %d", resp.StatusCode)
	}
	body, _ = json.Marshal(protocol.ShareRequest{Thread: *th})
	req, _ := http.NewRequest("POST", server+"/v1/libraries/"+libID+"/shares", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+key)
	t := time.Now()
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var sr protocol.ShareResponse
	if err := json.NewDecoder(resp.Body).Decode(&sr); err != nil || resp.StatusCode != 201 {
		return "", fmt.Errorf("publish: status %d %v", resp.StatusCode, err)
	}
	fmt.Printf("publish (POST, render + minify + store): %s\n", time.Since(t).Round(time.Microsecond))
	return sr.Slug, nil
}

var listening = regexp.MustCompile(`listening on (http://\S+)`)

// served matches the native server's log line for a page request; its last
// field is the time spent inside the handler, without the network and the
// client (on a shared machine, the part of the latency that is the server's).
var served = regexp.MustCompile(`GET /t/\S+ \d{3} \d+B (\S+)$`)

var serverSide struct {
	mu  sync.Mutex
	lat []time.Duration
}

// takeServerSide returns the handler times logged since the last call.
func takeServerSide() result {
	time.Sleep(100 * time.Millisecond) // the last lines are on their way
	serverSide.mu.Lock()
	defer serverSide.mu.Unlock()
	r := result{lat: serverSide.lat}
	serverSide.lat = nil
	slices.Sort(r.lat)
	return r
}

// startNative builds and starts the native server on a free loopback port.
func startNative() (stop func(), url string, err error) {
	dir, err := os.MkdirTemp("", "unspool-bench-share-")
	if err != nil {
		return nil, "", err
	}
	bin := filepath.Join(dir, "server")
	build := exec.Command("go", "build", "-o", bin, "./server")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		return nil, "", err
	}
	cmd := exec.Command(bin, "-addr", "127.0.0.1:0", "-data", filepath.Join(dir, "data"))
	// No rate limit (a load test is the runaway it stops) and no request
	// log lines on a terminal slowing the server down.
	cmd.Env = append(os.Environ(), "UNSPOOL_RATE_LIMIT=0")
	out, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		return nil, "", err
	}
	stop = func() {
		cmd.Process.Signal(os.Interrupt)
		cmd.Wait()
		os.RemoveAll(dir)
	}
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if m := listening.FindStringSubmatch(sc.Text()); m != nil {
			go func() { // keep draining the request log, keeping page timings
				for sc.Scan() {
					if m := served.FindStringSubmatch(sc.Text()); m != nil {
						if d, err := time.ParseDuration(m[1]); err == nil {
							serverSide.mu.Lock()
							serverSide.lat = append(serverSide.lat, d)
							serverSide.mu.Unlock()
						}
					}
				}
			}()
			return stop, m[1], nil
		}
	}
	stop()
	return nil, "", fmt.Errorf("the server did not start")
}

// compareStartup alternates sequential GETs of an unknown path on a and b.
func compareStartup(a, b string, n int) {
	client := &http.Client{Timeout: 30 * time.Second}
	lat := map[string][]time.Duration{}
	for i := range 2 * n {
		u := []string{a, b}[i%2]
		t := time.Now()
		resp, err := client.Get(u + "/v1/no-such-route")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 404 {
			fmt.Fprintf(os.Stderr, "%s: status %d\n", u, resp.StatusCode)
			os.Exit(1)
		}
		if i >= 20 { // the first requests compile the module
			lat[u] = append(lat[u], time.Since(t))
		}
	}
	fmt.Printf("start-up: %d alternating sequential requests each, GET of an unknown path (404)\n", n)
	for _, u := range []string{a, b} {
		r := result{lat: lat[u]}
		slices.Sort(r.lat)
		fmt.Printf("  %-28s p50 %7.3f ms  p90 %7.3f ms\n", u, ms(r.p(50)), ms(r.p(90)))
	}
}
