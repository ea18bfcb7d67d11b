package extract

// X golden cases, in the style of Mozilla Readability's test pages:
// testdata/x-dom/<case>/, testdata/x-graphql/<case>/ and
// testdata/x-collected/<case>/ each hold the captured content (source.html,
// source.json, collected.json for ExtractCollected; or source.txt naming a
// file, relative to the repository root, whose licence forbids a copy),
// url.txt with the page URL, and expected.json with the Thread.
//
//	go test ./shared/extract -run 'TestXGoldens'                       every case
//	go test ./shared/extract -run 'TestXGoldens/x-dom/rvinowise-selfthread-3cells$'   one case
//	go test ./shared/extract -run 'TestXGoldens' -update               rewrite expected.json (review the diff!)
//
// Besides the golden, xExpectations pins by hand what each self-thread must
// be (ids in order, complete or not), and xCheckInvariants holds for every
// case, so that a wrong golden written by -update cannot hide a bug.

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"unspool/shared/thread"
)

var xGoldenSources = []string{"x-dom", "x-graphql", "x-collected"}

// xGoldenNow pins CapturedAt.
func xGoldenNow() time.Time { return time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC) }

func init() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite golden expected.json files")
	}
}

func xUpdate() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// xExpect is what a case must give, written by hand from the capture.
type xExpect struct {
	IDs      []string
	Complete bool
	Handle   string
	// GapHas, when set, must appear in one of the gaps.
	GapHas string
}

