package sync

import (
	"encoding/json"
	"slices"

	"unspool/shared/thread"
)

// Records an earlier Unspool saved under a key the thread no longer has
// (thread.CurrentPlatform: Misskey notes kept as Mastodon's). The
// extension moves each one: the state Moved gives is merged under the new
// key and the old record is deleted, so every device, and sync, follow.

// Moved is s under the key its thread has now, with the same registers and
// clocks: devices that move the same record on their own write the same
// state, and edits made before the move keep their order against later
// ones. ok is false when s is where it belongs, or is deleted (a tombstone
// has no thread to say where it would go).
func Moved(s SavedThread) (moved SavedThread, ok bool) {
	if s.Thread == nil || s.Deleted {
		return SavedThread{}, false
	}
	p := thread.CurrentPlatform(s.Thread)
	if p == s.Thread.Platform {
		return SavedThread{}, false
	}
	t := *s.Thread
	t.Platform = p
	t.Posts = slices.Clone(t.Posts)
	moved = Merge(SavedThread{}, s)
	moved.Thread = &t
	moved.ID = CanonicalID(&t)
	return moved, true
}

// APIMoved is Moved for the extension (unspool.syncMoved): the SavedThread
// to merge under its new key, or "null" when the record stays.
func APIMoved(savedJSON string) (string, error) {
	st, err := parseSaved(savedJSON, false)
	if err != nil {
		return "", err
	}
	m, ok := Moved(st)
	if !ok {
		return "null", nil
	}
	b, err := json.Marshal(m)
	return string(b), err
}
