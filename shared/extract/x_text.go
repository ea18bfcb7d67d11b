package extract

// Post text as runs, from both X sources. The DOM gives text nodes, emoji
// images and links; GraphQL gives a string with entity ranges. Both end in
// the same runs for the same post: emoji as plain text (X's emoji are
// Unicode; the DOM's images carry the character in alt), links as their full
// URL with xLinkDisplay text, mentions/hashtags/cashtags with X URLs.

import (
	"html"
	"net/url"
	"sort"
	"strings"
	"unicode/utf16"

	nethtml "golang.org/x/net/html"

	"unspool/shared/thread"
)

// xDOMText reads X's post text: exact (pre-wrap) text, emoji images as
// their alt character, links classified by xDOMLinkRun.
var xDOMText = runWalker{Space: spaceExact, Link: xDOMLinkRun, Image: altText}

// xDOMRuns reads the runs of a tweetText element.
func xDOMRuns(n *nethtml.Node) []thread.Run { return xDOMText.nodeRuns(n) }

// xDOMLinkRun classifies a link inside post text by its href.
func xDOMLinkRun(a *nethtml.Node, text string) (thread.Run, bool) {
	href := attr(a, "href")
	switch {
	case strings.HasPrefix(href, "/hashtag/") && (strings.HasPrefix(text, "#") || strings.HasPrefix(text, "＃")):
		return xHashtagRun(strings.TrimLeft(text, "#＃")), true
	case strings.HasPrefix(href, "/search?") && strings.HasPrefix(text, "$"):
		return xCashtagRun(strings.TrimPrefix(text, "$")), true
	case strings.HasPrefix(text, "@") && xProfileHref(href) != "":
		return xMentionRun(xProfileHref(href)), true
	}
	// X writes the whole expanded URL into the link (the scheme and the tail
	// in CSS-hidden spans) and ends a shortened one with "…".
	full := strings.TrimSuffix(text, "…")
	if thread.SafeURL(full) == "" {
		full = xAbs(href)
	}
	return xLinkRun(full, text), true
}

func xLinkRun(u, fallback string) thread.Run {
	if thread.SafeURL(u) == "" {
		return thread.Run{Type: thread.TextRun, Text: fallback}
	}
	return thread.Run{Type: thread.LinkRun, Text: xLinkDisplay(u), URL: u}
}

func xMentionRun(handle string) thread.Run {
	return thread.Run{Type: thread.MentionRun, Text: "@" + handle, URL: xProfileURL(handle)}
}

func xHashtagRun(tag string) thread.Run {
	return thread.Run{Type: thread.HashtagRun, Text: "#" + tag, URL: "https://x.com/hashtag/" + url.PathEscape(tag)}
}

func xCashtagRun(sym string) thread.Run {
	return thread.Run{Type: thread.CashtagRun, Text: "$" + sym, URL: "https://x.com/search?q=%24" + url.QueryEscape(sym)}
}

// ---------------------------------------------------------------- GraphQL

// xSpan is one entity of a GraphQL text: its range in the text's units and
// the run it becomes (Drop: removed, e.g. the trailing link to attached media).
type xSpan struct {
	Start, End int
	Want       string // what the text should hold at the range, to check the units
	Run        thread.Run
	Drop       bool
}

// xEntityRuns turns GraphQL text and its entities into runs. X's ranges are
// counted in code points for legacy text but in UTF-16 code units in some
// note_tweet payloads, and full_text is HTML-escaped (&amp;) while ranges may
// count either form; rather than trust one rule, each reading is checked
// against what the entities say the text holds there, and the one that fits
// best is used. rangeStart/rangeEnd (display_text_range, -1 for none) cut
// the leading reply mentions X does not show.
func xEntityRuns(text string, escaped bool, spans []xSpan, rangeStart, rangeEnd int) []thread.Run {
	type reading struct {
		text  string
		utf16 bool
	}
	// Unescaped first: X counts "&amp;" as the one character it stands for
	// (it is one character of the 280), so ties go to that reading.
	readings := []reading{{text, false}, {text, true}}
	if escaped {
		if u := html.UnescapeString(text); u != text {
			readings = []reading{{u, false}, {u, true}, {text, false}, {text, true}}
		}
	}
	best, bestScore := readings[0], -1
	var bestIdx []int
	for _, r := range readings {
		idx := unitOffsets(r.text, r.utf16)
		score := 0
		for _, s := range spans {
			if s.Start >= 0 && s.End <= len(idx)-1 && s.Start <= s.End &&
				strings.EqualFold(r.text[idx[s.Start]:idx[s.End]], s.Want) {
				score++
			}
		}
		if score > bestScore {
			best, bestScore, bestIdx = r, score, idx
		}
	}
	t, idx := best.text, bestIdx
	unescape := escaped && best.text == text
	n := len(idx) - 1
	lo, hi := 0, n
	if rangeStart >= 0 && rangeEnd >= rangeStart && rangeEnd <= n {
		lo, hi = rangeStart, rangeEnd
	}
	sorted := append([]xSpan(nil), spans...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Start < sorted[j].Start })
	var out []thread.Run
	pos := lo
	emit := func(a, b int) {
		if a < b {
			s := t[idx[a]:idx[b]]
			if unescape {
				s = html.UnescapeString(s)
			}
			out = append(out, thread.Run{Type: thread.TextRun, Text: s})
		}
	}
	for _, s := range sorted {
		if s.Start < pos || s.End > hi || s.Start >= s.End {
			continue // overlapping, outside the shown range, or broken
		}
		emit(pos, s.Start)
		if !s.Drop {
			out = append(out, s.Run)
		}
		pos = s.End
	}
	emit(pos, hi)
	return thread.NormalizeRuns(out)
}

// unitOffsets maps each index in the text's units (code points, or UTF-16
// code units) to a byte offset; the last entry is len(s). The second unit of
// a surrogate pair maps to the start of its character.
func unitOffsets(s string, u16 bool) []int {
	out := make([]int, 0, len(s)+1)
	for i, r := range s {
		out = append(out, i)
		if u16 && utf16.RuneLen(r) == 2 {
			out = append(out, i)
		}
	}
	return append(out, len(s))
}
