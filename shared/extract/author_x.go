package extract

import (
	"net/url"
	"strings"

	"github.com/valyala/fastjson"

	"unspool/shared/thread"
)

// X profiles: the UserTweets GraphQL responses the page fetched (the
// extension's MAIN-world capture keeps them, as it keeps TweetDetail). A
// self-thread shows there as a "profile-conversation-…" module of a few of
// its posts, or as single entries; every post carries its conversation id
// (the thread's first post), which groups them, and its in_reply_to user,
// which tells the author's replies to themselves from replies to others.

// gqlDecodeUserTimeline reads a UserTweets answer's timeline (with the
// decoder of x_graphql_decode.go): it sits under timeline (since 2025) or
// timeline_v2 (2022–2025), with the instructions TweetDetail uses; nil when
// the answer has neither.
func gqlDecodeUserTimeline(content []byte) (*gqlTimeline, error) {
	return gqlParse(content, func(v *fastjson.Value) *gqlTimeline {
		res := jObj(v, "data", "user", "result")
		for _, name := range []string{"timeline", "timeline_v2"} {
			if tl := jObj(res, name, "timeline"); tl != nil {
				return gqlReadTimeline(tl)
			}
		}
		return nil
	})
}

func xAuthorThreads(u *url.URL, page AuthorPage) (*AuthorThreads, error) {
	handle := xProfileHandle(u)
	if handle == "" {
		return nil, thread.Errorf(thread.EINVALID, "author threads: %s is not an X profile", u)
	}
	out := &AuthorThreads{Platform: thread.X}
	var posts []authorPost
	for i, body := range page.Bodies {
		tl, err := gqlDecodeUserTimeline([]byte(body))
		if err != nil {
			return nil, thread.Errorf(thread.EINVALID, "author threads: X response %d cannot be read: %v", i+1, err)
		}
		if tl == nil {
			return nil, thread.Errorf(thread.EINVALID, "author threads: X response %d is not a user timeline (UserTweets)", i+1)
		}
		for _, t := range xTimelineTweets(tl) {
			p, ok := xGraphQLPost(t, 0)
			if !ok || !strings.EqualFold(p.Author.Handle, handle) || t.Legacy.Retweeted {
				continue
			}
			if out.Author.Handle == "" {
				out.Author = *p.Author
			}
			author := p.Author
			p.Author = nil // the thread's author
			l := t.Legacy
			posts = append(posts, authorPost{
				post:      p,
				root:      l.ConversationID,
				rootURL:   xStatusURL(author.Handle, l.ConversationID),
				parent:    l.InReplyToStatus,
				selfReply: l.InReplyToStatus != "" && l.InReplyToUser == author.ID,
			})
		}
	}
	if page.HTML != "" {
		dom, author, err := xAuthorDOMPosts([]byte(page.HTML), handle)
		if err != nil {
			return nil, err
		}
		if out.Author.Handle == "" && author != nil {
			out.Author = *author
		}
		posts = mergeAuthorPosts(dom, posts)
	}
	if out.Author.Handle == "" {
		return nil, thread.Errorf(thread.ENOTFOUND, "author threads: the profile shows no post by @%s", handle)
	}
	out.Threads = authorChains(posts)
	return out, nil
}

// xTimelineTweets lists a timeline's posts in page order: single entries,
// the pinned one, and the posts of conversation modules; ads, people to
// follow and cursors left out.
func xTimelineTweets(tl *gqlTimeline) []*gqlTweet {
	var out []*gqlTweet
	add := func(ic *gqlItemContent) {
		if ic == nil || ic.ItemType != "TimelineTweet" || ic.Promoted {
			return
		}
		if t := xTweetOf(ic.Tweet); t != nil {
			out = append(out, t)
		}
	}
	entry := func(e *gqlEntry) {
		add(e.ItemContent)
		for i := range e.Items {
			add(&e.Items[i].Content)
		}
	}
	for _, in := range tl.Instructions {
		if in.Entry != nil {
			entry(in.Entry)
		}
		for i := range in.Entries {
			entry(&in.Entries[i])
		}
	}
	return out
}
