package sync_test

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"unspool/shared/sync"
	"unspool/shared/sync/synctest"
)

func savedThread(t testing.TB, id string, posts int) sync.SavedThread {
	var s sync.SavedThread
	now := clockAt("dev", 0)
	if err := s.Save(synctest.Thread(id, synctest.Nums(posts), 0), time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC), now()); err != nil {
		t.Fatal(err)
	}
	s.SetTags([]string{"go", "long read"}, now())
	s.SetNote("a note", now())
	return s
}

func newKeys(t testing.TB) sync.Keys {
	s, err := sync.NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	return sync.DeriveKeys(s)
}

func TestSeal_RoundTrip(t *testing.T) {
	k := newKeys(t)
	for _, s := range []sync.SavedThread{savedThread(t, "1", 1), savedThread(t, "2", 100), tombstone(t)} {
		id, blob, err := k.Seal(s)
		if err != nil {
			t.Fatal(err)
		}
		if id != k.RecordID(s.ID) {
			t.Fatalf("id %s is not RecordID(%s)", id, s.ID)
		}
		got, err := k.Open(id, blob)
		if err != nil {
			t.Fatal(err)
		}
		if js(t, got) != js(t, s) {
			t.Fatalf("round trip changed the record:\n%s\n%s", js(t, got), js(t, s))
		}
		// A fresh random nonce each time: sealing twice gives two blobs.
		if _, blob2, _ := k.Seal(s); blob2 == blob {
			t.Fatal("two seals of one record gave the same blob")
		}
	}
}

func tombstone(t testing.TB) sync.SavedThread {
	s := savedThread(t, "3", 2)
	s.Delete(sync.HLC{Wall: 1_900_000_000_000, Device: "dev"})
	return s
}

func TestSeal_CompressionPays(t *testing.T) {
	k := newKeys(t)
	s := savedThread(t, "1", 100)
	_, blob, _ := k.Seal(s)
	plain := len(js(t, s))
	sealed, _ := base64.StdEncoding.DecodeString(blob)
	t.Logf("100-post thread: %d bytes of JSON, %d sealed (%.0f%%), %d as base64", plain, len(sealed), 100*float64(len(sealed))/float64(plain), len(blob))
	if len(sealed)*3 > plain {
		t.Fatalf("sealed %d bytes for %d of JSON: compression did not pay", len(sealed), plain)
	}
	// A tombstone is tiny; compressing it must not make it bigger than the
	// JSON with its encoding byte, padded (at most 12 %), plus the fixed
	// overhead (1 + 24 + 16 bytes).
	ts := tombstone(t)
	_, tblob, _ := k.Seal(ts)
	traw, _ := base64.StdEncoding.DecodeString(tblob)
	if len(traw) > (len(js(t, ts))+1)*112/100+1+41 {
		t.Fatalf("tombstone sealed to %d bytes from %d", len(traw), len(js(t, ts)))
	}
}

func TestOpen_RefusesTamperedOrMovedBlobs(t *testing.T) {
	k := newKeys(t)
	s := savedThread(t, "1", 5)
	id, blob, _ := k.Seal(s)
	raw, _ := base64.StdEncoding.DecodeString(blob)

	// Every single bit flip, anywhere in the blob.
	for i := range raw {
		for bit := range 8 {
			b := []byte(string(raw))
			b[i] ^= 1 << bit
			if _, err := k.Open(id, base64.StdEncoding.EncodeToString(b)); !errors.Is(err, sync.ErrOpen) {
				t.Fatalf("flipping bit %d of byte %d: %v", bit, i, err)
			}
		}
	}
	other := savedThread(t, "2", 5)
	cases := map[string]struct {
		keys    sync.Keys
		id      string
		blob    string
		message string
	}{
		"moved to another record":  {k, k.RecordID(other.ID), blob, "altered, or it belongs to another record or library"},
		"moved to another library": {newKeys(t), id, blob, "altered, or it belongs to another record or library"},
		"truncated":                {k, id, base64.StdEncoding.EncodeToString(raw[:len(raw)-1]), "altered"},
		"too short":                {k, id, base64.StdEncoding.EncodeToString(raw[:20]), "too short"},
		"not base64":               {k, id, "@@@@", "not base64"},
		"future version":           {k, id, base64.StdEncoding.EncodeToString(append([]byte{2}, raw[1:]...)), "format version 2"},
		"empty":                    {k, id, "", "too short"},
	}
	for name, c := range cases {
		_, err := c.keys.Open(c.id, c.blob)
		if !errors.Is(err, sync.ErrOpen) || !strings.Contains(err.Error(), c.message) {
			t.Errorf("%s: %v, want ErrOpen saying %q", name, err, c.message)
		}
	}
}

func TestSeal_RefusesInvalidRecords(t *testing.T) {
	k := newKeys(t)
	s := savedThread(t, "1", 2)
	s.Deleted = true // derived field set by hand
	if _, _, err := k.Seal(s); err == nil {
		t.Fatal("a record whose deleted flag contradicts its clocks was sealed")
	}
	s = savedThread(t, "1", 2)
	s.ID = "x:2"
	if _, _, err := k.Seal(s); err == nil {
		t.Fatal("a record holding another thread than its id was sealed")
	}
	s = savedThread(t, "1", 2)
	s.Thread.URL = "javascript:alert(1)"
	if _, _, err := k.Seal(s); err == nil || !strings.Contains(err.Error(), "javascript") {
		t.Fatalf("a record whose thread fails thread.Validate was sealed (%v)", err)
	}
}

// An imported or merged saved thread is validated in full, its thread too.
func TestAPIMerge_RefusesAnInvalidThread(t *testing.T) {
	s := savedThread(t, "1", 2)
	s.Thread.Author.Handle = ""
	b, _ := json.Marshal(s)
	if _, err := sync.APIMerge("", string(b)); err == nil || !strings.Contains(err.Error(), "handle") {
		t.Fatalf("merged a thread without an author handle: %v", err)
	}
}

// Records of nearly the same size seal to the same length: the server
// cannot tell threads apart by exact size.
func TestSeal_PadsToBuckets(t *testing.T) {
	k := newKeys(t)
	lengths := map[int]int{}
	for i := range 40 {
		s := savedThread(t, "1", 20)
		s.SetNote(strings.Repeat("n", i*7), sync.HLC{Wall: 1_900_000_000_000, Device: "dev"})
		_, blob, err := k.Seal(s)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := k.Open(k.RecordID(s.ID), blob); err != nil || js(t, got) != js(t, s) {
			t.Fatalf("padded blob does not open back: %v", err)
		}
		lengths[len(blob)]++
	}
	if len(lengths) > 5 {
		t.Fatalf("40 records of sizes a few bytes apart sealed to %d lengths: %v", len(lengths), lengths)
	}
}
