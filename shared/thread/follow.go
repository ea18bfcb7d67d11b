package thread

import (
	"cmp"
	"slices"
	"strings"
	"time"
)

// Changes counts what Follow found at the source.
type Changes struct {
	// Added: posts the saved copy did not have.
	Added int `json:"added"`
	// Edited: posts whose text changed at the source.
	Edited int `json:"edited"`
	// Removed: saved posts the source no longer has (kept, marked).
	Removed int `json:"removed"`
	// Restored: posts marked removed that the source shows again.
	Restored int `json:"restored"`
}

// Any says whether anything changed.
func (c Changes) Any() bool { return c != Changes{} }

// Follow brings saved, a thread kept in a library, up to date with fresh, a
// later reading of the same thread at its source ("keep current"), as of
// now. It returns the thread to store and what changed:
//
//   - A post only fresh has is added, marked AddedAt now (it is new since
//     the user read the thread).
//   - A post both have takes fresh's version (the source's latest), keeping
//     the marks the saved copy gave it; if its text changed it is marked
//     EditedAt now; if it was marked removed, the mark goes (it is back).
//   - A saved post fresh lacks is never dropped. It is marked RemovedAt now
//     only where fresh vouches for its absence: fresh holds posts of the
//     thread before and after it; or fresh is complete and the post is the
//     one right before fresh's first or after its last saved post — where
//     the chain broke. What lies beyond that break cannot be seen from
//     fresh: a reply to a deleted post is cut off from the thread at the
//     source, not deleted. A partial reading (an X page that loaded part of
//     the thread) leaves the posts it did not reach as they were.
//
// The thread's identity (ID, URL, FocalID) stays the saved one's; the rest
// of its metadata (author, completeness, gaps, capture time, source) is
// fresh's. Order: fresh's posts in its order, saved-only posts slotted in
// by (createdAt, id) — the library's merge rule (shared/sync Merge).
func Follow(saved, fresh *Thread, now time.Time) (Thread, Changes, error) {
	if saved.Platform != fresh.Platform || saved.ID != fresh.ID {
		return Thread{}, Changes{}, Errorf(EINVALID, "follow: the reading is thread %s:%s, not the saved %s:%s", fresh.Platform, fresh.ID, saved.Platform, saved.ID)
	}
	now = now.UTC()
	old := make(map[string]*Post, len(saved.Posts))
	for i := range saved.Posts {
		old[saved.Posts[i].ID] = &saved.Posts[i]
	}
	inFresh := make(map[string]bool, len(fresh.Posts))
	var ch Changes
	posts := make([]Post, 0, len(fresh.Posts)+len(saved.Posts))
	for _, p := range fresh.Posts {
		inFresh[p.ID] = true
		o, ok := old[p.ID]
		if !ok {
			if p.AddedAt.IsZero() {
				p.AddedAt = now
			}
			ch.Added++
			posts = append(posts, p)
			continue
		}
		p.AddedAt = o.AddedAt
		p.EditedAt = latest(o.EditedAt, p.EditedAt)
		if p.Text != o.Text {
			p.EditedAt = now
			ch.Edited++
		}
		if !o.RemovedAt.IsZero() {
			ch.Restored++
		}
		p.RemovedAt = time.Time{}
		posts = append(posts, p)
	}

	// Where fresh vouches for an absence: between its first and last post
	// of the saved order, and, if it is complete, at the break on either
	// side of them.
	first, last := -1, -1
	for i := range saved.Posts {
		if inFresh[saved.Posts[i].ID] {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	if first < 0 {
		return Thread{}, Changes{}, Errorf(EINVALID, "follow: the reading of %s:%s holds none of its saved posts", saved.Platform, saved.ID)
	}
	var only []Post
	for i, p := range saved.Posts {
		if inFresh[p.ID] {
			continue
		}
		vouched := (i > first && i < last) || (fresh.Complete && (i == first-1 || i == last+1))
		if vouched && p.RemovedAt.IsZero() {
			p.RemovedAt = now
			ch.Removed++
		}
		only = append(only, p)
	}
	out := *fresh
	out.ID, out.URL, out.FocalID = saved.ID, saved.URL, saved.FocalID
	out.Posts = SlotIn(posts, only)
	return out, ch, nil
}

func latest(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// SlotIn puts extra posts among posts (kept in their order) by PostOrder:
// how shared/sync's merge places posts only an older capture had, and
// Follow the saved posts a later reading lacks. extra is sorted in place.
func SlotIn(posts, extra []Post) []Post {
	if len(extra) == 0 {
		return posts
	}
	slices.SortStableFunc(extra, func(a, b Post) int { return PostOrder(&a, &b) })
	out := make([]Post, 0, len(posts)+len(extra))
	i := 0
	for _, p := range posts {
		for i < len(extra) && PostOrder(&extra[i], &p) < 0 {
			out = append(out, extra[i])
			i++
		}
		out = append(out, p)
	}
	return append(out, extra[i:]...)
}

// PostOrder orders posts whose place no capture gives: by creation time,
// then by id (shorter first, so numeric ids like X's compare as numbers).
func PostOrder(a, b *Post) int {
	if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
		return c
	}
	if c := cmp.Compare(len(a.ID), len(b.ID)); c != 0 {
		return c
	}
	return strings.Compare(a.ID, b.ID)
}
