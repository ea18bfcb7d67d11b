package extract

import (
	"net/url"
	"strings"
	"time"

	"unspool/shared/thread"
)

// An author's threads: which of the posts a profile page shows start a
// thread by that author (the author's own chain of replies to themselves),
// in the order the profile shows them, each with its first line and how many
// of its posts the profile holds. The extension lists them on the profile
// ("Threads by @author"), and unrolls each through the usual collection path
// of its platform; nothing here replaces that: a profile holds a few posts of
// each thread, never a whole one for certain.
//
// Each platform's reader (author_x.go, author_bluesky.go,
// author_mastodon.go) turns its timeline responses into authorPosts in page
// order; authorChains groups them, once for every platform.

// AuthorThreads is what a profile page shows of its author's threads.
type AuthorThreads struct {
	Platform thread.Platform `json:"platform"`
	Author   thread.Author   `json:"author"`
	Threads  []AuthorThread  `json:"threads"`
}

// AuthorThread is one of them.
type AuthorThread struct {
	// ID is the thread's first post id, as thread.Thread.ID will name it
	// once unrolled (the library's key is platform:ID).
	ID string `json:"id"`
	// URL is where to unroll it: the first post's address, else the
	// earliest post of it the profile shows.
	URL string `json:"url"`
	// FirstLine is the first line of the first post the profile shows
	// (white space collapsed, at most AuthorFirstLineMax characters).
	FirstLine string    `json:"firstLine"`
	CreatedAt time.Time `json:"createdAt"`
	// Posts counts the author's posts of the thread the profile shows.
	Posts int `json:"posts"`
	// More is true when the thread has posts the profile did not show: its
	// first post, or one between those shown.
	More bool `json:"more"`
}

// AuthorFirstLineMax bounds AuthorThread.FirstLine, in characters.
const AuthorFirstLineMax = 140

// authorPost is one post of the profile's author, as a platform reader
// saw it in the timeline.
type authorPost struct {
	post thread.Post
	// root is the id of the first post of its conversation when the source
	// names it (X's conversation_id_str, Bluesky's reply root); "" when not.
	root string
	// rootURL is the root's address, when the source gives it.
	rootURL string
	// parent is the post it answers ("" for none); selfReply is true when
	// that post is the author's own.
	parent    string
	selfReply bool
	// gapAbove is true when the source shows that a post of the author's
	// comes between parent and this one, or above it when parent is "",
	// and does not show it (X's cells: "Show more replies", "Replying to"
	// oneself); moreBelow, when the thread goes on below this post off the
	// page (X's "Show this thread").
	gapAbove, moreBelow bool
}

// authorChains groups the author's posts (in page order, repeats allowed:
// overlapping pages, a pinned post) into self-threads, in the order of
// their first appearance. A group is a thread when its first post is the
// author's and opens the conversation (or is not seen but answered by the
// author), and when it holds at least two posts, or one that answers the
// author's own unseen post, or one the source shows goes on.
func authorChains(posts []authorPost) []AuthorThread {
	byID := map[string]*authorPost{}
	var order []string // distinct ids, first appearance first
	for i := range posts {
		p := &posts[i]
		if p.post.ID == "" {
			continue
		}
		if _, seen := byID[p.post.ID]; seen {
			continue
		}
		byID[p.post.ID] = p
		order = append(order, p.post.ID)
	}
	// key is the group a post belongs to: its root when known, else the
	// top of its chain of the author's replies among the posts seen.
	key := func(p *authorPost) string {
		if p.root != "" {
			return p.root
		}
		for hops := 0; p.parent != "" && p.selfReply && hops < len(byID); hops++ {
			up, ok := byID[p.parent]
			if !ok {
				return p.parent
			}
			if up.root != "" {
				return up.root
			}
			p = up
		}
		return p.post.ID
	}
	groups := map[string][]*authorPost{}
	var keys []string
	for _, id := range order {
		p := byID[id]
		if p.parent != "" && !p.selfReply {
			continue // a reply to someone else is never part of a self-thread
		}
		k := key(p)
		if groups[k] == nil {
			keys = append(keys, k)
		}
		groups[k] = append(groups[k], p)
	}
	var out []AuthorThread
	for _, k := range keys {
		members := groups[k]
		first, rootSeen := byID[k]
		if rootSeen && first.parent != "" {
			continue // the conversation starts with the author's reply to another
		}
		if !rootSeen {
			first = earliestMember(members)
		}
		more := !rootSeen
		for _, m := range members {
			if m.gapAbove || m.moreBelow {
				more = true
			}
			if m.parent == "" {
				continue
			}
			if _, ok := byID[m.parent]; !ok {
				more = true
			}
		}
		if len(members) < 2 && rootSeen && !more {
			continue // one post alone: not a thread as far as the profile shows
		}
		t := AuthorThread{
			ID:        k,
			URL:       first.post.URL,
			FirstLine: firstLine(first.post.Text, AuthorFirstLineMax),
			CreatedAt: first.post.CreatedAt,
			Posts:     len(members),
			More:      more,
		}
		if !rootSeen {
			if first.rootURL != "" {
				t.URL = first.rootURL
			}
			if first.root == "" {
				// The source does not name the first post: name the thread
				// by the earliest post seen, which unrolls to the same.
				t.ID = first.post.ID
			}
		}
		out = append(out, t)
	}
	return out
}

