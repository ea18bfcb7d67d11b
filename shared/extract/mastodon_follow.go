package extract

// Keep current on Mastodon and the servers that speak its API, with one
// request per thread per reading. A saved thread is read again by one of:
//
//   - "context": the answer of GET /api/v1/statuses/<first post>/context.
//     Its descendants hold every later post of the thread as the server
//     has it now (edited_at, new posts, the ones gone); the first post
//     itself is not in it, but the answer proves it is still there.
//   - "status": the answer of GET /api/v1/statuses/<first post>: the first
//     post as the server has it now (its edits), nothing of the rest.
//   - "gone": either answered 404: the first post is gone at the source.
//
// MastodonReading turns such an answer into the reading thread.Follow
// merges: what the answer does not hold is the saved copy's, so the merge
// changes only what the server said. The extension alternates the two
// requests, so the first post's edits are seen every other reading.

import (
	"encoding/json"
	neturl "net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"unspool/shared/thread"
)

// mastoIDRe is a status id of Mastodon and its kin: numbers, or the
// letters and digits of Pleroma's and GoToSocial's ids.
var mastoIDRe = regexp.MustCompile(`^[0-9A-Za-z]{1,40}$`)

// MastodonReading kinds.
const (
	MastodonReadContext = "context"
	MastodonReadStatus  = "status"
	MastodonReadGone    = "gone"
)

// MastodonRequest is the one request that reads saved again the turn-th
// time: "context" on even turns, "status" on odd ones, at the server of
// the thread's address. It refuses a thread whose ids are not that
// server's (read through another server, which numbers remote statuses
// its own way): asking the address's server for them would find nothing,
// or another post, and a 404 there would read as the post gone. A thread
// read with Misskey's own API is not asked of a Mastodon API either.
func MastodonRequest(saved *thread.Thread, turn int) (url, kind string, err error) {
	if saved == nil || saved.Platform != thread.Mastodon || saved.Source == thread.MisskeySource {
		return "", "", thread.Errorf(thread.EINVALID, "mastodon request: not a thread read from a Mastodon API server")
	}
	u, err := neturl.Parse(saved.URL)
	if err != nil || u.Scheme != "https" || u.Host == "" {
		return "", "", thread.Errorf(thread.EINVALID, "mastodon request: the thread's address %q is not an https address", saved.URL)
	}
	m := mastoStatusPathRe.FindStringSubmatch(u.Path)
	if m == nil || !mastoIDRe.MatchString(saved.ID) || !slices.ContainsFunc(saved.Posts, func(p thread.Post) bool { return p.ID == m[1] }) {
		return "", "", thread.Errorf(thread.EINVALID, "mastodon request: the thread's ids are not those of %s, the server of its address", u.Host)
	}
	kind, path := MastodonReadContext, "/api/v1/statuses/"+saved.ID+"/context"
	if turn%2 == 1 {
		kind, path = MastodonReadStatus, "/api/v1/statuses/"+saved.ID
	}
	return (&neturl.URL{Scheme: "https", Host: u.Host, Path: path}).String(), kind, nil
}

// MastodonReading builds the reading of saved (a Mastodon thread read from
// its server's API or pages) from one answer of its server, as of now.
func MastodonReading(saved *thread.Thread, kind string, body []byte, now time.Time) (*thread.Thread, error) {
	if saved == nil || saved.Platform != thread.Mastodon || len(saved.Posts) == 0 {
		return nil, thread.Errorf(thread.EINVALID, "mastodon reading: the saved thread is not a Mastodon thread with posts")
	}
	first := slices.IndexFunc(saved.Posts, func(p thread.Post) bool { return p.ID == saved.ID })
	if first < 0 {
		return nil, thread.Errorf(thread.EINVALID, "mastodon reading: the saved thread does not hold its first post %s", saved.ID)
	}
	var out *thread.Thread
	var err error
	switch kind {
	case MastodonReadContext:
		out, err = mastoContextReading(saved, first, body)
	case MastodonReadStatus:
		out, err = mastoStatusReading(saved, first, body)
	case MastodonReadGone:
		out, err = mastoGoneReading(saved, first)
	default:
		return nil, thread.Errorf(thread.EINVALID, "mastodon reading: the kind is %q, not context, status or gone", kind)
	}
	if err != nil {
		return nil, err
	}
	out.CapturedAt = now.UTC()
	return out, nil
}

