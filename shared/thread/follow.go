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
//     the marks the saved copy gave it; if it was marked removed, the mark
//     goes (it is back). Where an edit gives a post a new id (X), the
//     versions are one post: a fresh post whose PreviousIDs hold a saved id
//     replaces that saved copy, and a fresh reading of an older version
//     than the saved one leaves the saved one as it is.
//   - An edit is what the source says, never a guess from the text (an
//     extractor's improvement or a fuller reading changes text too): it
//     counts when fresh's EditedAt (the source's time) is later than the
//     saved copy's, or when the post has a new id since; the post keeps
//     the source's time (now where it has none). The source's clock is
//     not compared with the reader's: a time that skews is still later
//     than the last edit the same source dated. A reading without edit
//     data keeps the saved copy's EditedAt.
//   - A saved post fresh lacks is never dropped. It is marked RemovedAt now
//     only where fresh vouches for its absence: fresh holds posts of the
//     thread before and after it; or fresh is complete and the post is the
//     one right before fresh's first or after its last saved post — where
//     the chain broke. What lies beyond that break cannot be seen from
//     fresh: a reply to a deleted post is cut off from the thread at the
//     source, not deleted. A partial reading (an X page that loaded part of
//     the thread) leaves the posts it did not reach as they were.
//
// The thread's identity (ID, URL, FocalID) stays the saved one's (FocalID
// follows its post to a new id); the rest of its metadata (author,
// completeness, gaps, capture time, source) is fresh's. Order: fresh's posts in its order, saved-only posts slotted in
// by (createdAt, id) — the library's merge rule (shared/sync Merge).
func Follow(saved, fresh *Thread, now time.Time) (Thread, Changes, error) {
	if saved.Platform != fresh.Platform || !sameThread(saved, fresh) {
		return Thread{}, Changes{}, Errorf(EINVALID, "follow: the reading is thread %s:%s, not the saved %s:%s", fresh.Platform, fresh.ID, saved.Platform, saved.ID)
	}
	now = now.UTC()
	// Saved posts by id, and by the ids of their earlier versions (newer
	// false: a fresh post under such an id is older than the saved copy).
	type savedPost struct {
		p     *Post
		newer bool
	}
	old := make(map[string]savedPost, len(saved.Posts))
	for i := range saved.Posts {
		p := &saved.Posts[i]
		for _, id := range p.PreviousIDs {
			old[id] = savedPost{p, false}
		}
	}
	for i := range saved.Posts {
		old[saved.Posts[i].ID] = savedPost{&saved.Posts[i], true}
	}
	inFresh := make(map[string]bool, len(fresh.Posts))
	renamed := map[string]string{}
	var ch Changes
	posts := make([]Post, 0, len(fresh.Posts)+len(saved.Posts))
	for _, p := range fresh.Posts {
		s, ok := old[p.ID]
		for i := len(p.PreviousIDs) - 1; !ok && i >= 0; i-- {
			s, ok = old[p.PreviousIDs[i]]
		}
		if !ok || inFresh[s.p.ID] {
			if p.AddedAt.IsZero() {
				p.AddedAt = now
			}
			ch.Added++
			inFresh[p.ID] = true
			posts = append(posts, p)
			continue
		}
		o := s.p
		inFresh[o.ID] = true
		if !o.RemovedAt.IsZero() {
			ch.Restored++
		}
		if !s.newer {
			// The source still has the post; the saved copy is its later version.
			kept := *o
			kept.RemovedAt = time.Time{}
			posts = append(posts, kept)
			continue
		}
		if p.ID != o.ID {
			renamed[o.ID] = p.ID
		}
		p.AddedAt = o.AddedAt
		if sourceEdit(o, &p, now) {
			ch.Edited++
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
	if id, ok := renamed[saved.FocalID]; ok {
		out.FocalID = id
	}
	out.Posts = SlotIn(posts, only)
	return out, ch, nil
}

// sameThread says whether fresh reads the saved thread: the same first
// post, under its id or, edited since where an edit makes a new id, under
// a later version's.
func sameThread(saved, fresh *Thread) bool {
	if saved.ID == fresh.ID {
		return true
	}
	for i := range fresh.Posts {
		if slices.Contains(fresh.Posts[i].PreviousIDs, saved.ID) {
			return true
		}
	}
	return false
}

// sourceEdit sets p.EditedAt, p being fresh's version of the saved o, and
// says whether it is an edit the saved copy lacks.
func sourceEdit(o, p *Post, now time.Time) bool {
	switch {
	case p.ID != o.ID:
		if p.EditedAt.IsZero() {
			p.EditedAt = now
		}
		return true
	case p.EditedAt.IsZero():
		p.EditedAt = o.EditedAt
		return false
	}
	return p.EditedAt.After(o.EditedAt)
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
