package extract

import (
	"reflect"
	"strings"
	"testing"

	nethtml "golang.org/x/net/html"

	"unspool/shared/thread"
)

func xFragmentRuns(t *testing.T, inner string) []thread.Run {
	t.Helper()
	doc, err := nethtml.Parse(strings.NewReader(`<div data-testid="tweetText">` + inner + `</div>`))
	if err != nil {
		t.Fatal(err)
	}
	var found []*nethtml.Node
	xFindTestID(doc, xTidText, &found, 0)
	return xDOMRuns(found[0])
}

func TestXDOMRuns(t *testing.T) {
	link := func(text, u string) thread.Run { return thread.Run{Type: thread.LinkRun, Text: text, URL: u} }
	text := func(s string) thread.Run { return thread.Run{Type: thread.TextRun, Text: s} }
	for name, tc := range map[string]struct {
		in   string
		want []thread.Run
	}{
		"long link, hidden scheme and tail, trailing ellipsis": {
			`<span>see </span><a href="https://t.co/abc"><span aria-hidden="true">https://</span>example.com/a/very/long/pa<span aria-hidden="true">th/to/page</span><span aria-hidden="true">…</span></a>`,
			[]thread.Run{text("see "), link("example.com/a/very/long/path/…", "https://example.com/a/very/long/path/to/page")},
		},
		"mention, hashtag, cashtag": {
			`<div><span><a href="/Someone">@Someone</a></span></div><span> </span><a href="/hashtag/Go?src=hashtag_click">#Go</a><span> </span><a href="/search?q=%24TSLA&amp;src=cashtag_click">$TSLA</a>`,
			[]thread.Run{xMentionRun("Someone"), text(" "), xHashtagRun("Go"), text(" "), xCashtagRun("TSLA")},
		},
		"emoji images become their characters; line breaks stay": {
			`<span>a</span><img alt="🧵" src="https://abs-0.twimg.com/emoji/v2/svg/1f9f5.svg"><span>b
c</span><br><span>d</span>`,
			[]thread.Run{text("a🧵b\nc\nd")},
		},
		"script, style and svg never become text": {
			`<span>x</span><script>alert(1)</script><style>p{}</style><svg><text>svg</text></svg><span>y</span>`,
			[]thread.Run{text("xy")},
		},
		"javascript: link stays its text": {
			`<a href="javascript:alert(1)">click</a>`,
			[]thread.Run{text("click")},
		},
	} {
		t.Run(name, func(t *testing.T) {
			if got := xFragmentRuns(t, tc.in); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestXEntityRunsUnits(t *testing.T) {
	mention := func(start, end int) xSpan {
		return xSpan{Start: start, End: end, Want: "@bob", Run: xMentionRun("bob")}
	}
	want := []thread.Run{{Type: thread.TextRun, Text: "🧵🧵 hi "}, xMentionRun("bob"), {Type: thread.TextRun, Text: " &"}}
	text := "🧵🧵 hi @bob &amp;"
	// Two emoji outside the BMP: @bob starts at code point 6, UTF-16 unit 8.
	for name, span := range map[string]xSpan{"code points": mention(6, 10), "UTF-16": mention(8, 12)} {
		if got := xEntityRuns(text, true, []xSpan{span}, -1, -1); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: got %+v, want %+v", name, got, want)
		}
	}
	// display_text_range drops the leading reply mention and the media link.
	spans := []xSpan{mention(0, 4), {Start: 8, End: 31, Want: "https://t.co/abcdefghij", Drop: true}}
	got := xEntityRuns("@bob hey https://t.co/abcdefghij", true, spans, 5, 8)
	if len(got) != 1 || got[0].Text != "hey" {
		t.Errorf("display range: got %+v", got)
	}
	// Broken ranges (out of bounds, reversed, overlapping) are skipped, never panic.
	for _, s := range [][2]int{{-5, 2}, {3, 1}, {0, 999}, {2, 3}} {
		xEntityRuns("abc", true, []xSpan{{Start: s[0], End: s[1], Want: "x", Run: xMentionRun("x")}, {Start: 1, End: 3}}, 2, 99)
	}
}

func TestXURLs(t *testing.T) {
	for in, want := range map[string][2]string{
		"/jack/status/20":               {"jack", "20"},
		"/jack/status/20/photo/1":       {"jack", "20"},
		"/i/web/status/20":              {"", "20"},
		"/i/status/20":                  {"", "20"},
		"/jack/statuses/20":             {"jack", "20"},
		"/home/status/20":               {"", "20"},
		"/jack":                         {"", ""},
		"/jack/status/abc":              {"", ""},
		"/a_b_c_d_e_f_g_h_i/status/123": {"", ""}, // handle too long
	} {
		h, id, _ := xStatus(in)
		if h != want[0] || id != want[1] {
			t.Errorf("xStatus(%q) = %q, %q; want %q, %q", in, h, id, want[0], want[1])
		}
	}
	for in, want := range map[string]string{
		"https://pbs.twimg.com/media/Abc?format=jpg&name=small": "https://pbs.twimg.com/media/Abc?format=jpg&name=orig",
		"https://pbs.twimg.com/media/Abc.png":                   "https://pbs.twimg.com/media/Abc?format=png&name=orig",
		"https://pbs.twimg.com/media/Abc.jpg:large":             "https://pbs.twimg.com/media/Abc?format=jpg&name=orig",
		"https://pbs.twimg.com/card_img/1/x?format=jpg":         "https://pbs.twimg.com/card_img/1/x?format=jpg",
		"https://pbs.twimg.com/profile_images/1/a_normal.jpg":   "https://pbs.twimg.com/profile_images/1/a_normal.jpg",
		"https://evil.example/media/Abc?format=jpg&name=small":  "https://evil.example/media/Abc?format=jpg&name=small",
	} {
		if got := xPhoto(in); got != want {
			t.Errorf("xPhoto(%q) = %q, want %q", in, got, want)
		}
	}
	for _, size := range []string{"normal", "x96", "200x200", "73x73"} {
		if got := xAvatar("https://pbs.twimg.com/profile_images/1/a_" + size + ".jpg"); got != "https://pbs.twimg.com/profile_images/1/a_400x400.jpg" {
			t.Errorf("xAvatar(%s) = %q", size, got)
		}
	}
	for _, h := range []string{"x.com", "twitter.com", "mobile.twitter.com", "WWW.X.COM"} {
		if !isXHost(h) {
			t.Errorf("%s is X", h)
		}
	}
	for _, h := range []string{"nitter.net", "x.com.evil.example", "bsky.app", "threads.net"} {
		if isXHost(h) {
			t.Errorf("%s is not X", h)
		}
	}
}

// TestXSkipBodies: svg, script and style bodies are skipped to their own
// end tag — nested svg counted, "<script" inside a script not — in any case.
func TestXSkipBodies(t *testing.T) {
	for in, want := range map[string]string{
		`<svg><g><svg><path/></svg></g></svg>after`:                "after",
		`<script>document.write("<script>x")</script>after`:        "after",
		`<SCRIPT>x</SCRIPT>after`:                                  "after",
		`<svg><path/></svgx></svg>after`:                           "after",
		`<style>p{}</style ><svg>unterminated`:                     "",
		`<svg data-testid="icon-verified"><path d="M0"/></svg>end`: "end",
	} {
		doc := xScan([]byte(in))
		if got := nodeText(doc, spaceExact); got != want {
			t.Errorf("%q: text %q, want %q", in, got, want)
		}
	}
	if svg := xScan([]byte(`<svg data-testid="icon-verified"><path/></svg>`)).FirstChild; svg == nil || svg.Data != "svg" ||
		attr(svg, "data-testid") != "icon-verified" || svg.FirstChild != nil {
		t.Error("an svg with a marker must keep its element, without its drawing")
	}
}
