package extract

// X's addresses: which hosts are X, what a status URL looks like, and the
// canonical forms of the URLs a Thread holds, shared by the DOM and the
// GraphQL extractors so that both write the same URL for the same thing.

import (
	"bytes"
	"net/url"
	"regexp"
	"strings"
	"unicode/utf8"

	"unspool/shared/thread"
)

// xHosts are the hosts X serves its web app on. Only these are taken for X,
// so that other sites' pages (Nitter mirrors, archives) reach their own
// extractors.
var xHosts = map[string]bool{
	"x.com": true, "www.x.com": true, "mobile.x.com": true,
	"twitter.com": true, "www.twitter.com": true, "mobile.twitter.com": true,
}

var (
	// xAvatarSizeRe matches the size suffix of a profile image (_normal,
	// _bigger, _x96, _200x200…); every source of X posts rewrites it to the
	// 400×400 variant, so one account has one avatar URL and it reads well.
	xAvatarSizeRe = regexp.MustCompile(`_(?:normal|bigger|mini|x96|\d+x\d+)(\.[A-Za-z]{3,4})$`)
	// xMediaPathRe matches a photo on pbs.twimg.com/media, in the GraphQL
	// form (/media/<key>.jpg), the DOM form (/media/<key>?format=jpg) or the
	// old pages' sized form (/media/<key>.jpg:large).
	xMediaPathRe = regexp.MustCompile(`^/media/([A-Za-z0-9_-]+)(?:\.([A-Za-z]{3,4}))?(?::[a-z]+)?$`)
)

// xReservedPaths are first path segments that are X's own pages, not handles.
var xReservedPaths = map[string]bool{
	"i": true, "home": true, "explore": true, "search": true, "hashtag": true,
	"notifications": true, "messages": true, "settings": true, "compose": true,
}

func isXHost(host string) bool { return xHosts[strings.ToLower(host)] }

// xStatus returns the handle ("" for /i/web/status) and post id a status
// path names: /<handle>/status/<id> (also the old /statuses/),
// /i/web/status/<id>, /i/status/<id>, with anything after the id
// (/photo/1, /analytics). Hand-written rather than a regexp: it runs for
// every link of a page, and regexps are slow in WebAssembly.
func xStatus(path string) (handle, id string, ok bool) {
	next := func() string { // the next segment; path keeps what follows it
		if !strings.HasPrefix(path, "/") {
			return ""
		}
		path = path[1:]
		i := strings.IndexAny(path, "/?#")
		if i < 0 {
			i = len(path)
		}
		s := path[:i]
		path = path[i:]
		return s
	}
	first, second := next(), next()
	switch {
	case first == "i" && second == "web":
		if next() != "status" {
			return "", "", false
		}
	case (second == "status" || second == "statuses") && xIsHandle(first):
		handle = first
	default:
		return "", "", false
	}
	id = next()
	if len(id) == 0 || len(id) > 20 || strings.Trim(id, "0123456789") != "" {
		return "", "", false
	}
	if xReservedPaths[strings.ToLower(handle)] {
		handle = ""
	}
	return handle, id, true
}

// xIsHandle: 1–15 letters, digits or underscores.
func xIsHandle(s string) bool {
	if len(s) == 0 || len(s) > 15 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// xStatusHref is xStatus for an href as it appears in the page: relative
// ("/a/status/1") or absolute on an X host.
func xStatusHref(href string) (handle, id string, ok bool) {
	if strings.HasPrefix(href, "/") && !strings.HasPrefix(href, "//") {
		return xStatus(href)
	}
	u, err := url.Parse(href)
	if err != nil || !isXHost(u.Host) {
		return "", "", false
	}
	return xStatus(u.Path)
}

// xProfileHref returns the handle a profile link ("/handle") names.
func xProfileHref(href string) string {
	h := strings.TrimSuffix(strings.TrimPrefix(href, "/"), "/")
	if !strings.HasPrefix(href, "/") || !xIsHandle(h) || xReservedPaths[strings.ToLower(h)] {
		return ""
	}
	return h
}

// xStatusURL is the x.com address of a post. Every source of X posts (X's
// own pages, and the mirrors: Nitter, legacy pages, Thread Reader App)
// writes this one form, so the library sees one thread whichever way it was
// captured. Parts are escaped: a mirror's handle is not checked as X checks it.
func xStatusURL(handle, id string) string {
	if handle == "" {
		// A post whose author is unknown: X's own handle-less address.
		return "https://x.com/i/web/status/" + url.PathEscape(id)
	}
	return "https://x.com/" + url.PathEscape(handle) + "/status/" + url.PathEscape(id)
}

// xProfileURL is the x.com address of an account.
func xProfileURL(handle string) string {
	return "https://x.com/" + url.PathEscape(handle)
}

// xAbs makes a page href absolute on https://x.com.
func xAbs(href string) string {
	if strings.HasPrefix(href, "/") && !strings.HasPrefix(href, "//") {
		return "https://x.com" + href
	}
	return href
}

// xAvatar is the canonical (400×400) form of a profile image URL.
func xAvatar(u string) string {
	return xAvatarSizeRe.ReplaceAllString(u, "_400x400$1")
}

// xPhoto is the canonical full-size form of a photo: the DOM shows
// ?format=jpg&name=small|medium|large, GraphQL gives /media/<key>.jpg, old
// pages and mirrors /media/<key>.jpg:large; all become
// ?format=<ext>&name=orig, the original upload.
func xPhoto(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || !strings.EqualFold(u.Host, "pbs.twimg.com") {
		return raw
	}
	m := xMediaPathRe.FindStringSubmatch(u.Path)
	if m == nil {
		return raw
	}
	format := m[2]
	if format == "" {
		format = u.Query().Get("format")
	}
	if format == "" {
		format = "jpg"
	}
	return "https://pbs.twimg.com/media/" + m[1] + "?format=" + url.QueryEscape(format) + "&name=orig"
}

// xLinkDisplay is the text a link run shows: the URL without its scheme and
// "www.", cut to 30 characters. X's own display forms differ between the DOM
// (which hides spans by CSS) and GraphQL (display_url), so both sources
// compute this one.
func xLinkDisplay(u string) string {
	s := u
	for _, p := range []string{"https://", "http://"} {
		if len(s) >= len(p) && strings.EqualFold(s[:len(p)], p) {
			s = s[len(p):]
			break
		}
	}
	s = strings.TrimPrefix(s, "www.")
	s = strings.TrimSuffix(s, "/")
	if utf8.RuneCountInString(s) > 30 {
		r := []rune(s)
		s = string(r[:29]) + "…"
	}
	return s
}

// xAccepts is true for content from an X host holding one of markers: X's
// detection is strict so that other sites' pages reach their extractors.
func xAccepts(p *Page, markers []string) bool {
	return isXHost(p.URL.Host) && xContainsAny(p.Content, markers)
}

func xContainsAny(b []byte, markers []string) bool {
	for _, m := range markers {
		if bytes.Contains(b, []byte(m)) {
			return true
		}
	}
	return false
}

// xFocal reads the focal post from the page URL.
func xFocal(u *url.URL) (handle, id string, err error) {
	handle, id, ok := xStatus(u.Path)
	if !ok {
		return "", "", thread.Errorf(thread.EINVALID, "%s is not the address of an X post (x.com/<handle>/status/<id>)", u)
	}
	return handle, id, nil
}
