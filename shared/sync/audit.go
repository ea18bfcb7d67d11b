package sync

import (
	"context"
	"slices"
)

// The checks a device makes with the manifests (manifest.go): after a
// pull, and after pulling the whole library again when something looked
// wrong. What they find is counted in Report.RolledBack (the server lacks
// a state this device has: it is sent again) and Report.Withheld (the
// server lacks a state another device wrote and this one never had).

// audit gathers, during one pull, what the checks after it need.
type audit struct {
	own string // this device's manifest ("" if it writes none)
	// full: the pull began at the start, so it saw every record the server
	// holds; received is then each record's seq and greatest clock.
	full     bool
	received map[string]held
	// check holds, per other device's manifest, the entries to check: in
	// a full pull all of them; else those new since the copy this device
	// had (the others were checked when they came).
	check map[string][]ManifestEntry
}

// held is a record as the server showed it.
type held struct {
	seq   int64
	clock HLC
}

func newAudit(full bool, own string) *audit {
	return &audit{own: own, full: full, received: map[string]held{}, check: map[string][]ManifestEntry{}}
}

// receive notes a record the pull brought; cur is this device's copy
// before it was merged in. A nil audit (a push's conflicts) notes nothing.
func (au *audit) receive(id string, r remote, cur *Local) {
	if au == nil {
		return
	}
	if au.full {
		au.received[id] = held{r.seq, r.st.MaxClock()}
	}
	m := r.st.Manifest
	if m == nil || id == au.own || !IsManifestID(id) {
		return
	}
	var had *Manifest
	if cur != nil {
		had = cur.Saved.Manifest
	}
	if au.full || had == nil {
		au.check[id] = m.Entries
		return
	}
	if m.Counter <= had.Counter {
		return
	}
	var fresh []ManifestEntry
	for _, e := range m.Entries {
		if !slices.Contains(had.Entries, e) {
			fresh = append(fresh, e)
		}
	}
	au.check[id] = fresh
}

// ownManifest is this device's manifest record as stored (nil if none).
func (c *Client) ownManifest(ctx context.Context) (*Local, error) {
	if c.own == "" {
		return nil, nil
	}
	got, err := c.store.Get(ctx, []string{c.own})
	if err != nil {
		return nil, err
	}
	return got[0], nil
}

// pullChecked pulls, then checks the manifests it brought. From the start
// of the library it checks everything at once (repair); after an
// incremental pull, a record listed but not here, or anything that looked
// rolled back, makes it pull the whole library again. start is this
// device's manifest as it stood before the operation.
func (c *Client) pullChecked(ctx context.Context, rep *Report, start *Local) error {
	since, err := c.store.Cursor(ctx)
	if err != nil {
		return err
	}
	au := newAudit(since == "", c.own)
	if err := c.pull(ctx, rep, au); err != nil {
		return err
	}
	if au.full {
		rep.fullPull = true
		return c.repair(ctx, rep, au, start)
	}
	missing, err := c.missing(ctx, au)
	if err != nil {
		return err
	}
	if missing || rep.suspect {
		return c.pullAll(ctx, rep, start)
	}
	return nil
}

// pullAll pulls the whole library again, from the start, and repairs what
// the server lacks. An operation does it at most once: what it finds is
// sent or reported, and the next check comes with the next new manifest
// or rollback, not with the next sync.
func (c *Client) pullAll(ctx context.Context, rep *Report, start *Local) error {
	if rep.fullPull {
		return nil
	}
	if err := c.store.SetCursor(ctx, ""); err != nil {
		return err
	}
	au := newAudit(true, c.own)
	if err := c.pull(ctx, rep, au); err != nil {
		return err
	}
	rep.fullPull = true
	return c.repair(ctx, rep, au, start)
}

// missing says whether an entry to check names a record this device does
// not hold at that seq with a state at least that new.
func (c *Client) missing(ctx context.Context, au *audit) (bool, error) {
	var entries []ManifestEntry
	for _, es := range au.check {
		entries = append(entries, es...)
	}
	if len(entries) == 0 {
		return false, nil
	}
	ids := make([]string, len(entries))
	for i, e := range entries {
		ids[i] = e.ID
	}
	locals, err := c.store.Get(ctx, ids)
	if err != nil {
		return false, err
	}
	for i, e := range entries {
		if l := locals[i]; l == nil || l.Seq < e.Seq || e.Clock.After(l.Saved.MaxClock()) {
			return true, nil
		}
	}
	return false, nil
}

