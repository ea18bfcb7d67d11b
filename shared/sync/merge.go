package sync

import (
	"bytes"
	"encoding/json"
	"reflect"
	"slices"
	"strings"

	"unspool/shared/thread"
)

// Merge combines two states of the same record into one that holds every
// edit of both. The rules, register by register:
//
//   - Each register (the capture, each post, each tag, the note, the read
//     position, the keep-current switch) keeps the value with the greater HLC: last writer wins.
//     Equal HLCs mean the same write; if the values still differ (only a
//     corrupt or hand-made record can do that), the greater JSON encoding
//     wins so the result does not depend on argument order.
//   - Thread: the newer capture's metadata, and the union of both captures'
//     posts by id, each post from the newest capture that has it — a
//     re-save adds posts and never loses one. Posts of the newest capture
//     keep its order; posts only older captures had are slotted in by
//     (createdAt, id).
//   - Tags: an add/remove set, each tag its own register, so concurrent adds
//     of different tags both survive and a removal beats only older adds.
//   - Delete: the newest delete clears every register older than it and
//     nothing newer. The thread is deleted while its newest capture is older
//     than the newest delete; a capture newer than the delete (a re-save)
//     resurrects it, with whatever tags and note were written after the
//     delete. Tags, notes, read positions and switches written after a
//     delete survive in the tombstone but do not resurrect it: only saving
//     does.
//   - Manifest (a device's manifest record only): the greater counter.
//
// Merge is commutative, associative and idempotent on valid states (see
// Validate), so replicas that receive the same edits in any order, any
// number of times, converge (merge_test.go checks this on random
// histories). Merge(SavedThread{}, s) normalises s. When the ids differ —
// a caller's bug — the greater id is kept, still independent of order.
// The inputs are not modified; the result shares no slices or maps with them
// except the posts' own nested values.
func Merge(a, b SavedThread) SavedThread {
	out := SavedThread{ID: max(a.ID, b.ID), Tags: []string{}}
	d := maxHLC(a.Clocks.Deleted, b.Clocks.Deleted)
	out.Clocks.Deleted = d
	live := func(h HLC) bool { return !h.IsZero() && !d.After(h) }

	w := &a
	if takeB(a.Clocks.Thread, b.Clocks.Thread, func() int { return compareMeta(&a, &b) }) {
		w = &b
	}
	if w.Thread != nil && live(w.Clocks.Thread) {
		t := *w.Thread
		t.Posts, out.Clocks.Posts = mergePosts(&a, &b, w, live)
		out.Thread, out.SavedAt, out.Clocks.Thread = &t, w.SavedAt, w.Clocks.Thread
	}

	out.Tags, out.Clocks.Tags = mergeTags(&a, &b, live)

	if takeB(a.Clocks.Note, b.Clocks.Note, func() int { return strings.Compare(a.Note, b.Note) }) {
		out.Note, out.Clocks.Note = b.Note, b.Clocks.Note
	} else {
		out.Note, out.Clocks.Note = a.Note, a.Clocks.Note
	}
	if !live(out.Clocks.Note) {
		out.Note, out.Clocks.Note = "", HLC{}
	}

	out.ReadPosition, out.Clocks.ReadPosition = mergeValue(a.ReadPosition, b.ReadPosition, a.Clocks.ReadPosition, b.Clocks.ReadPosition, live)
	out.KeepCurrent, out.Clocks.KeepCurrent = mergeValue(a.KeepCurrent, b.KeepCurrent, a.Clocks.KeepCurrent, b.Clocks.KeepCurrent, live)

	out.Manifest = mergeManifest(a.Manifest, b.Manifest)
	out.Deleted = d.After(out.Clocks.Thread)
	return out
}

// mergeValue decides a register holding an optional value (nil: none):
// the value with the greater clock, a copy of it, while it is live.
func mergeValue[T any](va, vb *T, ha, hb HLC, live func(HLC) bool) (*T, HLC) {
	v, h := va, ha
	if takeB(ha, hb, func() int { return compareJSON(va, vb) }) {
		v, h = vb, hb
	}
	if !live(h) {
		return nil, HLC{}
	}
	if v != nil {
		c := *v
		v = &c
	}
	return v, h
}

// takeB decides one register: b's value wins if its HLC is greater, or on
// equal HLCs if tie (a's value compared with b's) says b's is greater.
func takeB(ha, hb HLC, tie func() int) bool {
	if c := ha.Compare(hb); c != 0 {
		return c < 0
	}
	return tie() < 0
}

