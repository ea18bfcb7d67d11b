package sync

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	gosync "sync"
	"time"

	"unspool/shared/protocol"
	"unspool/shared/thread"
)

// Client keeps one device's copy of a library and syncs it with the server.
//
// Local edits (Save, Delete, SetTags, …) apply at once and mark the record
// dirty: the dirty records are the outbox. Sync pulls every change after the
// cursor and merges it in, then pushes the outbox. Each pushed change names
// the server seq it was merged onto; when the server holds a newer one it
// answers "conflict" with it, the client merges and pushes again. Because
// Merge is idempotent, a push whose answer was lost is simply sent again:
// the server then reports a conflict with the very state sent, the merge
// changes nothing, and the record is clean — applied once.
//
// A record is clean only when the server is known to hold a state that
// includes every local edit (the same bytes after merge), so an edit is
// never dropped from the outbox before it is acknowledged.
//
// Edits may run concurrently with Sync; Syncs run one at a time. State
// returns what to persist, and Options.State restores it after a restart.
type Client struct {
	opts  Options
	keys  Keys
	clock *Clock

	syncing gosync.Mutex // one Sync/Pull/Push at a time
	mu      gosync.Mutex // guards lib and cursor
	lib     map[string]*entry
	cursor  string
}

type entry struct {
	st    SavedThread
	seq   int64  // the server seq st is known to include (the base of a push)
	dirty bool   // in the outbox
	gen   uint64 // bumped by every local edit, to notice edits during a push
}

// Options configures a Client. Transport, Secret and Device are required.
type Options struct {
	Transport Transport
	Secret    Secret
	Device    string // HLC device id (NewDeviceID), stable for the device
	// Now is the wall clock (time.Now when nil); tests give each device
	// its own, skewed.
	Now func() time.Time
	// State restores a persisted Client (see Client.State).
	State *State
	// Backoff gives the wait before retry attempt n (DefaultBackoff when
	// nil); Sleep waits (a timer when nil). Tests make both instant.
	Backoff     func(attempt int) time.Duration
	Sleep       func(ctx context.Context, d time.Duration) error
	MaxAttempts int // tries per request for retryable failures (default 5)
	PullLimit   int // changes per pull page (default protocol.DefaultPullLimit)
	BatchSize   int // changes per push (default and at most protocol.MaxBatchChanges)
	MaxRounds   int // push rounds per Sync, each resolving the last one's conflicts (default 8)
}

// State is what a Client persists: the library, the outbox (dirty
// records), the pull cursor and the clock. It holds plaintext and belongs
// in the device's own storage only.
type State struct {
	Cursor  string        `json:"cursor"`
	Clock   HLC           `json:"clock"`
	Records []StateRecord `json:"records"`
}

type StateRecord struct {
	Saved SavedThread `json:"saved"`
	Seq   int64       `json:"seq"`
	Dirty bool        `json:"dirty"`
}

// Report counts what one Sync (or Pull, or Push) did.
type Report struct {
	Pulled    int // changes received
	Pushed    int // changes the server applied
	Conflicts int // pushes answered with a newer record, merged and retried
	Rejected  int // received records that failed to open (skipped)
	Retries   int // requests sent again after a retryable failure
	// Unsendable counts records the last push round could not seal (over
	// the size limit); they stay in the outbox, the others are sent, and
	// Sync returns the first such error.
	Unsendable int
	Pending    int // records still in the outbox afterwards
}

// ErrNotSaved is returned when editing a thread the library does not hold
// (or holds only as deleted).
var ErrNotSaved = errors.New("sync: this thread is not in the library")

// maxPushBytes keeps a push request under the server's body limit, with
// room for the JSON around the blobs.
const maxPushBytes = protocol.MaxRequestBytes - 64<<10

