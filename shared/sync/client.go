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
// It is the one sync engine: the extension runs it in the WASM over its
// IndexedDB (unspool.syncRun), Go programs and the reliability tests run it
// over a Store in memory.
//
// Local edits (Save, Delete, SetTags, …, or the extension's own) apply at
// once and queue the record in the outbox. Sync pulls every change after
// the cursor and merges it in, then pushes the outbox. Each pushed change
// names the server seq it was merged onto; when the server holds a newer
// one it answers "conflict" with it, the client merges and pushes again.
// Because Merge is idempotent, a push whose answer was lost is simply sent
// again: the server then reports a conflict with the very state sent, the
// merge changes nothing, and the record is clean — applied once.
//
// A record leaves the outbox only when the server is known to hold a state
// that includes every local edit (the same state after merge), so an edit
// is never dropped before it is acknowledged.
//
// Edits may run concurrently with Sync; Syncs run one at a time. With the
// Store in memory, State returns what to persist and Options.State
// restores it after a restart.
type Client struct {
	opts  Options
	keys  Keys
	clock *Clock
	store Store
	// own is the canonical id of this device's manifest record ("": it
	// writes none, see Options.NoManifest).
	own string

	syncing gosync.Mutex // one Sync/Pull/Push at a time
}

// Options configures a Client. Transport, Secret and Device are required.
type Options struct {
	Transport Transport
	Secret    Secret
	Device    string // HLC device id (NewDeviceID), stable for the device
	// NoManifest: Device is not stable (an older caller of Run gives
	// none), so this Client writes no manifest of its own; it still checks
	// the other devices'.
	NoManifest bool
	// Store keeps the library (in memory when nil, restored from State).
	Store Store
	// Now is the wall clock (time.Now when nil); tests give each device
	// its own, skewed.
	Now func() time.Time
	// State restores a persisted Client kept in memory (see Client.State).
	State *State
	// Backoff gives the wait before retry attempt n (DefaultBackoff when
	// nil); Sleep waits (a timer when nil). Tests make both instant.
	Backoff     func(attempt int) time.Duration
	Sleep       func(ctx context.Context, d time.Duration) error
	MaxAttempts int // tries per request for retryable failures (default MaxAttempts)
	// CreateToken goes with Connect's creation request: a private server
	// creates libraries only with its operator's token.
	CreateToken string
	PullLimit   int // changes per pull page (default protocol.DefaultPullLimit)
	BatchSize   int // changes per push (default and at most protocol.MaxBatchChanges)
	MaxRounds   int // push rounds per Sync, each resolving the last one's conflicts (default MaxRounds)
}

// State is what a Client kept in memory persists: the library, the outbox
// (dirty records), the pull cursor and the clock. It holds plaintext and
// belongs in the device's own storage only.
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
	Pulled    int `json:"pulled"`    // changes received
	Pushed    int `json:"pushed"`    // changes the server applied
	Conflicts int `json:"conflicts"` // pushes answered with a newer record, merged and retried
	Rejected  int `json:"rejected"`  // records (pulled, or a conflict's current) that failed to open (skipped)
	Retries   int `json:"retries"`   // requests sent again after a retryable failure
	// Unsendable counts records the last push round could not seal (over
	// the size limit); they stay in the outbox, the others are sent, and
	// Sync returns the first such error (an ErrUnsendable).
	Unsendable int `json:"unsendable"`
	Pending    int `json:"pending"` // records still in the outbox afterwards
	// RolledBack counts records the server answered with an older state
	// than one it had acknowledged to this device, or no longer held at
	// all: a server that lost or rolled back data, or was wiped and the
	// library created again. This device's copy is sent again, and Sync
	// returns ErrRolledBack so the person is told.
	RolledBack int `json:"rolledBack"`
	// Withheld counts records another device's manifest lists that the
	// server did not give this device even when it pulled the whole library
	// again (or gave only at an older state), and that this device has no
	// copy of to send back: the server withholds or lost them. Sync returns
	// ErrWithheld so the person is told.
	Withheld int `json:"withheld"`

	// suspect: something looked rolled back or withheld; Sync pulls the
	// whole library again (once) to find everything the server lacks.
	suspect bool
	// fullPull: this operation has pulled the whole library.
	fullPull bool
	// counted: the canonical ids counted in RolledBack, each once.
	counted map[string]bool
}