// earliestMember is the member posted first (the top of what is seen).
func earliestMember(ms []*authorPost) *authorPost {
	best, _ := earliestOf(ms, func(m *authorPost) time.Time { return m.post.CreatedAt }, func(m *authorPost) string { return m.post.ID })
	return best
}

// firstLine is text's first non-empty line, white space collapsed, cut to
// max characters with an ellipsis.
func firstLine(text string, max int) string {
	for _, line := range strings.Split(text, "\n") {
		line = strings.Join(strings.Fields(line), " ")
		if line == "" {
			continue
		}
		if r := []rune(line); len(r) > max {
			return strings.TrimSpace(string(r[:max-1])) + "…"
		}
		return line
	}
	return ""
}

// AuthorPage is what the extension gathers on a profile page.
type AuthorPage struct {
	// Bodies are the profile's timeline responses, in the order the page
	// loaded them.
	Bodies []string `json:"bodies"`
	// HTML is the profile's rendered timeline (X only: its cells'
	// outerHTML), read beside Bodies or without them.
	HTML string `json:"html,omitempty"`
}

// ExtractAuthorThreads reads a profile page's timeline responses (bodies,
// in the order the page loaded them) and lists its author's threads:
//   - X (x.com/<handle>): UserTweets GraphQL responses;
//   - Bluesky (bsky.app/profile/<handle or DID>): app.bsky.feed.getAuthorFeed;
//   - Mastodon and servers with its API (any other host): the statuses of
//     /api/v1/accounts/:id/statuses.
//
// The page address names the author; a body of another shape, or one that
// holds none of that author's posts, is an error (nothing is guessed).
func ExtractAuthorThreads(pageURL string, bodies []string) (*AuthorThreads, error) {
	return ExtractAuthorPage(pageURL, AuthorPage{Bodies: bodies})
}

// ExtractAuthorPage is ExtractAuthorThreads with the profile's rendered
// timeline too (X): the cells are read where no response was captured, and
// merged in page order with those that were.
func ExtractAuthorPage(pageURL string, page AuthorPage) (*AuthorThreads, error) {
	u, err := url.Parse(pageURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, thread.Errorf(thread.EINVALID, "author threads: %q is not a page address", pageURL)
	}
	bodies := page.Bodies
	if len(bodies) == 0 && page.HTML == "" {
		return nil, thread.Errorf(thread.ENOTFOUND, "author threads: nothing was captured from the profile")
	}
	if err := xCollectedSize(Collected{JSON: bodies, HTML: []string{page.HTML}}); err != nil {
		return nil, err
	}
	x := isXHost(u.Hostname())
	if page.HTML != "" && !x {
		return nil, thread.Errorf(thread.EINVALID, "author threads: a rendered timeline is read on X profiles only")
	}
	var a *AuthorThreads
	switch {
	case x:
		a, err = xAuthorThreads(u, page)
	case bskyPageHosts[strings.ToLower(u.Hostname())]:
		a, err = bskyAuthorThreads(u, bodies)
	default:
		a, err = mastoAuthorThreads(u, bodies)
	}
	if err != nil {
		return nil, err
	}
	if a.Threads == nil {
		a.Threads = []AuthorThread{}
	}
	return a, nil
}
