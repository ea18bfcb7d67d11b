package sync

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"unspool/shared/thread"
)

// Keep current: a saved thread brought up to date with a later reading of
// it at its source (thread.Follow gives the rules). The result is stored as
// a capture, so it merges and syncs like any save; SavedAt stays the
// user's own save date, which is what "saved in the last N days" counts
// from.

// Refresh merges fresh, read from the source at now, into s as of at, and
// says what changed. Nothing is written when nothing changed (a refresh
// that finds nothing new must not make every device pull the thread).
func (s *SavedThread) Refresh(fresh thread.Thread, now time.Time, at HLC) (thread.Changes, error) {
	if s.Thread == nil || s.Deleted {
		return thread.Changes{}, fmt.Errorf("sync: %s is not in the library", s.ID)
	}
	t, ch, err := thread.Follow(s.Thread, &fresh, now)
	if err != nil || !ch.Any() {
		return ch, err
	}
	return ch, s.Save(t, s.SavedAt, at)
}

// SeenSince is the time posts count as new after: when the thread was last
// opened to read, else when it was saved.
func (s *SavedThread) SeenSince() time.Time {
	if s.ReadPosition != nil && !s.ReadPosition.SeenAt.IsZero() {
		return s.ReadPosition.SeenAt
	}
	return s.SavedAt
}

// NewSinceRead counts the posts keep current added after SeenSince.
func (s *SavedThread) NewSinceRead() int {
	if s.Thread == nil || s.Deleted {
		return 0
	}
	since, n := s.SeenSince(), 0
	for i := range s.Thread.Posts {
		if a := s.Thread.Posts[i].AddedAt; !a.IsZero() && a.After(since) {
			n++
		}
	}
	return n
}

// RefreshJSON is the answer of APIRefresh: the record to store (unchanged
// when nothing changed) and what changed.
type RefreshJSON struct {
	Saved   SavedThread    `json:"saved"`
	Changes thread.Changes `json:"changes"`
}

// FollowJSON is the argument of APIRefresh: a fresh reading of the thread,
// when it was read (RFC 3339) and the edit's clock.
type FollowJSON struct {
	Thread *thread.Thread `json:"thread"`
	Now    time.Time      `json:"now"`
	At     HLC            `json:"at"`
}

// APIRefresh applies a FollowJSON to a SavedThread: RefreshJSON.
func APIRefresh(savedJSON, followJSON string) (string, error) {
	st, err := parseSaved(savedJSON, false)
	if err != nil {
		return "", err
	}
	var f FollowJSON
	if err := json.Unmarshal([]byte(followJSON), &f); err != nil {
		return "", fmt.Errorf("sync: the refresh is not valid JSON: %w", err)
	}
	if f.Thread == nil || f.At.IsZero() || f.Now.IsZero() {
		return "", errors.New("sync: a refresh needs {thread, now, at}")
	}
	if err := f.Thread.Validate(); err != nil {
		return "", err
	}
	ch, err := st.Refresh(*f.Thread, f.Now, f.At)
	if err != nil {
		return "", err
	}
	return marshal(RefreshJSON{Saved: st, Changes: ch})
}

// NewPostsJSON is the answer of APINewPosts.
type NewPostsJSON struct {
	Count int       `json:"count"`
	Since time.Time `json:"since,omitzero"`
}

// APINewPosts says how many posts of a SavedThread are new since it was
// read, and since when (what the library's reader marks).
func APINewPosts(savedJSON string) (string, error) {
	var st SavedThread
	if err := json.Unmarshal([]byte(savedJSON), &st); err != nil {
		return "", fmt.Errorf("sync: the saved thread is not valid JSON: %w", err)
	}
	return marshal(NewPostsJSON{Count: st.NewSinceRead(), Since: st.SeenSince()})
}