// mastoContextReading: the chain below the first post from the context,
// the first post itself as saved.
func mastoContextReading(saved *thread.Thread, first int, body []byte) (*thread.Thread, error) {
	var ctx mastoContext
	if err := json.Unmarshal(body, &ctx); err != nil {
		return nil, thread.Errorf(thread.EINVALID, "mastodon reading: the context is not valid JSON: %v", err)
	}
	root := saved.Posts[first]
	acct := saved.Author.ID
	if acct == "" {
		acct = mastoAccountOf(saved.Author, ctx.Descendants)
	}
	stand := &mastoStatus{ID: mastoID(root.ID), CreatedAt: root.CreatedAt.Format(time.RFC3339Nano), Account: &mastoAccount{ID: mastoID(acct)}}
	if root.ReplyTo != "" {
		parent := mastoID(root.ReplyTo)
		stand.InReplyToID = &parent
	}
	if acct == "" && len(saved.Posts) > first+1 {
		// Without the account the author's later posts cannot be told from
		// others': a reading would find them all gone.
		return nil, thread.Errorf(thread.EINVALID, "mastodon reading: the context names no account of @%s", saved.Author.Handle)
	}
	t, err := mastoChain(stand, &ctx)
	if err != nil {
		return nil, err
	}
	at := slices.IndexFunc(t.Posts, func(p thread.Post) bool { return p.ID == root.ID })
	t.Posts = t.Posts[at:]
	t.Posts[0] = root
	return mastoKeepIdentity(saved, t), nil
}

// mastoStatusReading: the first post as the server has it now, the rest as
// saved (those marked removed left out: the answer says nothing of them).
func mastoStatusReading(saved *thread.Thread, first int, body []byte) (*thread.Thread, error) {
	var s mastoStatus
	if err := json.Unmarshal(body, &s); err != nil {
		return nil, thread.Errorf(thread.EINVALID, "mastodon reading: the status is not valid JSON: %v", err)
	}
	if string(s.ID) != saved.ID || s.Account == nil || (saved.Author.ID != "" && string(s.Account.ID) != saved.Author.ID) {
		return nil, thread.Errorf(thread.EINVALID, "mastodon reading: the answer is not status %s by the thread's author", saved.ID)
	}
	t := *saved
	t.Posts = nil
	for i, p := range saved.Posts {
		switch {
		case i == first:
			t.Posts = append(t.Posts, mastoPost(&s, true))
		case p.RemovedAt.IsZero():
			t.Posts = append(t.Posts, p)
		}
	}
	return mastoKeepIdentity(saved, &t), nil
}

// mastoGoneReading: everything but the first post, as saved, a complete
// reading, so Follow marks the first post removed where the chain broke.
func mastoGoneReading(saved *thread.Thread, first int) (*thread.Thread, error) {
	t := *saved
	t.Posts = nil
	for i, p := range saved.Posts {
		if i != first && p.RemovedAt.IsZero() {
			t.Posts = append(t.Posts, p)
		}
	}
	if len(t.Posts) == 0 {
		return nil, thread.Errorf(thread.ENOTFOUND, "mastodon reading: status %s is gone at the source and the thread holds nothing else to keep", saved.ID)
	}
	t.Complete, t.Gaps = true, nil
	return mastoKeepIdentity(saved, &t), nil
}

// mastoKeepIdentity gives a reading the saved thread's identity and
// author (the answers of a reading do not all name them).
func mastoKeepIdentity(saved, t *thread.Thread) *thread.Thread {
	t.Platform, t.ID, t.URL, t.FocalID, t.Author = saved.Platform, saved.ID, saved.URL, saved.FocalID, saved.Author
	t.Source = mastodonJSON{}.Name()
	return t
}

// mastoAccountOf finds the author's account id among statuses by handle
// or profile address (a thread saved from the web pages has none).
func mastoAccountOf(a thread.Author, statuses []*mastoStatus) string {
	for _, s := range statuses {
		if s == nil || s.Account == nil || s.Account.ID == "" {
			continue
		}
		if b := mastoAuthor(s.Account); strings.EqualFold(b.Handle, a.Handle) || (a.URL != "" && b.URL == a.URL) {
			return string(s.Account.ID)
		}
	}
	return ""
}