// NewClient returns a Client for the library of o.Secret.
func NewClient(o Options) (*Client, error) {
	if o.Transport == nil || o.Secret.IsZero() {
		return nil, errors.New("sync: a Client needs a Transport and a Secret")
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Backoff == nil {
		o.Backoff = DefaultBackoff
	}
	if o.Sleep == nil {
		o.Sleep = sleepCtx
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 5
	}
	if o.PullLimit <= 0 || o.PullLimit > protocol.MaxPullLimit {
		o.PullLimit = protocol.DefaultPullLimit
	}
	if o.BatchSize <= 0 || o.BatchSize > protocol.MaxBatchChanges {
		o.BatchSize = protocol.MaxBatchChanges
	}
	if o.MaxRounds <= 0 {
		o.MaxRounds = 8
	}
	var last HLC
	if o.State != nil {
		last = o.State.Clock
	}
	clock, err := NewClock(o.Device, o.Now, last)
	if err != nil {
		return nil, err
	}
	c := &Client{opts: o, keys: DeriveKeys(o.Secret), clock: clock, lib: map[string]*entry{}}
	if o.State != nil {
		c.cursor = o.State.Cursor
		for _, r := range o.State.Records {
			c.lib[c.keys.RecordID(r.Saved.ID)] = &entry{st: Merge(SavedThread{}, r.Saved), seq: r.Seq, dirty: r.Dirty}
		}
	}
	return c, nil
}

// LibraryID is the library's id on the server.
func (c *Client) LibraryID() string { return c.keys.LibraryID }

// Connect registers the library on the server; it is idempotent, so the
// first device and every joining one call it alike.
func (c *Client) Connect(ctx context.Context) (created bool, err error) {
	var rep Report
	err = c.retry(ctx, &rep, func() error {
		r, err := c.opts.Transport.CreateLibrary(ctx, protocol.CreateLibraryRequest{LibraryID: c.keys.LibraryID, AuthKey: c.keys.AuthKey})
		created = r.Created
		return err
	})
	return created, err
}

// DeleteLibrary deletes the library and every record in it from the
// server. The local copy stays (sync is simply off); the cursor and seqs
// are reset so that syncing again would re-upload everything.
func (c *Client) DeleteLibrary(ctx context.Context) error {
	c.syncing.Lock()
	defer c.syncing.Unlock()
	var rep Report
	if err := c.retry(ctx, &rep, func() error {
		return c.opts.Transport.DeleteLibrary(ctx, c.keys.LibraryID, c.keys.AuthKey)
	}); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.cursor = ""
	for _, e := range c.lib {
		e.seq, e.dirty = 0, true
	}
	return nil
}

// ---------------------------------------------------------------- local edits

// Save adds the thread to the library or updates it (posts added, none
// lost); it also brings back a deleted thread.
func (c *Client) Save(t thread.Thread) (SavedThread, error) {
	if err := t.Validate(); err != nil {
		return SavedThread{}, err
	}
	id := CanonicalID(&t)
	var out SavedThread
	err := c.edit(id, true, func(s *SavedThread, at HLC) error {
		if err := s.Save(t, c.opts.Now(), at); err != nil {
			return err
		}
		out = *s
		return nil
	})
	return out, err
}

// Delete removes the thread; deleting a deleted thread does nothing.
func (c *Client) Delete(canonicalID string) error {
	err := c.edit(canonicalID, false, func(s *SavedThread, at HLC) error { s.Delete(at); return nil })
	if errors.Is(err, ErrNotSaved) {
		if s, ok := c.Get(canonicalID); ok && s.Deleted {
			return nil
		}
	}
	return err
}

// SetTags replaces the thread's tags.
func (c *Client) SetTags(canonicalID string, tags []string) error {
	return c.edit(canonicalID, false, func(s *SavedThread, at HLC) error { s.SetTags(tags, at); return nil })
}

// SetNote replaces the thread's note.
func (c *Client) SetNote(canonicalID, note string) error {
	return c.edit(canonicalID, false, func(s *SavedThread, at HLC) error { s.SetNote(note, at); return nil })
}

// SetReadPosition records how far the thread has been read.
func (c *Client) SetReadPosition(canonicalID string, p *ReadPosition) error {
	return c.edit(canonicalID, false, func(s *SavedThread, at HLC) error { s.SetReadPosition(p, at); return nil })
}

// edit applies one local edit under the lock with a fresh HLC, and puts
// the record in the outbox. Only Save may create or resurrect a record.
func (c *Client) edit(canonicalID string, create bool, fn func(*SavedThread, HLC) error) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	rid := c.keys.RecordID(canonicalID)
	e := c.lib[rid]
	if !create && (e == nil || e.st.Thread == nil) {
		return ErrNotSaved
	}
	if e == nil {
		e = &entry{st: SavedThread{ID: canonicalID}}
	}
	s := e.st
	if err := fn(&s, c.clock.Now()); err != nil {
		return err
	}
	if err := s.Validate(); err != nil {
		return err
	}
	e.st, e.dirty = s, true
	e.gen++
	c.lib[rid] = e
	return nil
}

