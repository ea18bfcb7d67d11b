package extract

import (
	"encoding/json"
	"net/url"
	"regexp"
	"strings"

	"unspool/shared/thread"
)

// Bluesky profiles: app.bsky.feed.getAuthorFeed, which bsky.app's profile
// draws from (its default filter, posts_and_author_threads, keeps the
// author's replies to themselves). Each feed item is a post with, for a
// reply, the root and parent it answers; the record's reply.root names the
// thread, the parent's author tells a self-reply from a reply to others.

var (
	// bskyPageHosts are the web app's hosts (as the collector matches them).
	bskyPageHosts = map[string]bool{"bsky.app": true, "staging.bsky.app": true, "main.bsky.dev": true}
	// bskyProfilePathRe is a profile address, or one of its tabs:
	// /profile/<handle or DID>[/…].
	bskyProfilePathRe = regexp.MustCompile(`^/profile/([^/]+)(?:/[a-z]*)?/?$`)
)

// bskyRepostReason marks a feed item shown because the author reposted it.
const bskyRepostReason = "app.bsky.feed.defs#reasonRepost"

type bskyAuthorFeed struct {
	Feed *[]struct {
		Post  *bskyPostView `json:"post"`
		Reply *struct {
			Root   *bskyPostView `json:"root"`
			Parent *bskyPostView `json:"parent"`
		} `json:"reply"`
		Reason *struct {
			Type string `json:"$type"`
		} `json:"reason"`
	} `json:"feed"`
}

func bskyAuthorThreads(u *url.URL, bodies []string) (*AuthorThreads, error) {
	m := bskyProfilePathRe.FindStringSubmatch(u.Path)
	if m == nil {
		return nil, thread.Errorf(thread.EINVALID, "author threads: %s is not a Bluesky profile", u)
	}
	actor, _ := url.PathUnescape(m[1])
	isAuthor := func(a bskyAuthor) bool { return a.DID == actor || strings.EqualFold(a.Handle, actor) }
	out := &AuthorThreads{Platform: thread.Bluesky}
	var did string
	var posts []authorPost
	add := func(v *bskyPostView) {
		if v == nil || v.URI == "" || !isAuthor(v.Author) {
			return
		}
		did = v.Author.DID
		if out.Author.Handle == "" {
			out.Author = bskyThreadAuthor(v.Author)
		}
		p := authorPost{post: bskyPost(v)}
		if r := v.Record.Reply; r != nil {
			parentDID, parent := bskyURIParts(r.Parent.URI)
			rootDID, root := bskyURIParts(r.Root.URI)
			p.parent = parent
			// A reply in someone else's conversation is no thread of the
			// author's, even where it answers the author's own reply.
			p.selfReply = parentDID == did && rootDID == did
			if p.selfReply {
				p.root = root
				p.rootURL = bskyPostURL(v.Author, r.Root.URI)
			}
		}
		posts = append(posts, p)
	}
	for i, body := range bodies {
		var f bskyAuthorFeed
		if err := json.Unmarshal([]byte(body), &f); err != nil {
			return nil, thread.Errorf(thread.EINVALID, "author threads: Bluesky response %d cannot be read: %v", i+1, err)
		}
		if f.Feed == nil {
			return nil, thread.Errorf(thread.EINVALID, "author threads: Bluesky response %d is not an author feed (getAuthorFeed)", i+1)
		}
		for _, item := range *f.Feed {
			if item.Reason != nil && item.Reason.Type == bskyRepostReason {
				continue
			}
			// The page shows a reply under its root and parent.
			if item.Reply != nil {
				add(item.Reply.Root)
				add(item.Reply.Parent)
			}
			add(item.Post)
		}
	}
	if out.Author.Handle == "" {
		return nil, thread.Errorf(thread.ENOTFOUND, "author threads: the captured feed holds no post by %s", actor)
	}
	out.Threads = authorChains(posts)
	return out, nil
}
