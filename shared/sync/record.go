package sync

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"unspool/shared/thread"
)

// SavedThread is one entry of a library, in plaintext: what a sealed blob
// holds. Every field is a register with its own HLC in Clocks, so edits on
// different devices combine field by field (see merge.go for the rules).
// Build one with the edit methods below, never by setting Clocks by hand.
type SavedThread struct {
	// ID is the thread's CanonicalID ("x:1234"); the record id is its HMAC.
	ID string `json:"id"`
	// Thread is the newest capture, with posts that only older captures had
	// merged in. Nil in a tombstone.
	Thread *thread.Thread `json:"thread,omitempty"`
	// SavedAt is when the newest capture was saved (it travels with Thread).
	SavedAt time.Time `json:"savedAt,omitzero"`
	// Tags are sorted and unique.
	Tags         []string      `json:"tags"`
	Note         string        `json:"note,omitempty"`
	ReadPosition *ReadPosition `json:"readPosition,omitempty"`
	// KeepCurrent is the thread's own "keep current" switch, nil where the
	// user never set one: then the device's default applies (on for
	// threads saved less than N days ago), which is also how a record
	// written before the switch synced reads.
	KeepCurrent *bool `json:"keepCurrent,omitempty"`
	// Deleted is derived, never set: the newest delete is newer than the
	// newest capture. It is written out for readers of the JSON (the
	// extension) and recomputed by every merge.
	Deleted bool   `json:"deleted"`
	Clocks  Clocks `json:"clocks"`
	// Manifest is set only in a device's manifest record (manifest.go), a
	// tombstone of the reserved platform ManifestPlatform.
	Manifest *Manifest `json:"manifest,omitempty"`
}

// ReadPosition is how far the user has read: the post in view and, where
// the reader knows it, the fraction of the whole thread (0..1).
type ReadPosition struct {
	PostID   string  `json:"postId"`
	Progress float64 `json:"progress,omitempty"`
	// SeenAt is when the thread was last opened to read: posts "keep
	// current" added after it are new since the user read (follow.go).
	SeenAt time.Time `json:"seenAt,omitzero"`
}

// Clocks holds the HLC of each register of a SavedThread.
type Clocks struct {
	// Thread is the HLC of the newest capture (Thread and SavedAt).
	Thread HLC `json:"thread,omitzero"`
	// Posts holds the HLC of each post that came from an older capture than
	// Thread; a post not listed here came with the newest capture. Sparse,
	// so that a record of one capture carries no per-post clocks at all.
	Posts map[string]HLC `json:"posts,omitempty"`
	// Tags holds the HLC of the last add or remove of each tag: a tag is
	// present if it is in SavedThread.Tags, removed otherwise. Keeping the
	// removals is what lets a removal beat an older add made elsewhere.
	Tags         map[string]HLC `json:"tags,omitempty"`
	Note         HLC            `json:"note,omitzero"`
	ReadPosition HLC            `json:"readPosition,omitzero"`
	KeepCurrent  HLC            `json:"keepCurrent,omitzero"`
	// Deleted is the HLC of the newest delete: every register older than it
	// is cleared.
	Deleted HLC `json:"deleted,omitzero"`
}

// Save records a capture of the thread at HLC at: posts it has replace
// older versions, posts it lacks are kept (a re-save adds, never loses), and
// if at is newer than a delete the thread is saved again.
func (s *SavedThread) Save(t thread.Thread, savedAt time.Time, at HLC) error {
	id := CanonicalID(&t)
	if s.ID != "" && s.ID != id {
		return fmt.Errorf("sync: cannot save thread %s into record %s", id, s.ID)
	}
	t.Posts = slices.Clone(t.Posts)
	*s = Merge(*s, SavedThread{ID: id, Thread: &t, SavedAt: savedAt.UTC(), Clocks: Clocks{Thread: at}})
	return nil
}

// Delete removes the thread as of at: every edit older than at is cleared;
// an edit made elsewhere after at survives, and a capture after at
// resurrects the thread.
func (s *SavedThread) Delete(at HLC) {
	*s = Merge(*s, SavedThread{ID: s.ID, Clocks: Clocks{Deleted: at}})
}

// SetTags makes tags the set of tags as of at (trimmed, empty ones and
// duplicates dropped). Only the difference is recorded: a tag added here
// and another added concurrently elsewhere both survive; a tag removed here
// stays removed unless added again after at.
func (s *SavedThread) SetTags(tags []string, at HLC) {
	want := NormalizeTags(tags)
	d := SavedThread{ID: s.ID, Tags: want, Clocks: Clocks{Tags: map[string]HLC{}}}
	for _, t := range want {
		if !slices.Contains(s.Tags, t) {
			d.Clocks.Tags[t] = at
		}
	}
	for _, t := range s.Tags {
		if !slices.Contains(want, t) {
			d.Clocks.Tags[t] = at
		}
	}
	// Tags already present keep their older clock: re-stating them is not
	// an edit, and must not undo a removal made elsewhere in between.
	d.Tags = slices.DeleteFunc(d.Tags, func(t string) bool { _, ok := d.Clocks.Tags[t]; return !ok })
	*s = Merge(*s, d)
}