// rollBack counts a thread record the server lost or rolled back (once
// per operation) and marks the report suspect.
func (rep *Report) rollBack(id string) {
	rep.suspect = true
	if IsManifestID(id) || rep.counted[id] {
		return
	}
	if rep.counted == nil {
		rep.counted = map[string]bool{}
	}
	rep.counted[id] = true
	rep.RolledBack++
}

// ErrNotSaved is returned when editing a thread the library does not hold
// (or holds only as deleted).
var ErrNotSaved = errors.New("sync: this thread is not in the library")

// ErrUnsendable wraps the error of a record that cannot be sealed (over the
// size limit): it stays in the outbox, and the rest of the sync went on.
var ErrUnsendable = errors.New("sync: a record cannot be sent")

// ErrRolledBack is returned by a Sync that found the server holding less
// than it had acknowledged to this device (see Report.RolledBack). The
// sync itself went through and this device's copies were sent again; what
// only another device had is back once that device syncs.
var ErrRolledBack = errors.New("sync: the server lost or rolled back part of the library")

// ErrWithheld is returned by a Sync that found records another device
// wrote missing from the server's answers (see Report.Withheld). The sync
// itself went through.
var ErrWithheld = errors.New("sync: the server withheld records another device wrote")

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
		o.MaxAttempts = MaxAttempts
	}
	if o.PullLimit <= 0 || o.PullLimit > protocol.MaxPullLimit {
		o.PullLimit = protocol.DefaultPullLimit
	}
	if o.BatchSize <= 0 || o.BatchSize > protocol.MaxBatchChanges {
		o.BatchSize = protocol.MaxBatchChanges
	}
	if o.MaxRounds <= 0 {
		o.MaxRounds = MaxRounds
	}
	var last HLC
	if o.State != nil {
		last = o.State.Clock
	}
	clock, err := NewClock(o.Device, o.Now, last)
	if err != nil {
		return nil, err
	}
	store := o.Store
	if store == nil {
		store = newMemStore(o.State)
	}
	c := &Client{opts: o, keys: DeriveKeys(o.Secret), clock: clock, store: store}
	if !o.NoManifest {
		c.own = ManifestID(o.Device)
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
		r, err := c.opts.Transport.CreateLibrary(ctx, protocol.CreateLibraryRequest{
			LibraryID: c.keys.LibraryID, AuthKey: c.keys.AuthKey, CreateToken: c.opts.CreateToken})
		created = r.Created
		return err
	})
	return created, err
}

// Check asks the server whether the library is there and this device's
// key opens it, without changing anything: what joining with a code
// checks first, so a wrong code or server is said before anything moves.
func (c *Client) Check(ctx context.Context) error {
	var rep Report
	return c.retry(ctx, &rep, func() error {
		_, err := c.opts.Transport.Pull(ctx, c.keys.LibraryID, c.keys.AuthKey, "", 1)
		return err
	})
}