var xExpectations = map[string]xExpect{
	// A 3-post self-thread; the last post has no replies, so its end is known.
	"x-dom/rvinowise-selfthread-3cells": {IDs: []string{"1734248650228855291", "1734248653919789531", "1734248657547870564"}, Complete: true, Handle: "tehprom269887"},
	// The same page opened on its middle post: the head comes from above.
	"x-dom/rvinowise-selfthread-3cells-opened-mid": {IDs: []string{"1734248650228855291", "1734248653919789531", "1734248657547870564"}, Complete: true, Handle: "tehprom269887"},
	// The second post is hidden behind "Show more replies": incomplete, in order.
	"x-dom/rvinowise-selfthread-hidden-replies": {IDs: []string{"1707007575110099429", "1707007579103117527", "1725958337445961955"}, Complete: false, Handle: "tehprom269887", GapHas: "Show more replies"},
	// A reply to another user: the other user's post is not part of it.
	"x-dom/rvinowise-reply-other-user":        {IDs: []string{"1706099462379033033"}, Complete: true, Handle: "tehprom269887"},
	"x-dom/rvinowise-reply-other-user-parent": {IDs: []string{"1706099190240088103"}, Complete: true, Handle: "rvinowise"},
	// Single posts captured alone: nothing shows what follows them.
	"x-dom/tweetyoink-x-tweet-sample":      {IDs: []string{"1981398750557065646"}, Complete: false, Handle: "TestUser123"},
	"x-dom/tweetyoink-x-tweet-quote":       {IDs: []string{"1983130065320780162"}, Complete: false, Handle: "TestQuoter"},
	"x-dom/defuddle-x-article-arscontexta": {IDs: []string{"2013045749580259680"}, Complete: false, Handle: "arscontexta"},

	"x-graphql/twscrape-raw_tweet_details": {IDs: []string{"1649191520250245121", "1649191521323995138", "1649191522485817345", "1649191523697979392"}, Complete: true, Handle: "XDevelopers"},
	// Opened on the last post through /i/web/status/: the whole chain still.
	"x-graphql/twscrape-raw_tweet_details-opened-last": {IDs: []string{"1649191520250245121", "1649191521323995138", "1649191522485817345", "1649191523697979392"}, Complete: true, Handle: "XDevelopers"},
	// The sibling self-reply on its own branch is not the thread's continuation.
	"x-graphql/tweetwise-selfthread-2-plus-sibling": {IDs: []string{"1078214954174611457", "1860623593262256399"}, Complete: true, Handle: "saishftw"},
	// The author answers five other people: none of that is the thread.
	"x-graphql/twscrape-issue56-author-replies-to-others": {IDs: []string{"1682072224013099008"}, Complete: true, Handle: "FortniteStatus"},
	"x-graphql/twscrape-video-with-replies":               {IDs: []string{"1671508600538161153"}, Complete: true, Handle: "TheFigen_"},
	"x-graphql/fxembed-photo-spacex":                      {IDs: []string{"1848831595014459513"}, Complete: true, Handle: "SpaceX"},
	"x-graphql/fxembed-poll":                              {IDs: []string{"1899954694652309701"}, Complete: true, Handle: "Vyseroy"},
	"x-graphql/tmh-image":                                 {IDs: []string{"1901057939403608167"}, Complete: true, Handle: "elonmusk"},
	"x-graphql/twscrape-card-summary-unified":             {IDs: []string{"1696922210588410217"}, Complete: true, Handle: "FortniteGame"},
	"x-graphql/twscrape-issue28-quote-tweet":              {IDs: []string{"1658421690001502208"}, Complete: true, Handle: "morenoagosto"},

	// Made cases (x_made_cases_test.go): ids are mkID(first…first+n-1).
	"x-dom/made-selfthread-25":                 {IDs: mkIDs(100, 25), Complete: true, Handle: "loom_weaver"},
	"x-dom/made-opened-midthread":              {IDs: mkIDs(200, 6), Complete: true, Handle: "loom_weaver"},
	"x-dom/made-self-quote":                    {IDs: mkIDs(300, 3), Complete: true, Handle: "loom_weaver"},
	"x-dom/made-hostile":                       {IDs: mkIDs(400, 2), Complete: true, Handle: "loom_weaver"},
	"x-dom/made-pair":                          {IDs: mkIDs(500, 5), Complete: true, Handle: "loom_weaver"},
	"x-graphql/made-pair":                      {IDs: mkIDs(500, 5), Complete: true, Handle: "loom_weaver"},
	"x-collected/made-pair-merged":             {IDs: mkIDs(500, 5), Complete: true, Handle: "loom_weaver"},
	"x-collected/made-limit":                   {IDs: mkIDs(100, 10), Complete: false, Handle: "loom_weaver", GapHas: "post limit"},
	"x-dom/made-truncated":                     {IDs: mkIDs(600, 2), Complete: false, Handle: "loom_weaver", GapHas: "cut short"},
	"x-collected/made-truncated-graphql-fills": {IDs: mkIDs(600, 2), Complete: true, Handle: "loom_weaver"},
	// Three TweetDetail parts joined by the cursors the extension followed.
	"x-collected/made-continued":        {IDs: mkIDs(1300, 30), Complete: true, Handle: "loom_weaver"},
	"x-graphql/made-ancestors-missing":  {IDs: mkIDs(702, 3), Complete: false, Handle: "loom_weaver", GapHas: "start of the thread is missing"},
	"x-graphql/made-tombstone-in-chain": {IDs: mkIDs(750, 2), Complete: false, Handle: "loom_weaver", GapHas: "does not show"},
	"x-dom/made-bench-100":              {IDs: mkIDs(1000, 100), Complete: true, Handle: "loom_weaver"},
}

func mkIDs(first, n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = mkID(first + i)
	}
	return ids
}

type xCase struct {
	Name, Dir, URL string
	Content        []byte
	Collected      *Collected
}

// xRepoRoot is the folder holding go.mod; source.txt paths are relative to it.
func xRepoRoot(t testing.TB) string {
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d
		}
		if filepath.Dir(d) == d {
			t.Fatalf("no go.mod above %s", dir)
		}
	}
}

