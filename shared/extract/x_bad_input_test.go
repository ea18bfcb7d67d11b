package extract

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	nethtml "golang.org/x/net/html"

	"unspool/shared/thread"
)

func xSource(t testing.TB, source, name string) []byte {
	t.Helper()
	dir := filepath.Join("testdata", source, name)
	c, skip := xLoadCase(t, source, dir)
	if skip != "" {
		t.Skip(skip)
	}
	return c.Content
}

// TestXBadInput: every bad input gets a clear error or a correct thread,
// never a panic and never unsafe output.
func TestXBadInput(t *testing.T) {
	page := xSource(t, "x-dom", "made-selfthread-25")
	detail := xSource(t, "x-graphql", "twscrape-raw_tweet_details")
	url25 := "https://x.com/loom_weaver/status/" + mkID(100)
	urlXD := "https://x.com/XDevelopers/status/1649191520250245121"
	for _, tc := range []struct {
		name, url string
		content   []byte
		code      string // expected error code; "" means a valid thread
		msg       string // a substring of the message
	}{
		{"not a post URL", "https://x.com/home", page, thread.EINVALID, "not the address of an X post"},
		{"a profile URL", "https://x.com/loom_weaver", page, thread.EINVALID, "not the address"},
		{"a post the page does not show", "https://x.com/loom_weaver/status/42", page, thread.ENOTFOUND, "does not hold post 42"},
		{"empty page", url25, []byte("  \n "), thread.EINVALID, "empty"},
		{"X page without posts", url25, []byte(`<html><body><div id="react-root">Log in to X</div></body></html>`), thread.ENOTFOUND, "cannot read threads"},
		{"another site with X markup", "https://example.com/loom_weaver/status/" + mkID(100), page, thread.ENOTFOUND, "cannot read threads"},
		{"invalid JSON", urlXD, []byte(`{"data": {"threaded_conversation_with_injections_v2": `), thread.EINVALID, "not valid JSON"},
		{"JSON of another endpoint", urlXD, []byte(`{"data":{"user":{"result":{}}}}`), thread.ENOTFOUND, "cannot read threads"},
		{"TweetDetail with errors only", urlXD, []byte(`{"errors":[{"message":"Rate limit exceeded"}],"data":{"tweetResult":null},"x":"threaded_conversation_with_injections_v2"}`), thread.ENOTFOUND, "Rate limit exceeded"},
		{"TweetDetail without the focal post", "https://x.com/XDevelopers/status/1", detail, thread.ENOTFOUND, "does not hold post 1"},
		{"not http", "javascript:alert(1)", page, thread.EINVALID, "not an http(s) URL"},
		{"too large", url25, bytes.Repeat([]byte("<div>"), MaxContentBytes/5+1), thread.ETOOLARGE, "MB"},
		{"truncated page keeps what it shows", url25, page[:len(page)/2], "", ""},
		{"page cut inside the focal cell", url25, page[:bytes.Index(page, []byte(mkID(101)))], "", ""},
		{"truncated JSON", urlXD, detail[:len(detail)/2], thread.EINVALID, "not valid JSON"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			th, err := Options{Now: xGoldenNow}.Extract(tc.url, tc.content)
			if tc.code == "" {
				if err != nil {
					t.Fatalf("want a thread, got %v", err)
				}
				xCheckInvariants(t, th)
				return
			}
			if err == nil {
				t.Fatalf("want a %s error, got a thread of %d posts", tc.code, len(th.Posts))
			}
			if thread.ErrorCode(err) != tc.code || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("got %s %q, want %s containing %q", thread.ErrorCode(err), err, tc.code, tc.msg)
			}
		})
	}
}

// TestXTruncatedPage: a page cut after a few cells gives those posts, in
// order, and says the thread may go on.
func TestXTruncatedPage(t *testing.T) {
	page := xSource(t, "x-dom", "made-selfthread-25")
	cut := page[:bytes.Index(page, []byte("/status/"+mkID(105)))]
	th, err := Extract("https://x.com/loom_weaver/status/"+mkID(100), cut)
	if err != nil {
		t.Fatal(err)
	}
	// Cells 1–5 are whole; cell 6 lost its status link to the cut.
	if len(th.Posts) != 5 || th.Complete || !strings.Contains(strings.Join(th.Gaps, " "), "cannot identify") {
		t.Errorf("got %d posts, complete=%v (gaps %q); want the 5 whole cells and a gap below them", len(th.Posts), th.Complete, th.Gaps)
	}
}