// repair runs after a pull of the whole library. Every entry of the other
// devices' manifests it brought, and of this device's own as it stood
// before the operation (if the server had acknowledged it: a manifest
// never sent here lists another server's seqs), must have come at that
// seq or a higher one, with a state at least that new. A record that did
// not, and of which this device holds that state, is counted as rolled
// back and queued to go out again (based on the seq the server showed, 0
// if none); one this device lacks is counted as withheld.
func (c *Client) repair(ctx context.Context, rep *Report, au *audit, start *Local) error {
	var entries []ManifestEntry
	if start != nil && start.Seq > 0 && start.Saved.Manifest != nil {
		entries = append(entries, start.Saved.Manifest.Entries...)
	}
	for _, es := range au.check {
		entries = append(entries, es...)
	}
	failing := map[string]HLC{} // canonical id → the newest state listed for it that did not come
	for _, e := range entries {
		if got, ok := au.received[e.ID]; ok && got.seq >= e.Seq && !e.Clock.After(got.clock) {
			continue
		}
		failing[e.ID] = maxHLC(failing[e.ID], e.Clock)
	}
	if len(failing) == 0 {
		return nil
	}
	queued, _, err := c.store.Outbox(ctx)
	if err != nil {
		return err
	}
	return c.store.Update(ctx, sortedKeys(failing), func(id string, cur *Local) (*Local, bool) {
		if cur == nil || failing[id].After(cur.Saved.MaxClock()) {
			rep.Withheld++
			return nil, false
		}
		rep.rollBack(id)
		next := *cur
		next.Seq = au.received[id].seq // 0 when the server showed none
		return &next, !slices.Contains(queued, id)
	})
}

// writeManifest writes this device's manifest again with writes (changes
// the server just applied) in it, and queues it. A manifest the server
// has not acknowledged (Seq 0: never sent, or the library was joined or
// made again and everything queued) may list another library's seqs: an
// entry stays only if this device's copy of the record is at that seq.
// With no writes it only does that clean-up, if there is any to do.
func (c *Client) writeManifest(ctx context.Context, writes []ManifestEntry) error {
	prev, err := c.ownManifest(ctx)
	if err != nil || c.own == "" {
		return err
	}
	stale := map[ManifestEntry]bool{}
	if prev != nil && prev.Seq == 0 && prev.Saved.Manifest != nil && len(prev.Saved.Manifest.Entries) > 0 {
		es := prev.Saved.Manifest.Entries
		ids := make([]string, len(es))
		for i, e := range es {
			ids[i] = e.ID
		}
		locals, err := c.store.Get(ctx, ids)
		if err != nil {
			return err
		}
		for i, e := range es {
			if locals[i] == nil || locals[i].Seq < e.Seq {
				stale[e] = true
			}
		}
	}
	if len(writes) == 0 && len(stale) == 0 {
		return nil
	}
	return c.store.Update(ctx, []string{c.own}, func(id string, cur *Local) (*Local, bool) {
		next := Local{Saved: SavedThread{ID: id}}
		if cur != nil {
			next = *cur
		}
		var m Manifest
		if old := next.Saved.Manifest; old != nil {
			kept := *old
			kept.Entries = slices.DeleteFunc(slices.Clone(old.Entries), func(e ManifestEntry) bool { return stale[e] })
			m = kept.withWrites(writes)
		} else {
			m = (*Manifest)(nil).withWrites(writes)
		}
		next.Saved = Merge(next.Saved, SavedThread{ID: id, Manifest: &m, Clocks: Clocks{Deleted: c.clock.Now()}})
		return &next, true
	})
}

// manifestWrites are the entries of a pushed batch's states the server
// holds (manifests themselves excluded).
func manifestWrites(batch []string, states []SavedThread, held map[string]int64) []ManifestEntry {
	var out []ManifestEntry
	for i, id := range batch {
		if seq, ok := held[id]; ok && !IsManifestID(id) {
			out = append(out, ManifestEntry{ID: id, Seq: seq, Clock: states[i].MaxClock()})
		}
	}
	return out
}