// ---------------------------------------------------------------- reads

// Get returns the saved thread (live or deleted) with that canonical id.
func (c *Client) Get(canonicalID string) (SavedThread, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.lib[c.keys.RecordID(canonicalID)]
	if e == nil {
		return SavedThread{}, false
	}
	return e.st, true
}

// Library returns the live saved threads, by canonical id.
func (c *Client) Library() []SavedThread {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []SavedThread
	for _, e := range c.lib {
		if !e.st.Deleted && e.st.Thread != nil {
			out = append(out, e.st)
		}
	}
	slices.SortFunc(out, func(a, b SavedThread) int { return cmp.Compare(a.ID, b.ID) })
	return out
}

// Pending is the number of records in the outbox.
func (c *Client) Pending() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.pendingLocked()
}

func (c *Client) pendingLocked() int {
	n := 0
	for _, e := range c.lib {
		if e.dirty {
			n++
		}
	}
	return n
}

// State returns what to persist, records sorted by canonical id.
func (c *Client) State() State {
	c.mu.Lock()
	defer c.mu.Unlock()
	st := State{Cursor: c.cursor, Clock: c.clock.Last(), Records: []StateRecord{}}
	for _, e := range c.lib {
		st.Records = append(st.Records, StateRecord{Saved: e.st, Seq: e.seq, Dirty: e.dirty})
	}
	slices.SortFunc(st.Records, func(a, b StateRecord) int { return cmp.Compare(a.Saved.ID, b.Saved.ID) })
	return st
}

// ---------------------------------------------------------------- sync

// Sync pulls, then pushes the outbox, resolving conflicts, until the outbox
// is empty or MaxRounds pushes were made. An error leaves the outbox in
// place for the next Sync; the report says what was done before it.
func (c *Client) Sync(ctx context.Context) (Report, error) {
	return c.run(func(rep *Report) error {
		if err := c.pull(ctx, rep); err != nil {
			return err
		}
		var unsendable error
		for round := 0; round < c.opts.MaxRounds && c.Pending() > rep.Unsendable; round++ {
			var err error
			if unsendable, err = c.push(ctx, rep); err != nil {
				return err
			}
		}
		return unsendable
	})
}

// Pull only receives changes.
func (c *Client) Pull(ctx context.Context) (Report, error) {
	return c.run(func(rep *Report) error { return c.pull(ctx, rep) })
}

// Push sends the outbox once (one round, in batches).
func (c *Client) Push(ctx context.Context) (Report, error) {
	return c.run(func(rep *Report) error {
		unsendable, err := c.push(ctx, rep)
		return cmp.Or(err, unsendable)
	})
}

// run serialises sync operations and fills in the report's Pending.
func (c *Client) run(fn func(*Report) error) (Report, error) {
	c.syncing.Lock()
	defer c.syncing.Unlock()
	var rep Report
	err := fn(&rep)
	rep.Pending = c.Pending()
	return rep, err
}

func (c *Client) pull(ctx context.Context, rep *Report) error {
	for {
		c.mu.Lock()
		since := c.cursor
		c.mu.Unlock()
		var page protocol.PullResponse
		if err := c.retry(ctx, rep, func() (err error) {
			page, err = c.opts.Transport.Pull(ctx, c.keys.LibraryID, c.keys.AuthKey, since, c.opts.PullLimit)
			return err
		}); err != nil {
			return err
		}
		c.mu.Lock()
		for _, rec := range page.Changes {
			rep.Pulled++
			st, err := c.keys.Open(rec.ID, rec.Blob)
			if err != nil {
				// A record no key of ours opens holds nothing we can read;
				// skip it rather than stall the feed behind it.
				rep.Rejected++
				continue
			}
			c.absorbLocked(rec.ID, rec.Seq, st)
		}
		// The cursor moves only after the page is merged, so a crash in
		// between re-reads the page rather than skipping it.
		c.cursor = page.Cursor
		c.mu.Unlock()
		if !page.More {
			return nil
		}
		if page.Cursor == since {
			// More, yet the same cursor: asking again would loop forever.
			return fmt.Errorf("sync: the server says there is more but did not move the cursor")
		}
	}
}

