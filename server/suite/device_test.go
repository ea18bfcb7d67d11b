package suite

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"time"

	"unspool/shared/protocol"
)

// device is a minimal sync client for the reliability tests: a local
// library, an outbox (dirty records), pull-merge-push with the protocol's
// optimistic concurrency, and last-writer-wins values on Lamport clocks.
// It stands in for shared/sync's client: what is under test here is the
// server, which must let any such client converge without losing an
// acknowledged write.
type device struct {
	name   string
	url    func() string // the server's base URL (it may move between restarts)
	lib    lib
	cursor string
	clock  int64
	recs   map[string]*entry
	// onApplied is told of every write the server acknowledged.
	onApplied func(id string, v value)
	// appliedUnseen counts pending writes found already on the server (by a
	// pull or a conflict carrying exactly the pushed value): their ack was lost.
	appliedUnseen int
}

// value is what a blob carries here. The server sees only base64 of it.
type value struct {
	Text string `json:"x"`
	Del  bool   `json:"del,omitempty"`
	T    int64  `json:"t"`
	D    string `json:"d"`
}

// after orders values: the later Lamport time wins, the device name breaks ties.
func (a value) after(b value) bool { return a.T > b.T || (a.T == b.T && a.D > b.D) }

type entry struct {
	v     value
	base  int64 // seq of the server version v was merged onto
	dirty bool
}

func newDevice(name string, l lib, url func() string) *device {
	return &device{name: name, url: url, lib: l, recs: map[string]*entry{}, onApplied: func(string, value) {}}
}

// edit writes a record locally (a save, an edit, a delete or a re-save).
func (d *device) edit(id, text string, del bool) {
	d.clock++
	e := d.recs[id]
	if e == nil {
		e = &entry{}
		d.recs[id] = e
	}
	e.v, e.dirty = value{Text: text, Del: del, T: d.clock, D: d.name}, true
}

func encodeValue(v value) string {
	j, _ := json.Marshal(v)
	s := base64.StdEncoding.EncodeToString(j)
	secrets.add(s)
	return s
}

func decodeValue(blob string) (value, error) {
	var v value
	j, err := base64.StdEncoding.DecodeString(blob)
	if err == nil {
		err = json.Unmarshal(j, &v)
	}
	return v, err
}

// merge folds a server version of a record into the local one.
func (d *device) merge(r protocol.Record) error {
	rv, err := decodeValue(r.Blob)
	if err != nil {
		return fmt.Errorf("%s: undecodable blob from the server: %v", d.name, err)
	}
	if rv.Del != r.Deleted {
		return fmt.Errorf("%s: record deleted=%v but its value says %v", d.name, r.Deleted, rv.Del)
	}
	d.clock = max(d.clock, rv.T)
	e := d.recs[r.ID]
	switch {
	case e == nil:
		d.recs[r.ID] = &entry{v: rv, base: r.Seq}
	case r.Seq < e.base:
		// An older version than one already merged (a pull racing a conflict).
	case rv == e.v:
		if e.dirty {
			// Our own pending write is already on the server: a push whose
			// answer was lost (server killed, connection cut) was applied.
			d.appliedUnseen++
			d.onApplied(r.ID, rv)
		}
		e.base, e.dirty = r.Seq, false
	case rv.after(e.v):
		e.v, e.base, e.dirty = rv, r.Seq, false
	default:
		// The local value wins: push it on top of this version.
		e.base, e.dirty = r.Seq, true
	}
	return nil
}