// xLoadCase reads a case folder; skip says why it cannot run here (its
// capture is in the fixture set, declared absent: fixtures_test.go).
func xLoadCase(t testing.TB, source, dir string) (c xCase, skip string) {
	t.Helper()
	c.Name, c.Dir = source+"/"+filepath.Base(dir), dir
	u, err := os.ReadFile(filepath.Join(dir, "url.txt"))
	if err != nil {
		t.Fatalf("%s: %v", dir, err)
	}
	c.URL = strings.TrimSpace(string(u))
	for _, name := range []string{"source.html", "source.json"} {
		if b, err := os.ReadFile(filepath.Join(dir, name)); err == nil {
			c.Content = b
			return c, ""
		}
	}
	if b, err := os.ReadFile(filepath.Join(dir, "collected.json")); err == nil {
		c.Collected = &Collected{}
		if err := json.Unmarshal(b, c.Collected); err != nil {
			t.Fatalf("%s/collected.json: %v", dir, err)
		}
		return c, ""
	}
	ref, err := os.ReadFile(filepath.Join(dir, "source.txt"))
	if err != nil {
		t.Fatalf("%s has no source.html, source.json, collected.json or source.txt", dir)
	}
	c.Content, skip = readFixture(t, filepath.Join(xRepoRoot(t), strings.TrimSpace(string(ref))))
	return c, skip
}

func xRunCase(c xCase) (*thread.Thread, error) {
	o := Options{Now: xGoldenNow}
	if c.Collected != nil {
		return o.ExtractCollected(c.URL, *c.Collected)
	}
	return o.Extract(c.URL, c.Content)
}

func xMarshal(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return append(b, '\n')
}

func TestXGoldens(t *testing.T) {
	seen := map[string]bool{}
	for _, source := range xGoldenSources {
		dirs, _ := filepath.Glob(filepath.Join("testdata", source, "*"))
		for _, dir := range dirs {
			if st, err := os.Stat(dir); err != nil || !st.IsDir() {
				continue
			}
			name := source + "/" + filepath.Base(dir)
			seen[name] = true
			t.Run(name, func(t *testing.T) {
				c, skip := xLoadCase(t, source, dir)
				if skip != "" {
					t.Skip(skip)
				}
				th, err := xRunCase(c)
				if err != nil {
					t.Fatalf("extract: %v", err)
				}
				xCheckInvariants(t, th)
				if exp, ok := xExpectations[name]; ok {
					xCheckExpect(t, th, exp)
				}
				gotJSON := xMarshal(t, th)
				path := filepath.Join(dir, "expected.json")
				if xUpdate() {
					if err := os.WriteFile(path, gotJSON, 0o644); err != nil {
						t.Fatal(err)
					}
					return
				}
				want, err := os.ReadFile(path)
				if err != nil {
					t.Fatalf("no golden (run with -update to write it): %v", err)
				}
				if !bytes.Equal(want, gotJSON) {
					t.Errorf("%s differs from the extraction (- expected, + got):\n%s", path, xLineDiff(string(want), string(gotJSON)))
				}
			})
		}
	}
	for name := range xExpectations {
		if !seen[name] {
			t.Errorf("expectation for %s has no case folder", name)
		}
	}
}

// xCheckExpect compares a thread with what was written by hand for its case.
func xCheckExpect(t *testing.T, th *thread.Thread, e xExpect) {
	t.Helper()
	var ids []string
	for _, p := range th.Posts {
		ids = append(ids, p.ID)
	}
	if e.IDs != nil && !reflect.DeepEqual(ids, e.IDs) {
		t.Errorf("posts %v, want %v", ids, e.IDs)
	}
	if th.Complete != e.Complete {
		t.Errorf("complete = %v (gaps %q), want %v", th.Complete, th.Gaps, e.Complete)
	}
	if e.Handle != "" && th.Author.Handle != e.Handle {
		t.Errorf("author @%s, want @%s", th.Author.Handle, e.Handle)
	}
	if e.GapHas != "" && !strings.Contains(strings.Join(th.Gaps, "\n"), e.GapHas) {
		t.Errorf("gaps %q lack %q", th.Gaps, e.GapHas)
	}
}

