package suite

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	gosync "sync"
	"testing"
	"time"

	"unspool/shared/sync"
	"unspool/shared/sync/synchttp"
	"unspool/shared/sync/synctest"
)

// newSyncClient is a device running the extension's sync engine
// (shared/sync's Client: sealing, HLC merge, outbox, retries) with the
// numbers the extension runs with, against the server under test.
func newSyncClient(t *testing.T, secret sync.Secret, url string) *sync.Client {
	t.Helper()
	tr, err := synchttp.New(url, client)
	if err != nil {
		t.Fatal(err)
	}
	dev, err := sync.NewDeviceID()
	if err != nil {
		t.Fatal(err)
	}
	c, err := sync.NewClient(sync.Options{Transport: tr, Secret: secret, Device: dev})
	if err != nil {
		t.Fatal(err)
	}
	secrets.add(sync.DeriveKeys(secret).AuthKey)
	return c
}

// syncUntilQuiet syncs until the outbox is empty.
func syncUntilQuiet(t *testing.T, c *sync.Client) {
	t.Helper()
	for range 20 {
		rep, err := c.Sync(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if rep.Pending == 0 {
			return
		}
	}
	t.Fatal("outbox never emptied")
}

func libraryJSON(t *testing.T, c *sync.Client) string {
	t.Helper()
	lib := c.Library()
	slices.SortFunc(lib, func(a, b sync.SavedThread) int { return cmpString(a.ID, b.ID) })
	j, err := json.Marshal(lib)
	if err != nil {
		t.Fatal(err)
	}
	return string(j)
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Devices running shared/sync's Client save (different captures of) the
// same threads, delete and re-save some, and tag others, concurrently
// through the server. They must end identical to each other and to a
// device that joins afterwards; threads nobody deleted must hold every post
// any device saved and every tag any device added.
func TestSyncClientDevicesConverge(t *testing.T) {
	for _, n := range []int{2, 10} {
		t.Run(fmt.Sprintf("%d devices", n), func(t *testing.T) {
			secret, err := sync.NewSecret()
			if err != nil {
				t.Fatal(err)
			}
			devs := make([]*sync.Client, n)
			for i := range devs {
				devs[i] = newSyncClient(t, secret, baseURL)
				if _, err := devs[i].Connect(context.Background()); err != nil {
					t.Fatal(err)
				}
			}
			kept := []string{"101", "102", "103"}    // never deleted
			churned := []string{"201", "202", "203"} // deleted and re-saved
			var mu gosync.Mutex
			posts := map[string]map[int]bool{} // kept thread → every post saved
			tags := map[string]map[string]bool{}
			var wg gosync.WaitGroup
			for i, d := range devs {
				wg.Go(func() {
					rng := rand.New(rand.NewPCG(uint64(i), 5))
					tag := fmt.Sprintf("device-%d", i)
					for step := range 12 {
						switch r := rng.IntN(10); {
						case r < 5: // save a capture: some posts of the thread
							id := append(kept, churned...)[rng.IntN(6)]
							var nums []int
							for p := 1; p <= 6; p++ {
								if rng.IntN(2) == 0 || p == 1 {
									nums = append(nums, p)
								}
							}
							if _, err := d.Save(synctest.Thread(id, nums, i)); err != nil {
								t.Error(err)
								return
							}
							if slices.Contains(kept, id) {
								mu.Lock()
								if posts[id] == nil {
									posts[id] = map[int]bool{}
								}
								for _, p := range nums {
									posts[id][p] = true
								}
								mu.Unlock()
							}
						case r < 7: // delete a churned thread (if this device has it)
							id := "x:" + churned[rng.IntN(3)]
							if err := d.Delete(id); err != nil && err != sync.ErrNotSaved {
								t.Error(err)
								return
							}
						default: // add this device's tag to a kept thread it has
							id := "x:" + kept[rng.IntN(3)]
							if s, ok := d.Get(id); ok && !s.Deleted {
								if err := d.SetTags(id, append(slices.Clone(s.Tags), tag)); err != nil {
									t.Error(err)
									return
								}
								mu.Lock()
								if tags[id] == nil {
									tags[id] = map[string]bool{}
								}
								tags[id][tag] = true
								mu.Unlock()
							}
						}
						if step%3 == 2 {
							if _, err := d.Sync(context.Background()); err != nil {
								t.Error(err)
								return
							}
						}
					}
				})
			}
			wg.Wait()
			if t.Failed() {
				return
			}
			for range 2 {
				for _, d := range devs {
					syncUntilQuiet(t, d)
				}
			}
			joiner := newSyncClient(t, secret, baseURL)
			syncUntilQuiet(t, joiner)
			want := libraryJSON(t, joiner)
			for i, d := range devs {
				if got := libraryJSON(t, d); got != want {
					t.Fatalf("device %d differs from a device that joined afterwards:\n%.2000s\n---\n%.2000s", i, got, want)
				}
			}
			for id, ps := range posts {
				s, ok := joiner.Get("x:" + id)
				if !ok || s.Deleted || s.Thread == nil {
					t.Fatalf("kept thread %s is missing", id)
				}
				if len(s.Thread.Posts) != len(ps) {
					t.Fatalf("thread %s has %d posts; devices saved %d distinct ones", id, len(s.Thread.Posts), len(ps))
				}
				for tag := range tags["x:"+id] {
					if !slices.Contains(s.Tags, tag) {
						t.Fatalf("thread %s lost tag %q (has %v)", id, tag, s.Tags)
					}
				}
			}
			t.Logf("%d devices and a late joiner converged on %d threads", n, len(joiner.Library()))
		})
	}
}

// The real client while the native server is killed (SIGKILL) and
// restarted under it: every thread saved ends on the server exactly once
// (one record each, and one more for the device's manifest: the library
// is then at the suite's quota of 300 records), readable by a device that
// joins afterwards.
func TestSyncClientSurvivesKilledServer(t *testing.T) {
	k := newKillable(t)
	url := k.url()
	secret, _ := sync.NewSecret()
	d := newSyncClient(t, secret, url)
	if _, err := d.Connect(context.Background()); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	const threads = 299
	go func() {
		defer close(done)
		for i := range threads {
			if _, err := d.Save(synctest.Thread(fmt.Sprint(1000+i), synctest.Nums(1+i%20), 0)); err != nil {
				t.Error(err)
				return
			}
			if i%10 == 9 {
				d.Sync(context.Background()) // errors while the server is down: retried later
			}
		}
	}()
	for range 3 {
		time.Sleep(time.Duration(100+rand.IntN(150)) * time.Millisecond)
		if err := k.restart(50 * time.Millisecond); err != nil {
			t.Fatal(err)
		}
	}
	<-done
	syncUntilQuiet(t, d)
	joiner := newSyncClient(t, secret, url)
	syncUntilQuiet(t, joiner)
	if got, want := libraryJSON(t, joiner), libraryJSON(t, d); got != want {
		t.Fatal("a device joining after the kills sees another library")
	}
	if n := len(joiner.Library()); n != threads {
		t.Fatalf("%d threads on the server, want %d", n, threads)
	}
	keys := sync.DeriveKeys(secret)
	raw := newDevice("counter", lib{ID: keys.LibraryID, Key: keys.AuthKey}, func() string { return url })
	recs, err := raw.pullRecords()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != threads+1 {
		t.Fatalf("%d records on the server for %d threads and a manifest", len(recs), threads)
	}
	// The server cannot read what it stores: no plaintext of any thread is
	// anywhere in its files (database and WAL), read as raw bytes.
	k.srv.stop()
	files, _ := filepath.Glob(filepath.Join(k.dataDir, "unspool*.db*"))
	if len(files) == 0 {
		t.Fatal("no database files")
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, plain := range []string{"Some words that repeat", "An Author", "x.com/author", "x:1000"} {
			if bytes.Contains(b, []byte(plain)) {
				t.Fatalf("%s holds plaintext %q", filepath.Base(f), plain)
			}
		}
	}
}
