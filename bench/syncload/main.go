// Command syncload is the sync server's load generator.
// It talks only to servers on 127.0.0.1 and every run is bounded in
// requests and time.
//
//	syncload -url http://127.0.0.1:PORT devices   200 devices syncing (push + pull) for -duration
//	syncload -url http://127.0.0.1:PORT bigpull   a 10,000-thread library: first full pull, idle re-sync
//	syncload -url GO_WORKER -url2 JS_WORKER compare   the same pushes and pulls, alternating between two servers
//	syncload -url A [-url2 B] -devices 1000 -libraries 200 shared   devices sharing libraries, A then B (sharded or not)
//
// The server must run without rate limits (UNSPOOL_RATE_LIMIT=0
// UNSPOOL_CREATE_LIMIT=0): the load is one client address.
package main

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"slices"
	"sync"
	"time"

	"unspool/shared/protocol"
)

var (
	baseURL  = flag.String("url", "", "server base URL (127.0.0.1 only)")
	baseURL2 = flag.String("url2", "", "second server for compare (127.0.0.1 only)")
	devices  = flag.Int("devices", 200, "concurrent devices (devices scenario)")
	interval = flag.Duration("interval", 500*time.Millisecond, "time between one device's syncs; 0 = as fast as it can (closed loop)")
	duration = flag.Duration("duration", 10*time.Second, "how long the devices scenario runs (at most 60 s)")
	threads  = flag.Int("threads", 10_000, "records in the bigpull library")
	blobSize = flag.Int("blob", 2500, "mean sealed-record size in bytes (a compressed, sealed 25-post thread is about 2–3 KB)")
	requests = flag.Int("n", 200, "requests of each kind per server (compare)")
)

var client = &http.Client{
	Timeout:   30 * time.Second,
	Transport: &http.Transport{MaxIdleConns: 1024, MaxIdleConnsPerHost: 1024, IdleConnTimeout: time.Minute},
}

func main() {
	flag.Parse()
	if flag.NArg() != 1 {
		flag.Usage()
		os.Exit(2)
	}
	for _, u := range []string{*baseURL, *baseURL2} {
		if u != "" && !loopback(u) {
			fail("only servers on 127.0.0.1 may be loaded: %s", u)
		}
	}
	if *baseURL == "" {
		fail("-url is required")
	}
	*duration = min(*duration, 60*time.Second)
	switch flag.Arg(0) {
	case "devices":
		runDevices()
	case "bigpull":
		runBigPull()
	case "shared":
		runShared()
	case "compare":
		if *baseURL2 == "" {
			fail("compare needs -url2")
		}
		runCompare()
	default:
		fail("unknown scenario %q", flag.Arg(0))
	}
}

func loopback(u string) bool {
	p, err := url.Parse(u)
	return err == nil && (p.Hostname() == "127.0.0.1" || p.Hostname() == "localhost")
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "syncload: "+format+"\n", args...)
	os.Exit(1)
}

func newID() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func newBlob(mean int) string {
	b := make([]byte, mean/2+mrand.IntN(mean+1))
	rand.Read(b)
	return base64.StdEncoding.EncodeToString(b)
}

type library struct{ base, id, key string }