// xCheckInvariants holds for every thread an X extractor returns: every
// source's invariants, and X says which post each reply answers.
func xCheckInvariants(t testing.TB, th *thread.Thread) {
	t.Helper()
	checkInvariants(t, th)
	for i, p := range th.Posts {
		if i > 0 && p.ReplyTo != th.Posts[i-1].ID && !(p.ReplyTo == "" && !th.Complete) {
			t.Errorf("post %d replies to %q, not to the post before it", i+1, p.ReplyTo)
		}
	}
	xCheckSafe(t, th)
}

// xCheckSafe: no URL anywhere in the output is other than http(s), and the
// JSON carries no markup that could run.
func xCheckSafe(t testing.TB, th *thread.Thread) {
	t.Helper()
	var check func(where, u string)
	check = func(where, u string) {
		if u != "" && thread.SafeURL(u) != u {
			t.Errorf("%s: unsafe URL %q", where, u)
		}
	}
	check("thread", th.URL)
	check("author", th.Author.URL)
	check("avatar", th.Author.Avatar)
	var post func(where string, p *thread.Post)
	post = func(where string, p *thread.Post) {
		check(where, p.URL)
		if p.Author != nil {
			check(where+" author", p.Author.URL)
			check(where+" avatar", p.Author.Avatar)
		}
		for _, r := range p.Content {
			check(where+" run", r.URL)
		}
		for _, m := range p.Media {
			check(where+" media", m.URL)
			check(where+" poster", m.Poster)
		}
		if p.Card != nil {
			check(where+" card", p.Card.URL)
			check(where+" card image", p.Card.Image)
		}
		if p.Quote != nil {
			post(where+" quote", p.Quote)
		}
	}
	for i := range th.Posts {
		post(fmt.Sprintf("post %d", i+1), &th.Posts[i])
	}
	// Text is data (renderers escape it), but the JSON itself must carry
	// no markup a careless consumer could insert as HTML.
	b, _ := json.Marshal(th)
	low := strings.ToLower(string(b))
	for _, bad := range []string{"<script", "<img", "<iframe", "<svg", "<style"} {
		if strings.Contains(low, bad) {
			t.Errorf("output JSON contains %q", bad)
		}
	}
}

// xLineDiff is a small line diff (longest common subsequence), enough to
// read a golden mismatch.
func xLineDiff(a, b string) string {
	x, y := strings.Split(a, "\n"), strings.Split(b, "\n")
	if len(x)*len(y) > 4_000_000 {
		return "(too large to diff; first lines)\n- " + x[0] + "\n+ " + y[0]
	}
	lcs := make([][]int, len(x)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(y)+1)
	}
	for i := len(x) - 1; i >= 0; i-- {
		for j := len(y) - 1; j >= 0; j-- {
			if x[i] == y[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var out strings.Builder
	i, j, shown := 0, 0, 0
	for (i < len(x) || j < len(y)) && shown < 80 {
		switch {
		case i < len(x) && j < len(y) && x[i] == y[j]:
			i, j = i+1, j+1
		case j < len(y) && (i == len(x) || lcs[i][j+1] >= lcs[i+1][j]):
			fmt.Fprintf(&out, "+ %s (line %d)\n", y[j], j+1)
			j++
			shown++
		default:
			fmt.Fprintf(&out, "- %s (line %d)\n", x[i], i+1)
			i++
			shown++
		}
	}
	return out.String()
}

// The bodies kept read (x_graphql_memo.go) are handed out as copies: the
// same captures extracted again — after the first extraction filled in
// their posts and merged the page's cells into them — give the same thread.
func TestXCollectedReadAgain(t *testing.T) {
	dirs, _ := filepath.Glob(filepath.Join("testdata", "x-collected", "*"))
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			c, skip := xLoadCase(t, "x-collected", dir)
			if skip != "" {
				t.Skip(skip)
			}
			xMemoReset()
			var first []byte
			for i := range 3 {
				th, err := xRunCase(c)
				if err != nil {
					t.Fatal(err)
				}
				got := xMarshal(t, th)
				if i == 0 {
					first = got
				} else if !bytes.Equal(first, got) {
					t.Fatalf("extraction %d differs from the first (- first, + again):\n%s", i+1, xLineDiff(string(first), string(got)))
				}
			}
		})
	}
}
