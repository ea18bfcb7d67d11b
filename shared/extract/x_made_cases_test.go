package extract

// The made-… cases' specs, and the test that (re)writes their sources.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

var (
	mkWeaver = mkAuthor{Handle: "loom_weaver", Name: "Ada Loom 🧶", ID: "4400000001", Verified: true}
	mkKit    = mkAuthor{Handle: "kit_reader", Name: "Kit Reader", ID: "4400000002"}
	mkPat    = mkAuthor{Handle: "pat_replies", Name: "Pat", ID: "4400000003"}
	mkNews   = mkAuthor{Handle: "daily_news", Name: "Daily News", ID: "4400000004", Verified: true}
)

// mkChain is an n-post self-thread by a whose posts vary in what they hold
// (links, mentions, hashtags, cashtags, emoji, photos, a video, a GIF), each
// replying to the one before. first numbers the ids so chains do not clash.
func mkChain(a mkAuthor, n, first int, media bool) []*mkPost {
	posts := make([]*mkPost, n)
	for i := range posts {
		p := &mkPost{ID: mkID(first + i), Author: a, At: mkBase.Add(time.Duration(first+i) * time.Minute), Replies: 1}
		p.Parts = append(p.Parts, mkPart{Kind: "text", Text: fmt.Sprintf("%d/%d ", i+1, n)})
		switch i % 5 {
		case 0:
			p.Parts = append(p.Parts, mkPart{Kind: "text", Text: "Where it starts: "}, mkPart{Kind: "link", URL: fmt.Sprintf("https://example.org/articles/2026/unspooling-long-threads-part-%d", i+1)})
		case 1:
			p.Parts = append(p.Parts, mkPart{Kind: "text", Text: "Thanks to "}, mkPart{Kind: "mention", Text: mkKit.Handle}, mkPart{Kind: "text", Text: " for the idea.\nSecond line & more."})
		case 2:
			p.Parts = append(p.Parts, mkPart{Kind: "text", Text: "Tagged "}, mkPart{Kind: "hashtag", Text: "threads"}, mkPart{Kind: "text", Text: " and "}, mkPart{Kind: "cashtag", Text: "UNSP"}, mkPart{Kind: "text", Text: " today"})
		case 3:
			p.Parts = append(p.Parts, mkPart{Kind: "emoji", Text: "🧵"}, mkPart{Kind: "text", Text: " emoji in text "}, mkPart{Kind: "emoji", Text: "👇"})
		case 4:
			p.Parts = append(p.Parts, mkPart{Kind: "text", Text: "Plain words, <angle brackets> and \"quotes\" stay text."})
		}
		if media {
			switch {
			case i%7 == 2:
				p.Photos = []mkPhoto{{Key: fmt.Sprintf("MkPh%03dA", first+i), Alt: "a loom, from above", W: 1200, H: 800}, {Key: fmt.Sprintf("MkPh%03dB", first+i), W: 800, H: 1200}}
			case i%7 == 4:
				p.Video = &mkVideo{Key: fmt.Sprintf("19%08d", first+i), W: 1280, H: 720, Duration: 12345}
			case i%7 == 6:
				p.Video = &mkVideo{Key: fmt.Sprintf("MkGif%03d", first+i), GIF: true, W: 480, H: 270}
			}
		}
		if i > 0 {
			p.ReplyTo = posts[i-1]
		}
		posts[i] = p
	}
	return posts
}

func mkReply(a mkAuthor, id int, to *mkPost, text string) *mkPost {
	return &mkPost{ID: mkID(id), Author: a, At: to.At.Add(90 * time.Minute), ReplyTo: to, Parts: []mkPart{{Kind: "text", Text: text}}}
}

func mkPostCells(posts []*mkPost) []mkCell {
	cells := make([]mkCell, len(posts))
	for i, p := range posts {
		cells[i] = mkCell{Post: p}
	}
	return cells
}

// mkDiscover is what X puts after a conversation: a divider, a heading and
// posts from elsewhere.
func mkDiscover(id int) []mkCell {
	other := &mkPost{ID: mkID(id), Author: mkNews, At: mkBase.Add(-48 * time.Hour), Replies: 40, Parts: []mkPart{{Kind: "text", Text: "Unrelated news post"}}}
	return []mkCell{{Kind: "divider"}, {Kind: "heading", Heading: "Discover more"}, {Post: other}}
}

type mkCase struct {
	Dir, URL string
	Content  string
}

