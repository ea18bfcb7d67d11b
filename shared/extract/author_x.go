package extract

import (
	"encoding/json"
	"net/url"
	"strings"

	"unspool/shared/thread"
)

// X profiles: the UserTweets GraphQL responses the page fetched (the
// extension's MAIN-world capture keeps them, as it keeps TweetDetail). A
// self-thread shows there as a "profile-conversation-…" module of a few of
// its posts, or as single entries; every post carries its conversation id
// (the thread's first post), which groups them, and its in_reply_to user,
// which tells the author's replies to themselves from replies to others.

// gqlUserTimeline is a UserTweets answer: the timeline sits under
// timeline_v2 (2022–2025) or timeline (since 2025), with the instructions
// TweetDetail uses.
type gqlUserTimeline struct {
	Data struct {
		User struct {
			Result *struct {
				TimelineV2 *struct {
					Timeline *gqlTimeline `json:"timeline"`
				} `json:"timeline_v2"`
				Timeline *struct {
					Timeline *gqlTimeline `json:"timeline"`
				} `json:"timeline"`
			} `json:"result"`
		} `json:"user"`
	} `json:"data"`
}

func (r *gqlUserTimeline) timeline() *gqlTimeline {
	res := r.Data.User.Result
	switch {
	case res == nil:
		return nil
	case res.Timeline != nil && res.Timeline.Timeline != nil:
		return res.Timeline.Timeline
	case res.TimelineV2 != nil:
		return res.TimelineV2.Timeline
	}
	return nil
}

func xAuthorThreads(u *url.URL, bodies []string) (*AuthorThreads, error) {
	handle := xProfileHref("/" + strings.Split(strings.Trim(u.Path, "/"), "/")[0])
	if handle == "" {
		return nil, thread.Errorf(thread.EINVALID, "author threads: %s is not an X profile", u)
	}
	out := &AuthorThreads{Platform: thread.X}
	var posts []authorPost
	for i, body := range bodies {
		var r gqlUserTimeline
		if err := json.Unmarshal([]byte(body), &r); err != nil {
			return nil, thread.Errorf(thread.EINVALID, "author threads: X response %d cannot be read: %v", i+1, err)
		}
		tl := r.timeline()
		if tl == nil {
			return nil, thread.Errorf(thread.EINVALID, "author threads: X response %d is not a user timeline (UserTweets)", i+1)
		}
		for _, t := range xTimelineTweets(tl) {
			p, ok := xGraphQLPost(t, 0)
			if !ok || !strings.EqualFold(p.Author.Handle, handle) || len(t.Legacy.Retweeted) > 0 {
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
	if out.Author.Handle == "" {
		return nil, thread.Errorf(thread.ENOTFOUND, "author threads: the captured timeline holds no post by @%s", handle)
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
		if ic == nil || ic.ItemType != "TimelineTweet" || (len(ic.PromotedMetadata) > 0 && string(ic.PromotedMetadata) != "null") {
			return
		}
		if t := xTweetOf(ic.TweetResults.Result); t != nil {
			out = append(out, t)
		}
	}
	entry := func(e *gqlEntry) {
		add(e.Content.ItemContent)
		for i := range e.Content.Items {
			add(&e.Content.Items[i].Item.ItemContent)
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
