package suite

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"unspool/server/store"
	"unspool/shared/protocol"
)

// Growing from growFrom to growTo shards is tested end to end: libraries
// written to a server with growFrom databases, then served by one with
// growTo while devices keep writing and the mover runs. Natively the test
// starts both servers on one data directory. Under wrangler dev, build.sh
// runs it twice — UNSPOOL_TEST_GROW=seed:FILE against a worker with 2 local
// D1 shards, then grow:FILE against a worker with 4 growing from 2 on the
// same local databases (UNSPOOL_SHARDS_FROM, `--test-scheduled` so the test
// fires the mover's cron event, UNSPOOL_TEST_GROW_LOG its log).
const (
	growFrom, growTo = 2, 4
	growMoving       = 10 // libraries whose shard changes
	growStaying      = 4
)

// growDone is the servers' "the growth is over" log line (natively
// FinishGrowing, on Workers the cron event's report), with how many
// libraries the run moved.
var growDone = regexp.MustCompile(`grew from 2 to 4 shards: (\d+) libraries moved|growing from 2 to 4 shards: (\d+) libraries moved, (done|more to move)`)

// growDevice is one library's device: what the server acknowledged, what
// its pulls returned, and the cursor it keeps across the growth.
type growDevice struct {
	Lib    lib
	Acked  map[string]string // record id → blob acknowledged last
	Seqs   map[string]int64
	Pulled map[string]string
	Cursor string
	First  string // the record the device edits
	N      int
}

// do sends r until it is neither 503 (a library being moved, a shard
// down) nor 429, waiting Retry-After as the extension's client does, and
// returns the answer and how many tries were refused.
func (d *growDevice) do(t testing.TB, r request) (response, int) {
	for refused := 0; refused < 60; refused++ {
		resp := sendOnce(t, r)
		if resp.Status != http.StatusServiceUnavailable && resp.Status != http.StatusTooManyRequests {
			return resp, refused
		}
		secs, _ := strconv.Atoi(resp.Header.Get("Retry-After"))
		time.Sleep(time.Duration(max(secs, 1)) * time.Second)
	}
	t.Fatalf("%s %s: refused 60 times", r.Method, r.Path)
	return response{}, 0
}

// step pushes a new record, or every third time an edit of the first one.
func (d *growDevice) step(t testing.TB, base string) int {
	d.N++
	c := protocol.Change{ID: newID(), Blob: blob(200)}
	if d.First == "" {
		d.First = c.ID
	} else if d.N%3 == 0 {
		c.ID, c.BaseSeq = d.First, d.Seqs[d.First]
	}
	resp, refused := d.do(t, request{Base: base, Method: "POST", Path: changesPath(d.Lib), Key: d.Lib.Key,
		Body: protocol.PushRequest{Changes: []protocol.Change{c}}})
	var pr protocol.PushResponse
	expect(t, resp, 200, &pr)
	res := pr.Results[0]
	switch {
	case res.Status == protocol.Applied:
	case res.Status == protocol.Conflict && res.Current != nil && res.Current.Blob == c.Blob:
		res.Seq = res.Current.Seq // applied by a try whose answer was lost
	default:
		t.Fatalf("push %s: %+v", c.ID, res)
	}
	d.Acked[c.ID], d.Seqs[c.ID] = c.Blob, res.Seq
	return refused
}

func (d *growDevice) pull(t testing.TB, base string) {
	for {
		resp, _ := d.do(t, request{Base: base, Method: "GET", Key: d.Lib.Key,
			Path: changesPath(d.Lib) + "?since=" + d.Cursor + "&limit=100"})
		var pr protocol.PullResponse
		expect(t, resp, 200, &pr)
		for _, r := range pr.Changes {
			d.Pulled[r.ID] = r.Blob
		}
		d.Cursor = pr.Cursor
		if !pr.More {
			return
		}
	}
}

// seedGrow makes the libraries on a server with growFrom shards.
func seedGrow(t *testing.T, base string) []*growDevice {
	var devs []*growDevice
	for len(devs) < growMoving+growStaying {
		l := newLib()
		moves := store.ShardOf(l.ID, growFrom) != store.ShardOf(l.ID, growTo)
		if n := len(devs); moves != (n < growMoving) {
			continue
		}
		expect(t, send(t, request{Base: base, Method: "POST", Path: "/v1/libraries",
			Body: protocol.CreateLibraryRequest{LibraryID: l.ID, AuthKey: l.Key}}), 201, nil)
		d := &growDevice{Lib: l, Acked: map[string]string{}, Seqs: map[string]int64{}, Pulled: map[string]string{}}
		for range 15 {
			d.step(t, base)
		}
		d.pull(t, base)
		devs = append(devs, d)
	}
	return devs
}

