package render

import (
	"net/url"
	"strings"

	"unspool/shared/thread"
)

// A PlatformName is how a platform is named to readers ("Read on X").
type PlatformName struct {
	Platform thread.Platform `json:"platform"`
	Name     string          `json:"name"`
}

// PlatformNames are the platforms' names; the extension's library shows
// them too (extension/shared/contract.gen.js, written by shared/jsgen).
var PlatformNames = []PlatformName{
	{thread.X, "X"},
	{thread.Bluesky, "Bluesky"},
	{thread.Mastodon, "Mastodon"},
	{thread.Misskey, "Misskey"},
	{thread.Threads, "Threads"},
}

// platformName is how p is named to readers: its name, or p itself.
func platformName(p thread.Platform) string {
	for _, n := range PlatformNames {
		if n.Platform == p {
			return n.Name
		}
	}
	return clip(string(p), 40)
}

// entityURL is where a mention, hashtag or cashtag links when the run itself
// carries no usable URL: the platform's own profile or tag page. instance is
// the Mastodon server the thread was read on (mentions without a server and
// tags are local to it). It returns "" when no safe link can be made.
func entityURL(p thread.Platform, instance string, r thread.Run) string {
	if u := thread.SafeURL(r.URL); u != "" {
		return u
	}
	name := strings.TrimLeft(r.Text, "@#$＃")
	if name == "" || strings.ContainsAny(name, " \t\n") {
		return ""
	}
	esc := url.PathEscape(name)
	var s string
	switch p {
	case thread.X:
		switch r.Type {
		case thread.MentionRun:
			s = "https://x.com/" + esc
		case thread.HashtagRun:
			s = "https://x.com/hashtag/" + esc
		case thread.CashtagRun:
			s = "https://x.com/search?q=" + url.QueryEscape("$"+name)
		}
	case thread.Bluesky:
		switch r.Type {
		case thread.MentionRun:
			s = "https://bsky.app/profile/" + esc
		case thread.HashtagRun:
			s = "https://bsky.app/hashtag/" + esc
		}
	case thread.Mastodon, thread.Misskey:
		// Both name profiles /@user and tags /tags/<tag> on every server.
		switch r.Type {
		case thread.MentionRun:
			// @user@server lives on its own server; @user on this one.
			user, server, ok := strings.Cut(name, "@")
			if !ok {
				server = instance
			}
			if server != "" && !strings.ContainsAny(server, "/?#@") {
				s = "https://" + server + "/@" + url.PathEscape(user)
			}
		case thread.HashtagRun:
			if instance != "" {
				s = "https://" + instance + "/tags/" + esc
			}
		}
	case thread.Threads:
		switch r.Type {
		case thread.MentionRun:
			s = "https://www.threads.net/@" + esc
		case thread.HashtagRun:
			s = "https://www.threads.net/search?serp_type=tags&q=" + url.QueryEscape(name)
		}
	}
	return thread.SafeURL(s)
}

// linkLabel is what a link shows: host and path, without scheme, "www.",
// query or fragment, clipped — readers see where it goes, not t.co noise.
func linkLabel(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return clip(raw, maxLinkLabel)
	}
	s := strings.TrimPrefix(strings.ToLower(u.Host), "www.")
	if p := strings.TrimSuffix(u.EscapedPath(), "/"); p != "" {
		if dec, err := url.PathUnescape(p); err == nil {
			p = dec
		}
		s += p
	}
	return clip(s, maxLinkLabel)
}