// absorbLocked merges a state the server holds at seq into the local copy.
func (c *Client) absorbLocked(rid string, seq int64, remote SavedThread) {
	c.clock.Observe(remote.MaxClock())
	e := c.lib[rid]
	if e == nil {
		c.lib[rid] = &entry{st: remote, seq: seq}
		return
	}
	e.st = Merge(e.st, remote)
	if seq >= e.seq {
		e.seq = seq
		// Clean exactly when the server's copy already holds everything
		// this device has; otherwise (local edits, or a server that lost
		// data) the merged state goes out again.
		e.dirty = !sameState(e.st, remote)
	}
}

func sameState(a, b SavedThread) bool {
	ja, err1 := json.Marshal(a)
	jb, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && string(ja) == string(jb)
}

type sent struct {
	rid string
	gen uint64
}

// push makes one round over the outbox. Records that cannot be sealed are
// left in it and reported apart (unsendable, the first such error), so that
// the rest still goes out; err is a failure of the round itself.
func (c *Client) push(ctx context.Context, rep *Report) (unsendable, err error) {
	c.mu.Lock()
	var rids []string
	for rid, e := range c.lib {
		if e.dirty {
			rids = append(rids, rid)
		}
	}
	c.mu.Unlock()
	slices.Sort(rids) // a deterministic order: tests replay exactly
	rep.Unsendable = 0
	for len(rids) > 0 {
		var (
			req   protocol.PushRequest
			batch []sent
			size  int
		)
		c.mu.Lock()
		for len(rids) > 0 && len(req.Changes) < c.opts.BatchSize {
			e := c.lib[rids[0]]
			_, blob, err := c.keys.Seal(e.st)
			if err != nil {
				// One record that cannot be sent (over the size limit) must
				// not hold back the rest: it stays in the outbox, the others
				// go, and the error is returned at the end.
				rep.Unsendable++
				unsendable = cmp.Or(unsendable, err)
				rids = rids[1:]
				continue
			}
			if size+len(blob) > maxPushBytes && len(req.Changes) > 0 {
				break
			}
			size += len(blob)
			req.Changes = append(req.Changes, protocol.Change{ID: rids[0], BaseSeq: e.seq, Deleted: e.st.Deleted, Blob: blob})
			batch = append(batch, sent{rids[0], e.gen})
			rids = rids[1:]
		}
		c.mu.Unlock()
		if len(req.Changes) == 0 {
			continue
		}

		var resp protocol.PushResponse
		if err := c.retry(ctx, rep, func() (err error) {
			resp, err = c.opts.Transport.Push(ctx, c.keys.LibraryID, c.keys.AuthKey, req)
			return err
		}); err != nil {
			return unsendable, err
		}
		if err := c.applyResults(batch, resp, rep); err != nil {
			return unsendable, err
		}
	}
	return unsendable, nil
}

func (c *Client) applyResults(batch []sent, resp protocol.PushResponse, rep *Report) error {
	if len(resp.Results) != len(batch) {
		return fmt.Errorf("sync: the server answered %d results for %d changes", len(resp.Results), len(batch))
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, res := range resp.Results {
		b := batch[i]
		e := c.lib[b.rid]
		if res.ID != b.rid {
			return fmt.Errorf("sync: the server answered result %d for another record", i)
		}
		switch res.Status {
		case protocol.Applied:
			rep.Pushed++
			e.seq = res.Seq
			// An edit made while the push was in flight keeps the record
			// in the outbox, now based on the seq just written.
			if e.gen == b.gen {
				e.dirty = false
			}
		case protocol.Conflict:
			rep.Conflicts++
			cur := res.Current
			if cur == nil {
				// The server holds no such record (the library was reset):
				// push it again as new.
				e.seq = 0
				continue
			}
			remote, err := c.keys.Open(cur.ID, cur.Blob)
			if err != nil {
				// Nothing readable is there; overwrite it.
				rep.Rejected++
				e.seq = cur.Seq
				continue
			}
			c.absorbLocked(b.rid, cur.Seq, remote)
		default:
			return fmt.Errorf("sync: the server answered status %q", res.Status)
		}
	}
	return nil
}