// runGrow keeps every device writing (at most `parallel` requests at once)
// until over(writes so far) says the growth ended, then checks that every acknowledged
// write is there: through each device's own cursor, kept from before, and
// for a device starting afresh. It returns the writes made meanwhile and
// how many were refused (503) and retried.
func runGrow(t *testing.T, base string, devs []*growDevice, parallel int, over func(writes int) bool) (writes, refused int) {
	stop := make(chan struct{})
	sem := make(chan struct{}, parallel)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, d := range devs {
		wg.Go(func() {
			for k := 0; ; k++ {
				select {
				case <-stop:
					return
				case sem <- struct{}{}:
				}
				r := d.step(t, base)
				if k%3 == 0 {
					d.pull(t, base)
				}
				<-sem
				mu.Lock()
				writes, refused = writes+1, refused+r
				mu.Unlock()
			}
		})
	}
	deadline := time.Now().Add(3 * time.Minute)
	for {
		mu.Lock()
		w := writes
		mu.Unlock()
		if over(w) {
			break
		}
		if time.Now().After(deadline) {
			close(stop)
			wg.Wait()
			t.Fatal("the growth did not end within 3 minutes")
		}
		time.Sleep(200 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond) // writes routed by the new count alone
	close(stop)
	wg.Wait()
	for _, d := range devs {
		d.pull(t, base)
		fresh := &growDevice{Lib: d.Lib, Pulled: map[string]string{}}
		fresh.pull(t, base)
		for id, b := range d.Acked {
			if d.Pulled[id] != b || fresh.Pulled[id] != b {
				t.Fatalf("library %.6s: acknowledged %.6s lost (its device has it: %v, a new device: %v)", d.Lib.ID, id, d.Pulled[id] != "", fresh.Pulled[id] != "")
			}
		}
		if len(fresh.Pulled) != len(d.Acked) {
			t.Fatalf("library %.6s: %d records, %d acknowledged", d.Lib.ID, len(fresh.Pulled), len(d.Acked))
		}
	}
	return writes, refused
}

// movedIn sums the libraries moved per growDone line of a log.
func movedIn(log []byte) (moved int, done bool) {
	for _, m := range growDone.FindAllSubmatch(log, -1) {
		k, _ := strconv.Atoi(string(m[1]) + string(m[2]))
		moved += k
		done = done || len(m[1]) > 0 || string(m[3]) == "done"
	}
	return moved, done
}

// Devices write through a growth of the shard count: nothing they were
// told was stored is lost, their cursors stay valid, every library that
// had to move moved, and new libraries are served throughout.
func TestGrowShardsUnderLoad(t *testing.T) {
	phase, file, _ := strings.Cut(os.Getenv("UNSPOOL_TEST_GROW"), ":")
	switch {
	case phase == "" && native != nil:
		dir := t.TempDir()
		before, err := startNative(dir, "127.0.0.1:0", "-shards", strconv.Itoa(growFrom))
		if err != nil {
			t.Fatal(err)
		}
		devs := seedGrow(t, before.url)
		before.stop()
		after, err := startNative(dir, "127.0.0.1:0", "-shards", strconv.Itoa(growTo))
		if err != nil {
			t.Fatal(err)
		}
		defer after.stop()
		writes, refused := runGrow(t, after.url, devs, len(devs), func(int) bool {
			_, done := movedIn(after.logs())
			return done
		})
		if moved, _ := movedIn(after.logs()); moved != growMoving {
			t.Errorf("moved %d libraries, want %d", moved, growMoving)
		}
		t.Logf("%d writes while growing, %d refused and retried", writes, refused)
	case phase == "seed":
		b, err := json.Marshal(seedGrow(t, baseURL))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, b, 0o600); err != nil {
			t.Fatal(err)
		}
	case phase == "grow":
		var devs []*growDevice
		b, err := os.ReadFile(file)
		if err == nil {
			err = json.Unmarshal(b, &devs)
		}
		if err != nil {
			t.Fatal(err)
		}
		logFile := os.Getenv("UNSPOOL_TEST_GROW_LOG")
		fired, atFirst, atDone := 0, 0, 0
		// Two requests at once and the mover's event: more Go instances at
		// once than that get "Your worker restarted mid-request" here.
		writes, refused := runGrow(t, baseURL, devs, 2, func(writes int) bool {
			if writes < 10 {
				return false // the devices are writing before the mover starts
			}
			if fired == 0 {
				atFirst = writes
			}
			sendOnce(t, request{Method: "GET", Path: "/__scheduled?cron=*+*+*+*+*"})
			fired++
			log, _ := os.ReadFile(logFile)
			_, done := movedIn(log)
			atDone = writes
			return done
		})
		log, _ := os.ReadFile(logFile)
		if moved, _ := movedIn(log); moved != growMoving {
			t.Errorf("moved %d libraries, want %d:\n%s", moved, growMoving, bytes.Join(growDone.FindAll(log, -1), []byte("\n")))
		}
		if atDone <= atFirst {
			t.Errorf("no write between the first mover event and its end: the test did not write during the growth")
		}
		t.Logf("%d writes, %d of them while %d mover events ran; %d refused and retried", writes, atDone-atFirst, fired, refused)
	default:
		t.Skip("runs natively, or in the two phases build.sh gives it under wrangler dev (UNSPOOL_TEST_GROW)")
	}
}