// call sends one request and decodes a 2xx JSON answer into out; it returns
// the response size.
func call(base, method, path, key string, body, out any) (int, error) {
	var rd io.Reader
	if body != nil {
		j, err := json.Marshal(body)
		if err != nil {
			return 0, err
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, base+path, rd)
	if err != nil {
		return 0, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, err
	}
	if resp.StatusCode/100 != 2 {
		return len(b), fmt.Errorf("%s %s: %d %.200s", method, path, resp.StatusCode, b)
	}
	if out != nil {
		return len(b), json.Unmarshal(b, out)
	}
	return len(b), nil
}

func create(base string) library {
	l := library{base: base, id: newID(), key: newID()}
	if _, err := call(base, "POST", "/v1/libraries", "", protocol.CreateLibraryRequest{LibraryID: l.id, AuthKey: l.key}, nil); err != nil {
		fail("create: %v", err)
	}
	return l
}

func (l library) push(changes []protocol.Change) ([]protocol.PushResult, error) {
	var pr protocol.PushResponse
	_, err := call(l.base, "POST", "/v1/libraries/"+l.id+"/changes", l.key, protocol.PushRequest{Changes: changes}, &pr)
	return pr.Results, err
}

func (l library) pull(since string, limit int) (protocol.PullResponse, int, error) {
	var pr protocol.PullResponse
	n, err := call(l.base, "GET", fmt.Sprintf("/v1/libraries/%s/changes?since=%s&limit=%d", l.id, url.QueryEscape(since), limit), l.key, nil, &pr)
	return pr, n, err
}

// latencies collects durations of one kind of request.
type latencies struct {
	mu sync.Mutex
	d  []time.Duration
}

func (l *latencies) add(d time.Duration) {
	l.mu.Lock()
	l.d = append(l.d, d)
	l.mu.Unlock()
}

func (l *latencies) pct(p float64) time.Duration {
	if len(l.d) == 0 {
		return 0
	}
	s := slices.Clone(l.d)
	slices.Sort(s)
	return s[min(len(s)-1, int(float64(len(s))*p))]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000) }