// DeleteLibrary deletes the library and every record in it from the
// server. The local copy stays; with the Store in memory, the cursor and
// seqs are reset and every record queued, so that syncing again would
// re-upload everything.
func (c *Client) DeleteLibrary(ctx context.Context) error {
	c.syncing.Lock()
	defer c.syncing.Unlock()
	var rep Report
	if err := c.retry(ctx, &rep, func() error {
		return c.opts.Transport.DeleteLibrary(ctx, c.keys.LibraryID, c.keys.AuthKey)
	}); err != nil {
		return err
	}
	if m, ok := c.store.(*memStore); ok {
		m.forget()
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

// SetKeepCurrent sets the thread's own "keep current" switch (nil: the
// default).
func (c *Client) SetKeepCurrent(canonicalID string, on *bool) error {
	return c.edit(canonicalID, false, func(s *SavedThread, at HLC) error { s.SetKeepCurrent(on, at); return nil })
}

// edit applies one local edit atomically with a fresh HLC, and queues the
// record in the outbox. Only Save may create or resurrect a record.
func (c *Client) edit(canonicalID string, create bool, fn func(*SavedThread, HLC) error) error {
	var err error
	uerr := c.store.Update(context.Background(), []string{canonicalID}, func(_ string, cur *Local) (*Local, bool) {
		if !create && (cur == nil || cur.Saved.Thread == nil) {
			err = ErrNotSaved
			return nil, false
		}
		next := Local{Saved: SavedThread{ID: canonicalID}}
		if cur != nil {
			next = *cur
		}
		if err = fn(&next.Saved, c.clock.Now()); err != nil {
			return nil, false
		}
		if err = next.Saved.Validate(); err != nil {
			return nil, false
		}
		return &next, true
	})
	return cmp.Or(uerr, err)
}

// ---------------------------------------------------------------- reads

// Get returns the saved thread (live or deleted) with that canonical id.
func (c *Client) Get(canonicalID string) (SavedThread, bool) {
	got, err := c.store.Get(context.Background(), []string{canonicalID})
	if err != nil || got[0] == nil {
		return SavedThread{}, false
	}
	return got[0].Saved, true
}

// Library returns the live saved threads, by canonical id (with the Store
// in memory; another Store is read where it lives).
func (c *Client) Library() []SavedThread {
	var out []SavedThread
	for _, r := range c.State().Records {
		if !r.Saved.Deleted && r.Saved.Thread != nil {
			out = append(out, r.Saved)
		}
	}
	return out
}

// Pending is the number of records in the outbox.
func (c *Client) Pending() int {
	ids, _, _ := c.store.Outbox(context.Background())
	return len(ids)
}

// State returns what to persist, records sorted by canonical id (with the
// Store in memory; another Store persists itself).
func (c *Client) State() State {
	st := State{Clock: c.clock.Last(), Records: []StateRecord{}}
	if m, ok := c.store.(*memStore); ok {
		st.Cursor, st.Records = m.state()
	}
	return st
}

// ---------------------------------------------------------------- sync

// Sync pulls, then pushes the outbox, resolving conflicts, until the outbox
// is empty or MaxRounds pushes were made. An error leaves the outbox in
// place for the next Sync; the report says what was done before it.
func (c *Client) Sync(ctx context.Context) (Report, error) {
	return c.run(ctx, func(rep *Report) error {
		start, err := c.ownManifest(ctx)
		if err != nil {
			return err
		}
		if err := c.pullChecked(ctx, rep, start); err != nil {
			return err
		}
		unsendable, err := c.pushRounds(ctx, rep)
		if err != nil {
			return err
		}
		if rep.suspect && !rep.fullPull {
			// A push met a rolled-back record or manifest: pull everything
			// again to find the rest, and send back what this device has.
			if err := c.pullAll(ctx, rep, start); err != nil {
				return err
			}
			if unsendable, err = c.pushRounds(ctx, rep); err != nil {
				return err
			}
		}
		return cmp.Or(unsendable, rolledBack(rep))
	})
}

// pushRounds pushes the outbox until it is empty or MaxRounds pushes were
// made.
func (c *Client) pushRounds(ctx context.Context, rep *Report) (unsendable, err error) {
	for round := 0; round < c.opts.MaxRounds; round++ {
		ids, _, err := c.store.Outbox(ctx)
		if err != nil {
			return unsendable, err
		}
		if len(ids) <= rep.Unsendable {
			break
		}
		if unsendable, err = c.push(ctx, rep); err != nil {
			return unsendable, err
		}
	}
	return unsendable, nil
}

// Pull only receives changes.
func (c *Client) Pull(ctx context.Context) (Report, error) {
	return c.run(ctx, func(rep *Report) error {
		start, err := c.ownManifest(ctx)
		if err != nil {
			return err
		}
		return cmp.Or(c.pullChecked(ctx, rep, start), rolledBack(rep))
	})
}

// Push sends the outbox once (one round, in batches).
func (c *Client) Push(ctx context.Context) (Report, error) {
	return c.run(ctx, func(rep *Report) error {
		unsendable, err := c.push(ctx, rep)
		return cmp.Or(err, unsendable, rolledBack(rep))
	})
}

// run serialises sync operations and fills in the report's Pending.
func (c *Client) run(ctx context.Context, fn func(*Report) error) (Report, error) {
	c.syncing.Lock()
	defer c.syncing.Unlock()
	var rep Report
	err := fn(&rep)
	if ids, _, oerr := c.store.Outbox(ctx); oerr == nil {
		rep.Pending = len(ids)
	}
	return rep, err
}

// rolledBack is the error that tells what Sync found the server lacking.
func rolledBack(rep *Report) error {
	var errs []error
	if rep.RolledBack > 0 {
		errs = append(errs, fmt.Errorf("%w (%d records)", ErrRolledBack, rep.RolledBack))
	}
	if rep.Withheld > 0 {
		errs = append(errs, fmt.Errorf("%w (%d records)", ErrWithheld, rep.Withheld))
	}
	return errors.Join(errs...)
}

// remote is a state the server holds at seq.
type remote struct {
	st  SavedThread
	seq int64
}

// pull receives every change after the cursor; au gathers what the
// checks after it need.
func (c *Client) pull(ctx context.Context, rep *Report, au *audit) error {
	for {
		since, err := c.store.Cursor(ctx)
		if err != nil {
			return err
		}
		var page protocol.PullResponse
		if err := c.retry(ctx, rep, func() (err error) {
			page, err = c.opts.Transport.Pull(ctx, c.keys.LibraryID, c.keys.AuthKey, since, c.opts.PullLimit)
			return err
		}); err != nil {
			return err
		}
		got := map[string]remote{}
		for _, rec := range page.Changes {
			st, err := c.keys.Open(rec.ID, rec.Blob)
			if err != nil {
				// A record no key of ours opens holds nothing we can read;
				// skip it rather than stall the feed behind it.
				rep.Pulled++
				rep.Rejected++
				continue
			}
			if !IsManifestID(st.ID) {
				rep.Pulled++
			}
			got[st.ID] = remote{st, rec.Seq}
		}
		if err := c.absorb(ctx, got, true, rep, au); err != nil {
			return err
		}
		// The cursor moves only after the page is merged, so a crash in
		// between re-reads the page rather than skipping it.
		if err := c.store.SetCursor(ctx, page.Cursor); err != nil {
			return err
		}
		if !page.More {
			return nil
		}
		if page.Cursor == since {
			// More, yet the same cursor: asking again would loop forever.
			return fmt.Errorf("sync: the server says there is more but did not move the cursor")
		}
	}
}

// absorb merges states the server holds into the local records. A record
// whose merge is exactly the server's state is clean: its outbox entries
// (as far as they stood before the merge) are acknowledged. After a pull
// (requeue), a record not in the outbox whose merge differs from the
// server's (a server that lost data) is queued to go out again.
//
// A server's seq for a record only grows, so a state at a lower seq than
// the one this device's copy is based on was rolled back (or the library
// was wiped and made again, its seqs starting over): it is counted in
// rep.RolledBack, merged in, and the record is queued to go out again
// based on that seq, so the server gets back what it lost.
//
// Manifests (manifest.go) are records too, with these differences: only
// this device's own is ever queued (another device's is that device's to
// write); one shown at a lower seq or counter than seen before marks the
// report suspect (Sync then pulls everything again) without counting as a
// rolled-back thread; and au gathers those newer than seen before, for
// the checks after the pull.
func (c *Client) absorb(ctx context.Context, got map[string]remote, requeue bool, rep *Report, au *audit) error {
	if len(got) == 0 {
		return nil
	}
	ids := make([]string, 0, len(got))
	for id := range got {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	queued, mark, err := c.store.Outbox(ctx)
	if err != nil {
		return err
	}
	var clean []string
	err = c.store.Update(ctx, ids, func(id string, cur *Local) (*Local, bool) {
		r := got[id]
		c.clock.Observe(r.st.MaxClock())
		au.receive(id, r, cur)
		manifest := IsManifestID(id)
		mine := !manifest || id == c.own // a record this device may send
		if cur == nil {
			return &Local{r.st, r.seq}, false
		}
		next := Local{Merge(cur.Saved, r.st), cur.Seq}
		if r.seq < cur.Seq {
			rep.rollBack(id)
			next.Seq = r.seq
			return &next, mine && !slices.Contains(queued, id)
		}
		if manifest && r.st.Manifest != nil && cur.Saved.Manifest != nil && r.st.Manifest.Counter < cur.Saved.Manifest.Counter {
			// An older manifest under a newer seq: an authentic old blob
			// served again.
			rep.suspect = true
		}
		next.Seq = r.seq
		same := sameState(next.Saved, r.st)
		if same {
			clean = append(clean, id)
		}
		queue := mine && requeue && !same && !slices.Contains(queued, id)
		if next.Seq == cur.Seq && !queue && sameState(next.Saved, cur.Saved) {
			return nil, false // nothing to write
		}
		return &next, queue
	})
	if err != nil || len(clean) == 0 {
		return err
	}
	return c.store.Ack(ctx, clean, mark)
}

func sameState(a, b SavedThread) bool {
	ja, err1 := json.Marshal(a)
	jb, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && string(ja) == string(jb)
}

// push makes one round over the outbox. Records that cannot be sealed are
// left in it and reported apart (unsendable, the first such error), so that
// the rest still goes out; err is a failure of the round itself.
func (c *Client) push(ctx context.Context, rep *Report) (unsendable, err error) {
	// A manifest of this device that the server never acknowledged goes
	// out only once it lists nothing from another library.
	if err := c.writeManifest(ctx, nil); err != nil {
		return nil, err
	}
	ids, mark, err := c.store.Outbox(ctx)
	if err != nil {
		return nil, err
	}
	slices.Sort(ids) // a deterministic order: tests replay exactly
	// This device's manifest goes last and alone: it lists what the
	// batches before it applied, and a library at its record quota that
	// has no room for it must not hold the threads back.
	if i := slices.Index(ids, c.own); c.own != "" && i >= 0 {
		ids = append(slices.Delete(ids, i, i+1), c.own)
	}
	rep.Unsendable = 0
	for len(ids) > 0 {
		n := min(len(ids), c.opts.BatchSize)
		recs, err := c.store.Get(ctx, ids[:n])
		if err != nil {
			return unsendable, err
		}
		var (
			req     protocol.PushRequest
			batch   []string      // canonical ids, as sent
			states  []SavedThread // each state sent
			nothing []string      // queued ids with nothing to send
			size    int
			used    int
		)
		for i, l := range recs {
			if ids[i] == c.own && len(req.Changes) > 0 {
				break
			}
			if l == nil || IsManifestID(ids[i]) && ids[i] != c.own {
				// No record, or another device's manifest (queued by an
				// older version, or by the extension queueing everything):
				// only its device writes it.
				nothing = append(nothing, ids[i])
				used++
				continue
			}
			rid, blob, err := c.keys.Seal(l.Saved)
			if err != nil {
				// One record that cannot be sent (over the size limit) must
				// not hold back the rest: it stays in the outbox, the others
				// go, and the error is returned at the end.
				rep.Unsendable++
				unsendable = cmp.Or(unsendable, fmt.Errorf("%w: %w", ErrUnsendable, err))
				used++
				continue
			}
			if size+len(blob) > maxPushBytes && len(req.Changes) > 0 {
				break
			}
			size += len(blob)
			req.Changes = append(req.Changes, protocol.Change{ID: rid, BaseSeq: l.Seq, Deleted: l.Saved.Deleted, Blob: blob})
			batch = append(batch, ids[i])
			states = append(states, l.Saved)
			used++
		}
		ids = ids[used:]
		if len(nothing) > 0 {
			if err := c.store.Ack(ctx, nothing, mark); err != nil {
				return unsendable, err
			}
		}
		if len(req.Changes) == 0 {
			continue
		}
		var resp protocol.PushResponse
		if err := c.retry(ctx, rep, func() (err error) {
			resp, err = c.opts.Transport.Push(ctx, c.keys.LibraryID, c.keys.AuthKey, req)
			return err
		}); err != nil {
			if batch[0] == c.own && isFull(err) {
				// No room for a new record: the manifest waits for the next
				// write (it is written again then), the threads went out.
				if err := c.store.Ack(ctx, batch, mark); err != nil {
					return unsendable, err
				}
				continue
			}
			return unsendable, err
		}
		held, err := c.applyResults(ctx, req.Changes, batch, states, mark, resp, rep)
		if err != nil {
			return unsendable, err
		}
		if w := manifestWrites(batch, states, held); len(w) > 0 {
			if err := c.writeManifest(ctx, w); err != nil {
				return unsendable, err
			}
		}
	}
	return unsendable, nil
}

// applyResults records what the server answered a push: seqs of applied
// changes, conflicts merged in. It returns, by canonical id, the seq at
// which the server holds the very state sent (states): applied, or a
// conflict with that state (a push whose answer was lost, sent again).
func (c *Client) applyResults(ctx context.Context, sent []protocol.Change, batch []string, states []SavedThread, mark int64, resp protocol.PushResponse, rep *Report) (map[string]int64, error) {
	if len(resp.Results) != len(batch) {
		return nil, fmt.Errorf("sync: the server answered %d results for %d changes", len(resp.Results), len(batch))
	}
	applied := map[string]int64{} // canonical id → seq
	held := map[string]int64{}    // canonical id → seq of the state sent
	rebase := map[string]int64{}  // canonical id → the seq to base the next push on
	conflicts := map[string]remote{}
	for i, res := range resp.Results {
		id := batch[i]
		if res.ID != sent[i].ID {
			return nil, fmt.Errorf("sync: the server answered result %d for another record", i)
		}
		manifest := IsManifestID(id) // counted apart from the threads
		switch res.Status {
		case protocol.Applied:
			if !manifest {
				rep.Pushed++
			}
			applied[id] = res.Seq
			held[id] = res.Seq
		case protocol.Conflict:
			if !manifest {
				rep.Conflicts++
			}
			cur := res.Current
			if cur == nil {
				// The server holds no such record, yet this change was
				// based on a state it had acknowledged: it lost the record
				// (or the library was wiped and made again). Push it again
				// as new.
				rep.rollBack(id)
				rebase[id] = 0
				continue
			}
			st, err := c.keys.Open(cur.ID, cur.Blob)
			if err != nil {
				// Nothing readable is there; overwrite it.
				rep.Rejected++
				rebase[id] = cur.Seq
				continue
			}
			conflicts[id] = remote{st, cur.Seq}
			if sameState(st, states[i]) {
				held[id] = cur.Seq
			}
		default:
			return nil, fmt.Errorf("sync: the server answered status %q", res.Status)
		}
	}
	if len(applied)+len(rebase) > 0 {
		ids := append(sortedKeys(applied), sortedKeys(rebase)...)
		if err := c.store.Update(ctx, ids, func(id string, cur *Local) (*Local, bool) {
			if cur == nil {
				return nil, false
			}
			next := *cur
			if seq, ok := applied[id]; ok {
				// max: a pull running meanwhile may have seen a newer one.
				next.Seq = max(cur.Seq, seq)
			} else {
				next.Seq = rebase[id]
			}
			return &next, false
		}); err != nil {
			return nil, err
		}
		// An edit made while the push was in flight was queued after the
		// mark: it stays in the outbox, now based on the seq just written.
		if err := c.store.Ack(ctx, sortedKeys(applied), mark); err != nil {
			return nil, err
		}
	}
	return held, c.absorb(ctx, conflicts, false, rep, nil)
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// isFull: the server has no room for another record (the library's quota,
// or the deployment's storage budget).
func isFull(err error) bool {
	var ae *APIError
	return errors.As(err, &ae) && (ae.Status == 413 || ae.Status == 507)
}
