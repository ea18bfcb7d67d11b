package extract

// Small helpers every source's posts and threads go through: URLs made
// absolute and safe, times, media and cards without unsafe targets, the
// author's chain on a page, and a steady order for what has none.

import (
	"bytes"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"unspool/shared/thread"
)

// absURL resolves ref against base and returns it only when it is a safe
// http(s) URL.
func absURL(base *url.URL, ref string) string {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return ""
	}
	u, err := url.Parse(ref)
	if err != nil {
		return ""
	}
	if base != nil {
		u = base.ResolveReference(u)
	}
	return thread.SafeURL(u.String())
}

// pageHost is the page's host without "www." and port, lower case.
func pageHost(u *url.URL) string {
	return strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
}

// unixTime reads an epoch in seconds (legacy twitter.com's data-time,
// Threads' taken_at).
func unixTime(s string) time.Time {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || n <= 0 {
		return time.Time{}
	}
	return time.Unix(n, 0).UTC()
}

// rfcTime reads an RFC 3339 time with or without fractional seconds.
func rfcTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(s))
	if err != nil {
		return time.Time{}
	}
	return t.UTC()
}

// editedTime reads a source's time of a post's latest edit (Mastodon's
// edited_at, Misskey's updatedAt): absent, null, unreadable, or not after
// the post's creation reads as no edit.
func editedTime(created time.Time, s *string) time.Time {
	if s == nil {
		return time.Time{}
	}
	t := rfcTime(*s)
	if t.IsZero() || !t.After(created) {
		return time.Time{}
	}
	return t
}

// safeMedia drops media without a usable URL, so no post carries an
// empty or unsafe source.
func safeMedia(ms []thread.Media) []thread.Media {
	out := ms[:0]
	for _, m := range ms {
		m.URL = thread.SafeURL(m.URL)
		m.Poster = thread.SafeURL(m.Poster)
		if m.URL == "" {
			continue
		}
		out = append(out, m)
		if len(out) == thread.MaxMedia {
			break
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// safeCard returns c with unsafe URLs removed, or nil without a target.
func safeCard(c *thread.Card) *thread.Card {
	if c == nil {
		return nil
	}
	c.URL = thread.SafeURL(c.URL)
	c.Image = thread.SafeURL(c.Image)
	if c.URL == "" {
		return nil
	}
	if c.Domain == "" {
		c.Domain = thread.Domain(c.URL)
	}
	return c
}

// safeAuthor clears author URLs that are not http(s).
func safeAuthor(a thread.Author) thread.Author {
	a.URL = thread.SafeURL(a.URL)
	a.Avatar = thread.SafeURL(a.Avatar)
	return a
}

// containsAll reports whether content holds every marker: how the
// HTML sources recognise their pages without a list of hosts.
func containsAll(content []byte, markers [][]byte) bool {
	for _, m := range markers {
		if !bytes.Contains(content, m) {
			return false
		}
	}
	return len(markers) > 0
}

// authorRun is the chain on a page that does not say which post a reply
// answers: the focal post and the unbroken run of posts by the same author
// directly above and below it, in reading order.
func authorRun[T any](items []T, focal int, sameAuthor func(a, b T) bool, post func(T) thread.Post) []thread.Post {
	var above, below []thread.Post
	for i := focal - 1; i >= 0 && sameAuthor(items[i], items[focal]); i-- {
		above = append(above, post(items[i]))
	}
	for i := focal + 1; i < len(items) && sameAuthor(items[i], items[focal]); i++ {
		below = append(below, post(items[i]))
	}
	return chainPosts(above, post(items[focal]), below)
}

// chainPosts puts a chain in reading order: above is the author's posts
// over the focal one, nearest first; below those under it, in order. Posts
// without an id and repeats are dropped.
func chainPosts(above []thread.Post, focal thread.Post, below []thread.Post) []thread.Post {
	out := make([]thread.Post, 0, len(above)+1+len(below))
	seen := map[string]bool{}
	add := func(p thread.Post) {
		if p.ID != "" && !seen[p.ID] {
			seen[p.ID] = true
			out = append(out, p)
		}
	}
	for i := len(above) - 1; i >= 0; i-- {
		add(above[i])
	}
	add(focal)
	for _, p := range below {
		add(p)
	}
	return out
}

// earliestOf is the earliest of items by time, then by id (numeric or
// time-sortable ids: shorter is older, then lexical), so that a branching
// self-thread always continues the same way.
func earliestOf[T any](items []T, when func(T) time.Time, id func(T) string) (T, bool) {
	var best T
	if len(items) == 0 {
		return best, false
	}
	best = items[0]
	for _, it := range items[1:] {
		ti, tb := when(it), when(best)
		if ti.Before(tb) || (ti.Equal(tb) && idLess(id(it), id(best))) {
			best = it
		}
	}
	return best, true
}

// idLess orders ids that grow with time: Mastodon's and X's numeric
// strings (a longer one is later) and Bluesky's fixed-length TIDs.
func idLess(a, b string) bool {
	if len(a) != len(b) {
		return len(a) < len(b)
	}
	return a < b
}

// sortedKeys lists a JSON object's keys in order, so walks over decoded
// JSON visit it the same way every time.
func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// replyGraph is a reply graph an API hands over whole (Mastodon's context,
// Misskey's conversation and children): posts by id and replies by the id
// they answer, read as the focal author's chain.
type replyGraph[T any] struct {
	byID     map[string]T
	children map[string][]T
	id       func(T) string
	parent   func(T) string // "" for a root
	author   func(T) string
	when     func(T) time.Time
}

func newReplyGraph[T any](id, parent, author func(T) string, when func(T) time.Time) *replyGraph[T] {
	return &replyGraph[T]{byID: map[string]T{}, children: map[string][]T{}, id: id, parent: parent, author: author, when: when}
}

// add puts a post in the graph (a post seen twice counts once).
func (g *replyGraph[T]) add(p T) {
	id := g.id(p)
	if _, seen := g.byID[id]; seen {
		return
	}
	g.byID[id] = p
	if pid := g.parent(p); pid != "" {
		g.children[pid] = append(g.children[pid], p)
	}
}

// up is the author's posts above focal, nearest first, and the first
// post whose parent is not in the graph when the walk stopped there (else
// the zero T, found false).
func (g *replyGraph[T]) up(focal T) (above []T, orphan T, found bool) {
	cur := focal
	for steps := 0; steps < thread.MaxPosts && g.parent(cur) != ""; steps++ {
		parent, ok := g.byID[g.parent(cur)]
		if !ok {
			return above, cur, true
		}
		if g.author(parent) != g.author(focal) {
			break
		}
		above = append(above, parent)
		cur = parent
	}
	return above, orphan, false
}

// down is the author's earliest own reply at each step below focal, and
// the chain's last post.
func (g *replyGraph[T]) down(focal T) (below []T, last T) {
	last = focal
	for steps := 0; steps < thread.MaxPosts; steps++ {
		var own []T
		for _, r := range g.children[g.id(last)] {
			if g.author(r) == g.author(focal) {
				own = append(own, r)
			}
		}
		next, ok := earliestOf(own, g.when, g.id)
		if !ok {
			break
		}
		below = append(below, next)
		last = next
	}
	return below, last
}

// postsOf converts a chain's items into posts.
func postsOf[T any](list []T, post func(T) thread.Post) []thread.Post {
	out := make([]thread.Post, 0, len(list))
	for _, it := range list {
		out = append(out, post(it))
	}
	return out
}

// deref is an optional JSON string: absent or null reads as "".
func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