// runDevices: each device owns a library seeded with 20 records; every
// -interval it pushes an edit of one of them and pulls what changed since
// its cursor (its own edit coming back), as a syncing extension does.
func runDevices() {
	n := *devices
	libs := make([]library, n)
	recs := make([][]protocol.PushResult, n)
	var wg sync.WaitGroup
	sem := make(chan struct{}, 16)
	for i := range n {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			libs[i] = create(*baseURL)
			var cs []protocol.Change
			for range 20 {
				cs = append(cs, protocol.Change{ID: newID(), Blob: newBlob(*blobSize)})
			}
			r, err := libs[i].push(cs)
			if err != nil {
				fail("seed: %v", err)
			}
			recs[i] = r
		})
	}
	wg.Wait()

	var push, pull latencies
	var errs sync.Map
	start := time.Now()
	deadline := start.Add(*duration)
	for i := range n {
		wg.Go(func() {
			rng := mrand.New(mrand.NewPCG(uint64(i), 1))
			_, _, _ = libs[i].pull("", protocol.MaxPullLimit)
			p, _, _ := libs[i].pull("", protocol.MaxPullLimit)
			cursor := p.Cursor
			if *interval > 0 {
				time.Sleep(time.Duration(rng.Int64N(int64(*interval))))
			}
			for time.Now().Before(deadline) {
				next := time.Now().Add(*interval)
				k := rng.IntN(len(recs[i]))
				t0 := time.Now()
				r, err := libs[i].push([]protocol.Change{{ID: recs[i][k].ID, BaseSeq: recs[i][k].Seq, Blob: newBlob(*blobSize)}})
				push.add(time.Since(t0))
				if err != nil || r[0].Status != protocol.Applied {
					errs.Store(fmt.Sprint(err, r), true)
					return
				}
				recs[i][k].Seq = r[0].Seq
				t0 = time.Now()
				p, _, err := libs[i].pull(cursor, protocol.MaxPullLimit)
				pull.add(time.Since(t0))
				if err != nil || len(p.Changes) != 1 {
					errs.Store(fmt.Sprint(err, len(p.Changes)), true)
					return
				}
				cursor = p.Cursor
				time.Sleep(time.Until(next))
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	errs.Range(func(k, _ any) bool { fail("device error: %v", k); return false })
	mode := fmt.Sprintf("each syncing every %s", *interval)
	if *interval == 0 {
		mode = "closed loop, as fast as they can"
	}
	fmt.Printf("devices: %d devices (%s), %s, %d-byte mean records\n", n, mode, elapsed.Round(time.Millisecond), *blobSize)
	for _, k := range []struct {
		name string
		l    *latencies
	}{{"push", &push}, {"pull", &pull}} {
		fmt.Printf("  %s: %d requests, %.0f req/s, p50 %s, p99 %s, max %s\n", k.name, len(k.l.d),
			float64(len(k.l.d))/elapsed.Seconds(), ms(k.l.pct(0.50)), ms(k.l.pct(0.99)), ms(k.l.pct(1)))
	}
}

// runBigPull fills one library with -threads records, then measures a new
// device's first full pull and an idle re-sync.
func runBigPull() {
	l := create(*baseURL)
	t0 := time.Now()
	var wg sync.WaitGroup
	sem := make(chan struct{}, 4)
	total := 0
	for i := 0; i < *threads; i += protocol.MaxBatchChanges {
		var cs []protocol.Change
		for range min(protocol.MaxBatchChanges, *threads-i) {
			cs = append(cs, protocol.Change{ID: newID(), Blob: newBlob(*blobSize)})
		}
		total += len(cs)
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			if _, err := l.push(cs); err != nil {
				fail("fill: %v", err)
			}
		})
	}
	wg.Wait()
	fmt.Printf("bigpull: filled %d records (%d-byte mean) in %s\n", total, *blobSize, time.Since(t0).Round(time.Millisecond))

	t0 = time.Now()
	cursor, got, bytes, reqs := "", 0, 0, 0
	for {
		p, n, err := l.pull(cursor, protocol.MaxPullLimit)
		if err != nil {
			fail("pull: %v", err)
		}
		got += len(p.Changes)
		bytes += n
		reqs++
		cursor = p.Cursor
		if !p.More {
			break
		}
	}
	first := time.Since(t0)
	if got != total {
		fail("first pull got %d records, want %d", got, total)
	}
	t0 = time.Now()
	p, n, err := l.pull(cursor, protocol.MaxPullLimit)
	idle := time.Since(t0)
	if err != nil || len(p.Changes) != 0 {
		fail("idle pull: %v, %d changes", err, len(p.Changes))
	}
	fmt.Printf("  first full pull: %d records in %d requests, %s, %.1f MB\n", got, reqs, first.Round(time.Millisecond), float64(bytes)/1e6)
	fmt.Printf("  idle re-sync: 1 request, %d bytes of body, %s\n", n, ms(idle))
}

// runCompare sends the same sequence of pushes and pulls to two servers,
// alternating request by request so both see the same machine load, one
// request at a time (per-request cost, not throughput).
func runCompare() {
	names := []string{"A " + *baseURL, "B " + *baseURL2}
	bases := []string{*baseURL, *baseURL2}
	var libs [2]library
	var ids [2][]protocol.PushResult
	for s := range 2 {
		libs[s] = create(bases[s])
		var cs []protocol.Change
		for range 20 {
			cs = append(cs, protocol.Change{ID: newID(), Blob: newBlob(*blobSize)})
		}
		r, err := libs[s].push(cs)
		if err != nil {
			fail("seed %s: %v", names[s], err)
		}
		ids[s] = r
	}
	var push, pull [2]latencies
	var cursor [2]string
	for i := range *requests + 5 {
		for s := range 2 {
			k := i % len(ids[s])
			t0 := time.Now()
			r, err := libs[s].push([]protocol.Change{{ID: ids[s][k].ID, BaseSeq: ids[s][k].Seq, Blob: newBlob(*blobSize)}})
			d := time.Since(t0)
			if err != nil || r[0].Status != protocol.Applied {
				fail("push %s: %v %v", names[s], err, r)
			}
			ids[s][k].Seq = r[0].Seq
			t0 = time.Now()
			p, _, err := libs[s].pull(cursor[s], protocol.MaxPullLimit)
			d2 := time.Since(t0)
			if err != nil {
				fail("pull %s: %v", names[s], err)
			}
			cursor[s] = p.Cursor
			if i >= 5 { // the first requests warm up connections and caches
				push[s].add(d)
				pull[s].add(d2)
			}
		}
	}
	fmt.Printf("compare: %d pushes and %d pulls each, sequential, alternating\n", *requests, *requests)
	for s := range 2 {
		fmt.Printf("  %s: push p50 %s p99 %s; pull p50 %s p99 %s\n", names[s],
			ms(push[s].pct(0.5)), ms(push[s].pct(0.99)), ms(pull[s].pct(0.5)), ms(pull[s].pct(0.99)))
	}
	ratio := func(a, b time.Duration) float64 { return float64(a) / float64(b) }
	fmt.Printf("  ratio A/B (p50): push %.2f×, pull %.2f×\n", ratio(push[0].pct(0.5), push[1].pct(0.5)), ratio(pull[0].pct(0.5), pull[1].pct(0.5)))
}
