package sync

import (
	"cmp"
	"context"
	"encoding/json"
	"slices"
	gosync "sync"
)

// Store is where a device keeps its copy of the library between syncs: the
// records, the outbox of local changes the server has not acknowledged, and
// the pull cursor. A Client without Options.Store keeps one in memory (Go
// programs, tests); the extension's is its IndexedDB, which wasm/ reaches
// through the functions the extension passes to unspool.syncRun. Either
// way the same Client code decides what is pulled, pushed, merged and
// acknowledged.
//
// Calls may block (the extension answers asynchronously) and must not call
// back into the Client.
type Store interface {
	// Cursor is where the next pull starts; SetCursor moves it once a page
	// is merged.
	Cursor(ctx context.Context) (string, error)
	SetCursor(ctx context.Context, cursor string) error
	// Outbox returns the canonical ids of the records with local changes
	// the server has not acknowledged, and a mark of how far the
	// outbox stood. Ack(ids, mark) removes what those ids had queued up to
	// the mark only: an edit made after Outbox was read stays queued.
	Outbox(ctx context.Context) (ids []string, mark int64, err error)
	Ack(ctx context.Context, ids []string, mark int64) error
	// Get returns the records of ids, nil where the store has none.
	Get(ctx context.Context, ids []string) ([]*Local, error)
	// Update runs fn on each record of ids (nil where there is none) in one
	// step that no local edit interleaves with (the extension: one
	// IndexedDB transaction). fn returns the record to store (nil: leave it
	// as it is) and whether to queue it in the outbox; it must not block.
	Update(ctx context.Context, ids []string, fn UpdateFunc) error
}

// UpdateFunc computes a record's next state for Store.Update.
type UpdateFunc func(id string, cur *Local) (next *Local, queue bool)

// Local is one record as a device keeps it: the saved thread, and the
// server seq it is known to include (the base of its next push; 0: never
// sent).
type Local struct {
	Saved SavedThread
	Seq   int64
}

// localJSON is Local as the extension stores it: the saved thread's fields
// with seq beside them (and its own key, which Go does not read).
type localJSON struct {
	SavedThread
	Seq int64 `json:"seq"`
}

func (l Local) MarshalJSON() ([]byte, error) { return json.Marshal(localJSON{l.Saved, l.Seq}) }

func (l *Local) UnmarshalJSON(b []byte) error {
	var j localJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	if err := j.SavedThread.Validate(); err != nil {
		return err
	}
	*l = Local{Merge(SavedThread{}, j.SavedThread), j.Seq}
	return nil
}

// NewMemoryStore returns an empty Store in memory: what a Client without
// Options.Store keeps.
func NewMemoryStore() Store { return newMemStore(nil) }

// memStore is the Store a Client keeps in memory.
type memStore struct {
	mu     gosync.Mutex
	cursor string
	recs   map[string]*memRecord // by canonical id
	marks  int64                 // outbox additions so far
}

type memRecord struct {
	Local
	queued int64 // the mark of its newest outbox entry; 0: not in the outbox
}

var _ Store = (*memStore)(nil)

func newMemStore(st *State) *memStore {
	m := &memStore{recs: map[string]*memRecord{}}
	if st == nil {
		return m
	}
	m.cursor = st.Cursor
	for _, r := range st.Records {
		rec := &memRecord{Local: Local{Merge(SavedThread{}, r.Saved), r.Seq}}
		if r.Dirty {
			m.marks++
			rec.queued = m.marks
		}
		m.recs[r.Saved.ID] = rec
	}
	return m
}

func (m *memStore) Cursor(context.Context) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.cursor, nil
}

func (m *memStore) SetCursor(_ context.Context, c string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.cursor = c
	return nil
}

func (m *memStore) Outbox(context.Context) ([]string, int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var ids []string
	for id, r := range m.recs {
		if r.queued > 0 {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids, m.marks, nil
}

func (m *memStore) Ack(_ context.Context, ids []string, mark int64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, id := range ids {
		if r := m.recs[id]; r != nil && r.queued <= mark {
			r.queued = 0
		}
	}
	return nil
}

func (m *memStore) Get(_ context.Context, ids []string) ([]*Local, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]*Local, len(ids))
	for i, id := range ids {
		if r := m.recs[id]; r != nil {
			l := r.Local
			out[i] = &l
		}
	}
	return out, nil
}

func (m *memStore) Update(_ context.Context, ids []string, fn UpdateFunc) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, id := range ids {
		var cur *Local
		if r := m.recs[id]; r != nil {
			l := r.Local
			cur = &l
		}
		next, queue := fn(id, cur)
		if next == nil {
			continue
		}
		r := m.recs[id]
		if r == nil {
			r = &memRecord{}
			m.recs[id] = r
		}
		r.Local = *next
		if queue {
			m.marks++
			r.queued = m.marks
		}
	}
	return nil
}

// forget resets the cursor and every seq and queues every record: what
// the server knew is gone.
func (m *memStore) forget() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.cursor = ""
	for _, r := range m.recs {
		m.marks++
		r.Seq, r.queued = 0, m.marks
	}
}

// state reads the whole library, for Client.State and Library.
func (m *memStore) state() (cursor string, recs []StateRecord) {
	m.mu.Lock()
	defer m.mu.Unlock()
	recs = []StateRecord{}
	for _, r := range m.recs {
		recs = append(recs, StateRecord{Saved: r.Saved, Seq: r.Seq, Dirty: r.queued > 0})
	}
	slices.SortFunc(recs, func(a, b StateRecord) int { return cmp.Compare(a.Saved.ID, b.Saved.ID) })
	return m.cursor, recs
}