func mkCases(t testing.TB) []mkCase {
	tm := mkLoadTemplate(t)
	var cases []mkCase
	add := func(dir, url, content string) { cases = append(cases, mkCase{dir, url, content}) }

	// A 25-post self-thread opened on its first post; others' replies and
	// "Discover more" below it.
	c25 := mkChain(mkWeaver, 25, 100, true)
	cells := mkPostCells(c25)
	cells = append(cells, mkCell{Post: mkReply(mkKit, 190, c25[0], "Great thread!")}, mkCell{Post: mkReply(mkPat, 191, c25[0], "Saved.")})
	cells = append(cells, mkDiscover(192)...)
	add("x-dom/made-selfthread-25", xStatusURL(mkWeaver.Handle, c25[0].ID), tm.mkPage("Ada Loom on X: 25-post thread", cells))

	// Opened on post 4 of 6: X shows posts 1–3 above it.
	c6 := mkChain(mkWeaver, 6, 200, false)
	c6[5].Replies = 0
	cells = append(mkPostCells(c6), mkCell{Post: mkReply(mkPat, 290, c6[3], "Replying to the middle.")})
	add("x-dom/made-opened-midthread", xStatusURL(mkWeaver.Handle, c6[3].ID), tm.mkPage("opened mid-thread", cells))

	// The author quotes their own first post in post 3.
	cq := mkChain(mkWeaver, 3, 300, false)
	cq[0].Photos = []mkPhoto{{Key: "MkSelfQ01", W: 1000, H: 1000}}
	cq[2].Quote = &mkPost{ID: cq[0].ID, Author: mkWeaver, At: cq[0].At, Parts: cq[0].Parts, Photos: cq[0].Photos}
	cq[2].Replies = 0
	add("x-dom/made-self-quote", xStatusURL(mkWeaver.Handle, cq[0].ID), tm.mkPage("self-quote", mkPostCells(cq)))

	// Hostile text and attributes: nothing of it may come out as markup or
	// as a non-http(s) URL; the text stays text.
	ch := mkChain(mkWeaver, 2, 400, false)
	ch[0].Parts = []mkPart{
		{Kind: "text", Text: `<script>alert("text")</script> "><img src=x onerror=alert(1)> ' onmouseover='alert(2)`},
		{Kind: "raw", Text: `<script>alert("executed")</script><style>*{display:none}</style>`},
		{Kind: "raw", Text: `<a href="javascript:alert(3)" role="link">click me</a> `},
		{Kind: "raw", Text: `<a href=" JaVaScRiPt:alert(4)" role="link">javascript:alert(4)</a> `},
		{Kind: "raw", Text: `<img alt="😀" src="x" onerror="alert(5)">`},
		{Kind: "raw", Text: `<a href="data:text/html,&lt;script&gt;alert(6)&lt;/script&gt;">data link</a>`},
	}
	ch[0].AvatarSrc = "javascript:alert(7)"
	ch[1].Photos = []mkPhoto{{Key: "MkHostile", Alt: `"><script>alert(8)</script>`}}
	ch[1].PhotoSrc = "javascript:alert(9)"
	ch[1].Parts = []mkPart{{Kind: "text", Text: "second "}, {Kind: "raw", Text: `<iframe src="https://evil.example/"></iframe><svg onload="alert(10)"><text>svg text</text></svg>`}, {Kind: "text", Text: "end"}}
	ch[1].Replies = 0
	add("x-dom/made-hostile", xStatusURL(mkWeaver.Handle, ch[0].ID), tm.mkPage(`<script>alert("title")</script>`, mkPostCells(ch)))

	// One thread, as the DOM and as TweetDetail: both must read the same.
	pair := mkPairChain()
	others := []*mkPost{mkReply(mkKit, 590, pair[0], "First!"), mkReply(mkPat, 591, pair[0], "Nice one")}
	pairCells := append(mkPostCells(pair), mkPostCells(others)...)
	pairURL := xStatusURL(mkWeaver.Handle, pair[0].ID)
	add("x-dom/made-pair", pairURL, tm.mkPage("pair", pairCells))
	add("x-graphql/made-pair", pairURL, mkTweetDetail(nil, pair[0], pair[1:], others))

	// The extension's view of the same page: two overlapping scroll
	// snapshots of cells plus the TweetDetail it fetched.
	htmls := tm.mkCellHTMLs(pairCells)
	add("x-collected/made-pair-merged", pairURL, mkCollected(t, Collected{HTML: []string{join(htmls[:4]), join(htmls[2:])},
		JSON: []string{mkTweetDetail(nil, pair[0], pair[1:], others)}}))

	// Collection stopped at its limit after 10 of 25 posts.
	c25cells := tm.mkCellHTMLs(mkPostCells(c25))
	add("x-collected/made-limit", xStatusURL(mkWeaver.Handle, c25[0].ID), mkCollected(t, Collected{HTML: c25cells[:10], StoppedBy: "limit"}))

	// A truncated post in the DOM whose full text GraphQL has.
	ct := mkChain(mkWeaver, 2, 600, false)
	ct[1].Replies = 0
	ct[1].Parts = []mkPart{{Kind: "text", Text: "A long post that goes on and on, "}, {Kind: "text", Text: "past what the timeline shows, to its very end."}}
	cut := *ct[1]
	cut.Parts, cut.Truncated = ct[1].Parts[:1], true
	add("x-dom/made-truncated", xStatusURL(mkWeaver.Handle, ct[0].ID), tm.mkPage("truncated", mkPostCells([]*mkPost{ct[0], &cut})))
	add("x-collected/made-truncated-graphql-fills", xStatusURL(mkWeaver.Handle, ct[0].ID), mkCollected(t, Collected{
		HTML: tm.mkCellHTMLs(mkPostCells([]*mkPost{ct[0], &cut})), JSON: []string{mkTweetDetail(nil, ct[0], ct[1:], nil)}, StoppedBy: "end"}))

	// Opened on post 3 of 5, but the TweetDetail holds neither post 1 nor 2:
	// the start of the thread is missing, and says so.
	ca := mkChain(mkWeaver, 5, 700, false)
	ca[4].Replies = 0
	add("x-graphql/made-ancestors-missing", xStatusURL(mkWeaver.Handle, ca[2].ID), mkTweetDetail(nil, ca[2], ca[3:], nil))

	// A tombstone in the middle of the author's chain: the chain stops there
	// and the thread says posts may be missing below it.
	cb := mkChain(mkWeaver, 4, 750, false)
	add("x-graphql/made-tombstone-in-chain", xStatusURL(mkWeaver.Handle, cb[0].ID), mkTweetDetail(nil, cb[0], cb[1:], nil, cb[2].ID))

	// A 30-post self-thread X sends in three parts: the first TweetDetail
	// holds posts 1–12 and a ShowMore cursor; the continuation requests the
	// extension makes with the page's own request bring 13–24 (and another
	// cursor) and 25–30, appended to the author's module.
	cl, conv, mod, clOthers := mkLongThread(30, 1300)
	add("x-collected/made-continued", xStatusURL(mkWeaver.Handle, cl[0].ID), mkCollected(t, Collected{
		JSON: []string{
			mkConvFirst(conv, "", nil, cl[0], cl[1:12], "made-showmore-1", clOthers, ""),
			mkConvAppend(conv, mod, cl[12:24], "made-showmore-2"),
			mkConvAppend(conv, mod, cl[24:], ""),
		},
		Followed:  []string{"made-showmore-1", "made-showmore-2"},
		StoppedBy: "end",
	}))

	// The benchmark page: a 100-post self-thread (~1 MB), replies and
	// "Discover more" below it.
	c100 := mkChain(mkWeaver, 100, 1000, true)
	cells = append(mkPostCells(c100), mkCell{Post: mkReply(mkKit, 1190, c100[0], "Long one!")})
	cells = append(cells, mkDiscover(1191)...)
	add("x-dom/made-bench-100", xStatusURL(mkWeaver.Handle, c100[0].ID), tm.mkPage("100-post thread", cells))
	return cases
}