// NormalizeTags trims, drops empties and duplicates, and sorts.
func NormalizeTags(tags []string) []string {
	out := []string{}
	for _, t := range tags {
		if t = strings.TrimSpace(t); t != "" {
			out = append(out, t)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// SetNote replaces the note as of at.
func (s *SavedThread) SetNote(note string, at HLC) {
	*s = Merge(*s, SavedThread{ID: s.ID, Note: note, Clocks: Clocks{Note: at}})
}

// SetReadPosition replaces the read position as of at (nil clears it).
func (s *SavedThread) SetReadPosition(p *ReadPosition, at HLC) {
	if p != nil {
		c := *p
		p = &c
	}
	*s = Merge(*s, SavedThread{ID: s.ID, ReadPosition: p, Clocks: Clocks{ReadPosition: at}})
}

// SetKeepCurrent sets the thread's own "keep current" switch as of at
// (nil: back to the default).
func (s *SavedThread) SetKeepCurrent(on *bool, at HLC) {
	if on != nil {
		v := *on
		on = &v
	}
	*s = Merge(*s, SavedThread{ID: s.ID, KeepCurrent: on, Clocks: Clocks{KeepCurrent: at}})
}

// MaxClock is the greatest HLC in s: a device folds it into its Clock
// (Observe) when it receives s, so its next edit is ordered after it.
func (s *SavedThread) MaxClock() HLC {
	c := s.Clocks
	m := maxHLC(maxHLC(c.Thread, c.Note), maxHLC(maxHLC(c.ReadPosition, c.KeepCurrent), c.Deleted))
	for _, h := range c.Posts {
		m = maxHLC(m, h)
	}
	for _, h := range c.Tags {
		m = maxHLC(m, h)
	}
	return m
}

// Validate checks the invariants every SavedThread made by the edit methods
// and Merge holds; Open refuses a record that breaks one, so Merge only
// ever sees states its laws are proved for.
func (s *SavedThread) Validate() error {
	c := &s.Clocks
	plat, tid, ok := strings.Cut(s.ID, ":")
	if !ok || plat == "" || tid == "" {
		return fmt.Errorf("sync: record id %q is not platform:id", s.ID)
	}
	if (s.Thread != nil) != !c.Thread.IsZero() {
		return fmt.Errorf("sync: record %s: thread and its clock disagree", s.ID)
	}
	older := func(h HLC) bool { return !h.IsZero() && c.Deleted.After(h) }
	if older(c.Thread) || older(c.Note) || older(c.ReadPosition) || older(c.KeepCurrent) {
		return fmt.Errorf("sync: record %s keeps an edit older than its delete", s.ID)
	}
	if c.Note.IsZero() && s.Note != "" || c.ReadPosition.IsZero() && s.ReadPosition != nil || c.KeepCurrent.IsZero() && s.KeepCurrent != nil {
		return fmt.Errorf("sync: record %s has a field without a clock", s.ID)
	}
	if s.Deleted != c.Deleted.After(c.Thread) {
		return fmt.Errorf("sync: record %s: deleted flag disagrees with its clocks", s.ID)
	}
	if s.Thread != nil {
		if got := CanonicalID(s.Thread); got != s.ID {
			return fmt.Errorf("sync: record %s holds thread %s", s.ID, got)
		}
		// A record from another device or an import file is held to the
		// rules of a fresh capture: the renderer and the library trust it.
		if err := s.Thread.Validate(); err != nil {
			return fmt.Errorf("sync: record %s: %w", s.ID, err)
		}
		seen := make(map[string]bool, len(s.Thread.Posts))
		for _, p := range s.Thread.Posts {
			if seen[p.ID] {
				return fmt.Errorf("sync: record %s has post %s twice", s.ID, p.ID)
			}
			seen[p.ID] = true
		}
		for id, h := range c.Posts {
			if !seen[id] || !c.Thread.After(h) || older(h) {
				return fmt.Errorf("sync: record %s has a bad clock for post %s", s.ID, id)
			}
		}
	} else if len(c.Posts) > 0 {
		return fmt.Errorf("sync: record %s has post clocks but no thread", s.ID)
	}
	if !slices.IsSorted(s.Tags) || len(slices.Compact(slices.Clone(s.Tags))) != len(s.Tags) {
		return fmt.Errorf("sync: record %s: tags are not sorted and unique", s.ID)
	}
	for _, t := range s.Tags {
		if _, ok := c.Tags[t]; !ok {
			return fmt.Errorf("sync: record %s: a tag has no clock", s.ID)
		}
	}
	for _, h := range c.Tags {
		if h.IsZero() || older(h) {
			return fmt.Errorf("sync: record %s: a tag has a bad clock", s.ID)
		}
	}
	return s.validateManifest()
}
