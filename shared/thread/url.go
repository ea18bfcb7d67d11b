package thread

import (
	"net/url"
	"strings"
)

// SafeURL returns s when it is an absolute http or https URL and "" otherwise,
// so that javascript:, data: and relative URLs can never reach output.
// Control characters are refused anywhere in it: browsers silently drop tabs
// and newlines from URLs, and url.Parse lets them through in a fragment.
func SafeURL(s string) string {
	s = strings.TrimSpace(s)
	if s == "" || strings.IndexFunc(s, isControl) >= 0 {
		return ""
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return ""
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
		return s
	}
	return ""
}

// Domain returns the host of an http(s) URL without a leading "www.".
func Domain(s string) string {
	u, err := url.Parse(SafeURL(s))
	if err != nil || u == nil {
		return ""
	}
	return strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f }