// TestXHugeAndDeepPages: a 20 MB page and 10,000 nested elements read in
// bounded time and give the thread.
func TestXHugeAndDeepPages(t *testing.T) {
	page := xSource(t, "x-dom", "made-selfthread-25")
	url := "https://x.com/loom_weaver/status/" + mkID(100)
	end := bytes.LastIndex(page, []byte("</section>"))

	t.Run("20 MB", func(t *testing.T) {
		// The thread, then 20 MB of foreign cells (a long reply section).
		reply := xSource(t, "x-dom", "rvinowise-reply-other-user-parent")
		var b bytes.Buffer
		b.Write(page[:end])
		for b.Len() < 20<<20 {
			b.Write(reply)
		}
		b.Write(page[end:])
		start := time.Now()
		th, err := Extract(url, b.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		xCheckInvariants(t, th)
		if len(th.Posts) != 25 {
			t.Errorf("got %d posts, want 25", len(th.Posts))
		}
		t.Logf("%d MB in %v", b.Len()>>20, time.Since(start))
	})

	t.Run("10k nested elements", func(t *testing.T) {
		deep := strings.Repeat("<div>", 10000) + "deep" + strings.Repeat("</div>", 10000)
		for _, where := range []string{"inside the post text", "around the timeline"} {
			var content []byte
			if where == "inside the post text" {
				at := bytes.Index(page, []byte(`data-testid="tweetText"`))
				at += bytes.IndexByte(page[at:], '>') + 1
				content = append(append(append([]byte{}, page[:at]...), deep...), page[at:]...)
			} else {
				content = []byte(strings.Repeat("<div>", 10000) + string(page) + strings.Repeat("</div>", 10000))
			}
			th, err := Extract(url, content)
			if err != nil {
				t.Logf("%s: %v", where, err) // an error is acceptable; a panic or a hang is not
				continue
			}
			xCheckSafe(t, th)
			if err := th.Validate(); err != nil {
				t.Errorf("%s: %v", where, err)
			}
		}
	})
}

// TestXHostileOutput: the hostile case keeps its text as text and drops
// everything that could run.
func TestXHostileOutput(t *testing.T) {
	th, err := Extract("https://x.com/loom_weaver/status/"+mkID(400), xSource(t, "x-dom", "made-hostile"))
	if err != nil {
		t.Fatal(err)
	}
	xCheckSafe(t, th)
	all := th.Posts[0].Text + "\n" + th.Posts[1].Text
	for _, gone := range []string{"executed", "display:none", "svg text", "evil.example", "alert(3)", "alert(5)", "alert(7)", "alert(9)"} {
		if strings.Contains(all, gone) || strings.Contains(th.Author.Avatar, gone) {
			t.Errorf("%q came through: %q", gone, all)
		}
	}
	for _, kept := range []string{`<script>alert("text")</script>`, `"><img src=x onerror=alert(1)>`, "click me", "😀"} {
		if !strings.Contains(all, kept) {
			t.Errorf("the text %q is missing: %q", kept, all)
		}
	}
	for _, p := range th.Posts {
		for _, r := range p.Content {
			if r.Type != thread.TextRun {
				t.Errorf("hostile links must become text, got %+v", r)
			}
		}
		if len(p.Media) != 0 {
			t.Errorf("a javascript: photo came through: %+v", p.Media)
		}
	}
	if th.Author.Avatar != "" {
		t.Errorf("avatar %q", th.Author.Avatar)
	}
}

// TestXDetectionIsStrict: X's extractors take only X hosts with X markers,
// so other platforms' pages and JSON reach their own extractors.
func TestXDetectionIsStrict(t *testing.T) {
	for _, name := range []string{"nitter/postlight-nitter-aktionunterholz.html", "mastodon/defuddle-mastodon-alice-thread.html", "bluesky/morpho-midthread-external-embed.json", "twitter-legacy/postlight-kingbeyoncestan-conversation.html"} {
		b, err := os.ReadFile(filepath.Join(xRepoRoot(t), "..", "shared", "fixtures", name))
		if err != nil {
			t.Logf("skip %s: %v", name, err)
			continue
		}
		for _, u := range []string{"https://nitter.net/a/status/1", "https://bsky.app/profile/a/post/1", "https://twitter.com/a/status/1"} {
			p, err := newPage(u, b)
			if err != nil {
				continue
			}
			if (xDOM{}).Accepts(p) || (xGraphQL{}).Accepts(p) {
				t.Errorf("%s at %s was taken for X", name, u)
			}
		}
	}
}

// TestXScanAgreesWithHTMLParse: the fast reader (x_scan.go) and the HTML5
// parser give the same thread on every DOM case, so the speed costs nothing.
func TestXScanAgreesWithHTMLParse(t *testing.T) {
	dirs, _ := filepath.Glob(filepath.Join("testdata", "x-dom", "*"))
	for _, dir := range dirs {
		c, skip := xLoadCase(t, "x-dom", dir)
		if skip != "" {
			t.Logf("skip %s: %s", dir, skip)
			continue
		}
		u, _ := newPage(c.URL, c.Content)
		h, id, _ := xFocal(u.URL)
		full, err := nethtml.Parse(bytes.NewReader(c.Content))
		if err != nil {
			t.Fatal(err)
		}
		a, errA := xDOMThread(xScan(c.Content), h, id)
		b, errB := xDOMThread(full, h, id)
		if (errA == nil) != (errB == nil) {
			t.Errorf("%s: fast reader error %v, html.Parse error %v", dir, errA, errB)
			continue
		}
		if ja, jb := xMarshal(t, a), xMarshal(t, b); string(ja) != string(jb) {
			t.Errorf("%s: fast reader and html.Parse differ (- fast, + html.Parse):\n%s", dir, xLineDiff(string(ja), string(jb)))
		}
	}
}

// TestXStrayEndTags: millions of end tags that close nothing, under the
// deepest nesting the reader keeps, cost linear time.
func TestXStrayEndTags(t *testing.T) {
	page := []byte(strings.Repeat("<p>", 600) + `<div data-testid="cellInnerDiv"><article data-testid="tweet"></article></div>` + strings.Repeat("</x>", 1<<20))
	// CPU time where it can be read: the clock of a shared machine is not
	// a measure of work.
	cpu, start := xCPUTime(), time.Now()
	_, err := Extract("https://x.com/a/status/1", page)
	if err == nil {
		t.Fatal("a page without the post gave a thread")
	}
	used, limit := time.Since(start).Seconds(), 60.0
	if cpu > 0 {
		used, limit = xCPUTime()-cpu, 10
	}
	// About 0.3 µs of CPU per end tag; a quadratic reader takes minutes.
	if used > limit {
		t.Errorf("took %.1f s for 1M stray end tags", used)
	}
}

// TestXConcurrentExtract: readings running at once (their node blocks come
// from shared pools) give what they give alone.
func TestXConcurrentExtract(t *testing.T) {
	var cases []xCase
	for _, name := range []string{"made-selfthread-25", "made-pair", "made-self-quote", "tweetyoink-x-tweet-quote"} {
		c, skip := xLoadCase(t, "x-dom", filepath.Join("testdata", "x-dom", name))
		if skip == "" {
			cases = append(cases, c)
		}
	}
	want := make([]string, len(cases))
	for i, c := range cases {
		th, err := xRunCase(c)
		if err != nil {
			t.Fatal(err)
		}
		want[i] = string(xMarshal(t, th))
	}
	errs := make(chan error, 8*len(cases))
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := 0; r < 5; r++ {
				for i, c := range cases {
					th, err := xRunCase(c)
					if err == nil {
						b, _ := json.MarshalIndent(th, "", "  ")
						if string(b)+"\n" != want[i] {
							err = fmt.Errorf("%s differs when read concurrently", c.Name)
						}
					}
					if err != nil {
						errs <- err
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
