package sync

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// A manifest is what makes omission and rollback by the server visible to
// the devices (docs/sync-protocol.md, "A server that loses or rolls back
// data"). Each record is authenticated, but the server chooses which
// records, and which of their authentic states, a device gets; a manifest
// says what should be there. Each device keeps one, stored on the server
// as one more record under the HMAC of the reserved canonical id
// "unspool-manifest:<device id>" and sealed like any record, so the server
// can neither read nor forge it. Only its device writes it, so manifests
// never conflict. It holds a counter that grows with every write and the
// device's latest writes, each with the seq the server acknowledged and the
// greatest clock of the state written.
//
// A manifest rides in a tombstone (no thread, a delete clock), with its
// payload in a field older versions do not know: an older device opens it
// as a deleted record of an unknown platform, stores it, never shows it, and
// ignores the payload (a copy it pushes back lacks it: the owner writes its
// manifest again, other devices ignore it).
const (
	// ManifestPlatform is the reserved platform of manifest records; no
	// thread has it (thread.Validate knows no such platform).
	ManifestPlatform = "unspool-manifest"
	// ManifestEntries bounds a manifest to the device's latest writes: a
	// list of every record would be a whole library's worth of entries
	// sent again with every write. 256 entries seal to about 7 KB
	// (TestManifest_SizeAtItsBound).
	ManifestEntries = 256
)

// Manifest is the payload of a manifest record.
type Manifest struct {
	// Counter grows by one with every write of the manifest: a device that
	// has seen counter n and is later shown less was rolled back.
	Counter int64 `json:"counter"`
	// Entries are the device's latest acknowledged writes, newest (highest
	// seq) first, one per record.
	Entries []ManifestEntry `json:"entries"`
}

// ManifestEntry is one write: after a full pull, the record must be there
// at this seq or a higher one, with a state at least this new.
type ManifestEntry struct {
	ID    string `json:"id"`    // the record's canonical id
	Seq   int64  `json:"seq"`   // the seq the server gave the write
	Clock HLC    `json:"clock"` // the greatest clock of the state written
}

// ManifestID is the canonical id of device's manifest record.
func ManifestID(device string) string { return ManifestPlatform + CanonicalIDSeparator + device }

// IsManifestID says whether a canonical id names a manifest record.
func IsManifestID(id string) bool {
	return strings.HasPrefix(id, ManifestPlatform+CanonicalIDSeparator)
}

// validateManifest checks what Validate adds for manifest records: the
// payload only in a tombstone of the reserved platform, entries that name
// records, bounded.
func (s *SavedThread) validateManifest() error {
	m := s.Manifest
	if !IsManifestID(s.ID) {
		if m != nil {
			return fmt.Errorf("sync: record %s carries a manifest", s.ID)
		}
		return nil
	}
	if s.Thread != nil || !s.Deleted {
		return fmt.Errorf("sync: manifest %s is not a tombstone", s.ID)
	}
	if m == nil {
		return nil // a copy from an older device, without its payload
	}
	if m.Counter <= 0 || len(m.Entries) > ManifestEntries {
		return fmt.Errorf("sync: manifest %s: bad counter or too many entries", s.ID)
	}
	seen := make(map[string]bool, len(m.Entries))
	for _, e := range m.Entries {
		plat, tid, ok := strings.Cut(e.ID, CanonicalIDSeparator)
		if !ok || plat == "" || tid == "" || IsManifestID(e.ID) || e.Seq <= 0 || e.Clock.IsZero() || seen[e.ID] {
			return fmt.Errorf("sync: manifest %s has a bad entry", s.ID)
		}
		seen[e.ID] = true
	}
	return nil
}

// mergeManifest keeps the manifest with the greater counter (one writer:
// an equal counter is the same write; the JSON tie-break only keeps Merge
// independent of order for hand-made records). The result shares nothing
// with its inputs.
func mergeManifest(a, b *Manifest) *Manifest {
	w := a
	if a == nil || b != nil && (b.Counter > a.Counter || b.Counter == a.Counter && compareJSON(a, b) < 0) {
		w = b
	}
	if w == nil {
		return nil
	}
	return &Manifest{Counter: w.Counter, Entries: slices.Clone(w.Entries)}
}

// withWrites is m written again with writes in it: the counter up by one,
// each written record's entry replaced, the newest ManifestEntries kept.
func (m *Manifest) withWrites(writes []ManifestEntry) Manifest {
	out := Manifest{Counter: 1}
	if m != nil {
		out.Counter = m.Counter + 1
		out.Entries = slices.Clone(m.Entries)
	}
	for _, w := range writes {
		out.Entries = slices.DeleteFunc(out.Entries, func(e ManifestEntry) bool { return e.ID == w.ID })
		out.Entries = append(out.Entries, w)
	}
	slices.SortFunc(out.Entries, func(a, b ManifestEntry) int { return cmp.Or(cmp.Compare(b.Seq, a.Seq), strings.Compare(a.ID, b.ID)) })
	if len(out.Entries) > ManifestEntries {
		out.Entries = out.Entries[:ManifestEntries]
	}
	return out
}