// mkPairChain is a 5-post thread with everything both sources can carry:
// links, mentions, tags, emoji, photos with alt, a video, a GIF and a quote
// of another author's post with a photo.
func mkPairChain() []*mkPost {
	c := mkChain(mkWeaver, 5, 500, false)
	c[0].Photos = []mkPhoto{{Key: "MkPair01", Alt: "the loom", W: 1600, H: 900}}
	c[1].Video = &mkVideo{Key: "1900000000500999", W: 1920, H: 1080, Duration: 30500}
	c[2].Video = &mkVideo{Key: "MkPairGif", GIF: true, W: 498, H: 280}
	c[3].Quote = &mkPost{ID: mkID(480), Author: mkNews, At: mkBase.Add(-time.Hour), Parts: []mkPart{{Kind: "text", Text: "Looms are back "}, {Kind: "emoji", Text: "🎉"}},
		Photos: []mkPhoto{{Key: "MkNews01", W: 1200, H: 675}}}
	c[4].Replies = 0
	return c
}

func join(s []string) string {
	var b bytes.Buffer
	for _, x := range s {
		b.WriteString(x)
		b.WriteByte('\n')
	}
	return b.String()
}

func mkCollected(t testing.TB, c Collected) string {
	if c.JSON == nil {
		c.JSON = []string{}
	}
	b, err := json.MarshalIndent(c, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b) + "\n"
}

func mkSourceName(dir string) string {
	switch filepath.Dir(dir) {
	case "x-graphql":
		return "source.json"
	case "x-collected":
		return "collected.json"
	}
	return "source.html"
}

// TestXMadeSources checks the committed made-… sources are what the
// generator makes; with -update it writes them (then run TestXGoldens
// -update for their expected.json).
func TestXMadeSources(t *testing.T) {
	for _, c := range mkCases(t) {
		dir := filepath.Join("testdata", c.Dir)
		files := map[string]string{"url.txt": c.URL + "\n", mkSourceName(c.Dir): c.Content}
		for name, content := range files {
			path := filepath.Join(dir, name)
			if xUpdate() {
				if err := os.MkdirAll(dir, 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
					t.Fatal(err)
				}
				continue
			}
			have, err := os.ReadFile(path)
			if err != nil {
				t.Errorf("%v (run with -update to generate)", err)
				continue
			}
			if string(have) != content {
				t.Errorf("%s is not what the generator makes; regenerate with -update", path)
			}
		}
	}
}
