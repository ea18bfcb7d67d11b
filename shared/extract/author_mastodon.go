package extract

import (
	"encoding/json"
	"net/url"
	"regexp"
	"strings"

	"unspool/shared/thread"
)

// Mastodon profiles (and servers with its client API): the statuses of
// GET /api/v1/accounts/:id/statuses, newest first. With exclude_replies
// (what Mastodon's own profile asks) the server still sends the author's
// replies to themselves, which is what a thread is made of. A status names
// the status it answers and that status's account, not its conversation's
// first post: chains are followed through the statuses seen.

// mastoProfilePageRe is a profile address: /@user, /@user@host (a remote
// account on this server), and the /users/<name> form of Pleroma, Akkoma
// and GoToSocial; tabs after it (/with_replies, /media) allowed.
var mastoProfilePageRe = regexp.MustCompile(`^/(?:@|users/)([A-Za-z0-9_.-]+)(?:@([A-Za-z0-9.-]+))?(?:/[a-z_]*)?/?$`)

func mastoAuthorThreads(u *url.URL, bodies []string) (*AuthorThreads, error) {
	m := mastoProfilePageRe.FindStringSubmatch(u.Path)
	if m == nil {
		return nil, thread.Errorf(thread.EINVALID, "author threads: %s is not a profile page (X, Bluesky, or a Mastodon-compatible server)", u)
	}
	user, host := m[1], m[2]
	isAuthor := func(a *mastoAccount) bool {
		if a == nil || !strings.EqualFold(a.Username, user) {
			return false
		}
		// /@user on its own server is a local account (acct without
		// host); /@user@host is that remote one.
		return host == "" && !strings.Contains(a.Acct, "@") || strings.EqualFold(a.Acct, user+"@"+host)
	}
	out := &AuthorThreads{Platform: thread.Mastodon}
	var posts []authorPost
	for i, body := range bodies {
		var statuses []*mastoStatus
		if err := json.Unmarshal([]byte(body), &statuses); err != nil {
			return nil, thread.Errorf(thread.EINVALID, "author threads: Mastodon response %d is not a list of statuses: %v", i+1, err)
		}
		for _, s := range statuses {
			if s == nil || s.ID == "" || s.Reblog != nil || !isAuthor(s.Account) {
				continue
			}
			if out.Author.Handle == "" {
				out.Author = mastoAuthor(s.Account)
			}
			p := authorPost{post: mastoPost(s, true)}
			if s.InReplyToID != nil {
				p.parent = s.InReplyToID.str()
				p.selfReply = s.InReplyToAccountID != nil && *s.InReplyToAccountID == s.Account.ID
			}
			posts = append(posts, p)
		}
	}
	if out.Author.Handle == "" {
		return nil, thread.Errorf(thread.ENOTFOUND, "author threads: the captured statuses hold none by @%s", strings.TrimSuffix(user+"@"+host, "@"))
	}
	out.Threads = authorChains(posts)
	return out, nil
}