// compareMeta compares two captures' metadata (posts excluded) for the
// equal-HLC tie-break.
func compareMeta(a, b *SavedThread) int {
	meta := func(s *SavedThread) any {
		if s.Thread == nil {
			return nil
		}
		t := *s.Thread
		t.Posts = nil
		return struct {
			T thread.Thread
			S any
		}{t, s.SavedAt}
	}
	if a.Thread != nil && b.Thread != nil && a.SavedAt.Equal(b.SavedAt) {
		ta, tb := *a.Thread, *b.Thread
		ta.Posts, tb.Posts = nil, nil
		if reflect.DeepEqual(ta, tb) {
			return 0 // the common case (same capture): skip the encoding
		}
	}
	return compareJSON(meta(a), meta(b))
}

func compareJSON(a, b any) int {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return bytes.Compare(ja, jb)
}

type postReg struct {
	h HLC
	p *thread.Post
}

func mergePosts(a, b, w *SavedThread, live func(HLC) bool) ([]thread.Post, map[string]HLC) {
	n := 0
	if a.Thread != nil {
		n += len(a.Thread.Posts)
	}
	if b.Thread != nil {
		n += len(b.Thread.Posts)
	}
	regs := make(map[string]postReg, n)
	add := func(s *SavedThread) {
		if s.Thread == nil {
			return
		}
		for i := range s.Thread.Posts {
			p := &s.Thread.Posts[i]
			h, ok := s.Clocks.Posts[p.ID]
			if !ok {
				h = s.Clocks.Thread
			}
			if !live(h) {
				continue
			}
			if r, ok := regs[p.ID]; ok && !takeB(r.h, h, func() int { return comparePost(r.p, p) }) {
				continue
			}
			regs[p.ID] = postReg{h, p}
		}
	}
	add(a)
	add(b)
	// A post edited where an edit makes a new id (X) is one post: a version
	// any post lists among its PreviousIDs gives way, whichever capture had
	// it (an older capture on one device would bring it back beside the
	// newer version otherwise). The set is read whole before any is
	// dropped, so the result does not depend on the map's order.
	var superseded []string
	for _, r := range regs {
		if r.p != nil {
			superseded = append(superseded, r.p.PreviousIDs...)
		}
	}
	for _, id := range superseded {
		if r, ok := regs[id]; ok {
			regs[id] = postReg{h: r.h}
		}
	}

	// The newest capture's posts in its order; every state carrying that
	// capture's clock has them in the same relative order, which is what
	// keeps the order independent of merge order.
	T := w.Clocks.Thread
	newest := make([]thread.Post, 0, len(regs))
	for _, p := range w.Thread.Posts {
		if r, ok := regs[p.ID]; ok && r.h == T && r.p != nil {
			newest = append(newest, *r.p)
			regs[p.ID] = postReg{h: T} // emitted
		}
	}
	var older []thread.Post
	var clocks map[string]HLC
	for id, r := range regs {
		if r.p == nil {
			continue
		}
		older = append(older, *r.p)
		if r.h != T {
			if clocks == nil {
				clocks = map[string]HLC{}
			}
			clocks[id] = r.h
		}
	}
	if len(older) == 0 {
		return newest, nil
	}
	// Slotted in by (createdAt, id): thread.SlotIn.
	return thread.SlotIn(newest, older), clocks
}

func comparePost(a, b *thread.Post) int {
	if reflect.DeepEqual(a, b) {
		return 0
	}
	return compareJSON(a, b)
}

func mergeTags(a, b *SavedThread, live func(HLC) bool) ([]string, map[string]HLC) {
	type tagReg struct {
		h       HLC
		present bool
	}
	regs := map[string]tagReg{}
	add := func(s *SavedThread) {
		for t, h := range s.Clocks.Tags {
			r := tagReg{h, slices.Contains(s.Tags, t)}
			// On equal clocks "present" wins: a tie-break, as in takeB.
			if old, ok := regs[t]; !ok || old.h.Compare(r.h) < 0 || old.h == r.h && r.present {
				regs[t] = r
			}
		}
	}
	add(a)
	add(b)
	tags := []string{}
	var clocks map[string]HLC
	for t, r := range regs {
		if !live(r.h) {
			continue
		}
		if clocks == nil {
			clocks = map[string]HLC{}
		}
		clocks[t] = r.h
		if r.present {
			tags = append(tags, t)
		}
	}
	slices.Sort(tags)
	return tags, clocks
}
