package extract

import (
	"fmt"
	"strings"
	"testing"
)

// xMiniCell is a post cell with only the markers the extractor reads: what
// a test needs to state one structural fact about a page.
func xMiniCell(handle, id, text, extra string, replies int) string {
	count := ""
	if replies > 0 {
		count = fmt.Sprint(replies)
	}
	return fmt.Sprintf(`<div data-testid="cellInnerDiv"><article data-testid="tweet">
<div data-testid="User-Name"><a href="/%[1]s"><span>%[1]s name</span></a><a href="/%[1]s">@%[1]s</a>
<a href="/%[1]s/status/%[2]s"><time datetime="2026-03-01T09:00:%02[5]d.000Z">now</time></a></div>%[4]s
<div data-testid="tweetText" lang="en"><span>%[3]s</span></div>
<div role="group"><button data-testid="reply"><span>%[6]s</span></button></div>
</article></div>`, handle, id, text, extra, len(id)%60, count)
}

func TestXDOMStructure(t *testing.T) {
	ada := func(id string, replies int) string { return xMiniCell("ada", id, "post "+id, "", replies) }
	bob := func(id string) string { return xMiniCell("bob", id, "reply "+id, "", 0) }
	showMore := `<div data-testid="cellInnerDiv"><div role="button"><span>Show more replies</span></div></div>`
	heading := `<div data-testid="cellInnerDiv"><div><h2 role="heading"><span>Discover more</span></h2></div></div>`
	divider := `<div data-testid="cellInnerDiv"><div></div></div>`
	ad := `<div data-testid="cellInnerDiv"><div data-testid="placementTracking">` + xMiniCell("brand", "9", "Buy now", "", 0) + `</div></div>`
	for _, tc := range []struct {
		name     string
		cells    []string
		focal    string
		ids      string
		complete bool
		gap      string
	}{
		{"a foreign reply after the chain is the boundary", []string{ada("1", 1), ada("2", 1), bob("3")}, "1", "1 2", true, ""},
		{"an ad and a divider inside the chain are skipped", []string{ada("1", 1), ad, divider, ada("2", 0)}, "2", "1 2", true, ""},
		{"Discover more ends the conversation, even before the author's own post", []string{ada("1", 1), heading, ada("5", 0)}, "1", "1", true, ""},
		{"Show more replies below the last post: the thread may go on", []string{ada("1", 1), ada("2", 1), showMore}, "1", "1 2", false, "below post 2"},
		{"the page ends after a post with replies: unknown end", []string{ada("1", 1), ada("2", 3)}, "2", "1 2", false, "capture ends at post 2"},
		{"the page ends after a post without replies: the end", []string{ada("1", 1), ada("2", 0)}, "1", "1 2", true, ""},
		{"the author replying to someone else starts a new chain", []string{bob("1"), ada("2", 1), bob("3")}, "2", "2", true, ""},
		{"the author's reply under someone else's reply is not the thread", []string{ada("1", 2), bob("2"), ada("3", 0)}, "1", "1", true, ""},
		{"Replying to the author's own post not shown: the start is missing", []string{xMiniCell("ada", "7", "later", `<div>Replying to <a href="/ada">@ada</a></div>`, 0)}, "7", "7", false, "start of the thread is missing"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			th, err := Options{Now: xGoldenNow}.Extract("https://x.com/ada/status/"+tc.focal, []byte(strings.Join(tc.cells, "\n")))
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, p := range th.Posts {
				ids = append(ids, p.ID)
			}
			if got := strings.Join(ids, " "); got != tc.ids || th.Complete != tc.complete || !strings.Contains(strings.Join(th.Gaps, " "), tc.gap) {
				t.Errorf("got posts %q complete=%v gaps %q; want %q complete=%v gap %q", got, th.Complete, th.Gaps, tc.ids, tc.complete, tc.gap)
			}
			xCheckSafe(t, th)
		})
	}
}

// TestXCollectedOverlappingSnapshots: cells captured in overlapping,
// out-of-order snapshots knit into page order, each post once.
func TestXCollectedOverlappingSnapshots(t *testing.T) {
	c := func(id string, replies int) string { return xMiniCell("ada", id, "post "+id, "", replies) }
	col := Collected{HTML: []string{
		c("3", 1) + c("4", 1),
		c("1", 1) + c("2", 1) + c("3", 1),
		c("4", 1) + c("5", 0),
	}, StoppedBy: "end"}
	th, err := Options{Now: xGoldenNow}.ExtractCollected("https://x.com/ada/status/3", col)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, p := range th.Posts {
		ids = append(ids, p.ID)
	}
	if got := strings.Join(ids, " "); got != "1 2 3 4 5" || !th.Complete {
		t.Errorf("got %q complete=%v %q", got, th.Complete, th.Gaps)
	}
	col.StoppedBy = "cancelled"
	th, _ = ExtractCollected("https://x.com/ada/status/3", col)
	if th.Complete || !strings.Contains(strings.Join(th.Gaps, " "), "cancelled") {
		t.Errorf("cancelled: complete=%v gaps %q", th.Complete, th.Gaps)
	}
}

// TestXPageURLForms: every address form of the same post reads the same
// thread, with the canonical x.com URL.
func TestXPageURLForms(t *testing.T) {
	page := xSource(t, "x-dom", "made-opened-midthread")
	id := mkID(203)
	var want []byte
	for _, u := range []string{
		"https://x.com/loom_weaver/status/" + id,
		"https://twitter.com/loom_weaver/status/" + id + "?s=20",
		"https://mobile.twitter.com/loom_weaver/status/" + id,
		"https://www.x.com/LOOM_WEAVER/status/" + id + "/photo/1",
		"https://x.com/i/web/status/" + id,
		"https://x.com/i/status/" + id,
	} {
		th, err := Options{Now: xGoldenNow}.Extract(u, page)
		if err != nil {
			t.Fatalf("%s: %v", u, err)
		}
		if th.URL != "https://x.com/loom_weaver/status/"+id {
			t.Errorf("%s: thread URL %s", u, th.URL)
		}
		got := xMarshal(t, th)
		if want == nil {
			want = got
		} else if string(got) != string(want) {
			t.Errorf("%s reads differently:\n%s", u, xLineDiff(string(want), string(got)))
		}
	}
}