// call sends one request to the server, waiting out 429s; transport errors
// are returned (the server may be down), never fatal.
func (d *device) call(method, path string, body, out any) error {
	for range 30 {
		var rd io.Reader
		if body != nil {
			j, _ := json.Marshal(body)
			rd = bytes.NewReader(j)
		}
		req, _ := http.NewRequest(method, d.url()+path, rd)
		req.Header.Set("Authorization", "Bearer "+d.lib.Key)
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return err
		}
		if resp.StatusCode == http.StatusTooManyRequests {
			secs, _ := strconv.Atoi(resp.Header.Get("Retry-After"))
			time.Sleep(time.Duration(max(secs, 1)) * time.Second)
			continue
		}
		if transientStatus(resp.StatusCode) {
			// workerd answers 503 "worker restarted mid-request" when it
			// replaces an isolate under load; a client retries, as
			// shared/sync's does. A push that did land comes back as a
			// conflict, never a second write.
			time.Sleep(100 * time.Millisecond)
			continue
		}
		if resp.StatusCode/100 != 2 {
			return fmt.Errorf("%s %s: %d %.200s", method, path, resp.StatusCode, b)
		}
		return json.Unmarshal(b, out)
	}
	return fmt.Errorf("%s %s: rate limited or unavailable too long", method, path)
}

func transientStatus(code int) bool {
	return code == http.StatusBadGateway || code == http.StatusServiceUnavailable || code == http.StatusGatewayTimeout
}

// sync pulls everything new, merges, pushes the outbox, and repeats until
// the outbox is empty. An error leaves the local state consistent for a retry.
func (d *device) sync() error {
	for range 100 {
		for {
			var p protocol.PullResponse
			if err := d.call("GET", changesPath(d.lib)+"?since="+d.cursor, nil, &p); err != nil {
				return err
			}
			for _, r := range p.Changes {
				if err := d.merge(r); err != nil {
					return err
				}
			}
			d.cursor = p.Cursor
			if !p.More {
				break
			}
		}
		var ids []string
		for id, e := range d.recs {
			if e.dirty {
				ids = append(ids, id)
			}
		}
		if len(ids) == 0 {
			return nil
		}
		sort.Strings(ids)
		ids = ids[:min(len(ids), protocol.MaxBatchChanges)]
		req := protocol.PushRequest{}
		for _, id := range ids {
			e := d.recs[id]
			req.Changes = append(req.Changes, protocol.Change{ID: id, BaseSeq: e.base, Deleted: e.v.Del, Blob: encodeValue(e.v)})
		}
		var resp protocol.PushResponse
		if err := d.call("POST", changesPath(d.lib), req, &resp); err != nil {
			return err
		}
		if len(resp.Results) != len(ids) {
			return fmt.Errorf("%s: %d results for %d changes", d.name, len(resp.Results), len(ids))
		}
		for i, r := range resp.Results {
			e := d.recs[ids[i]]
			switch {
			case r.ID != ids[i]:
				return fmt.Errorf("%s: result %d is for another record", d.name, i)
			case r.Status == protocol.Applied:
				e.base, e.dirty = r.Seq, false
				d.onApplied(r.ID, e.v)
			case r.Status == protocol.Conflict && r.Current != nil:
				if err := d.merge(*r.Current); err != nil {
					return err
				}
			case r.Status == protocol.Conflict:
				e.base = 0 // the server has no such record
			default:
				return fmt.Errorf("%s: result %+v", d.name, r)
			}
		}
	}
	return fmt.Errorf("%s: outbox not empty after 100 rounds", d.name)
}

// state is the device's library as id → value.
func (d *device) state() map[string]value {
	m := make(map[string]value, len(d.recs))
	for id, e := range d.recs {
		m[id] = e.v
	}
	return m
}

func (d *device) dirty() int {
	n := 0
	for _, e := range d.recs {
		if e.dirty {
			n++
		}
	}
	return n
}

// callCreate creates the device's library.
func (d *device) callCreate(out *protocol.CreateLibraryResponse) error {
	return d.call("POST", "/v1/libraries", protocol.CreateLibraryRequest{LibraryID: d.lib.ID, AuthKey: d.lib.Key}, out)
}

// pullRecords is a full pull of the raw records, whatever their blobs hold.
func (d *device) pullRecords() ([]protocol.Record, error) {
	var all []protocol.Record
	cursor := ""
	for {
		var p protocol.PullResponse
		if err := d.call("GET", changesPath(d.lib)+"?since="+cursor, nil, &p); err != nil {
			return nil, err
		}
		all = append(all, p.Changes...)
		cursor = p.Cursor
		if !p.More {
			return all, nil
		}
	}
}
