package extract

// X profiles read from their rendered cells: the made profile's builder,
// each link of the thread line read from either of its two markers, and
// the cells merged with captured UserTweets answers in page order.
//
//	go test ./shared/extract -run 'TestAuthorThreads|TestXProfile'

import (
	"encoding/json"
	"fmt"
	"html"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"unspool/shared/thread"
)

// The real cells the made profile is built from (their repository has no
// licence: read in place, never copied).
const (
	madeXCellsFixture = "../shared/fixtures/x-dom/rvinowise-selfthread-3cells.html"
	madeXGapFixture   = "../shared/fixtures/x-dom/rvinowise-selfthread-hidden-replies.html"
	xCellStart        = `<div data-testid="cellInnerDiv"`
)

var (
	// The thread line in X's 2023 markup: above the avatar, a column
	// holding an empty div; below it, an empty div after Tweet-User-Avatar.
	// (Class names: a test builds its page from them, the reader never
	// reads them.)
	madeLineAbove = regexp.MustCompile(`<div class="[^"]*"><div class="[^"]*r-1bimlpy[^"]*"></div></div>`)
	madeLineBelow = regexp.MustCompile(`<div class="[^"]*r-1bimlpy[^"]*r-14gqq1x"></div>`)
)

// xFixtureCells splits a fixture page into its cellInnerDiv elements.
func xFixtureCells(page string) []string {
	var starts []int
	for i := strings.Index(page, xCellStart); i >= 0; {
		starts = append(starts, i)
		j := strings.Index(page[i+1:], xCellStart)
		if j < 0 {
			break
		}
		i += 1 + j
	}
	var out []string
	for k, s := range starts {
		end := strings.Index(page[s:], "\n</div></section>")
		if k+1 < len(starts) {
			end = starts[k+1] - s
		}
		out = append(out, strings.TrimSpace(page[s:s+end]))
	}
	return out
}

type madeXCell struct {
	ID         string `json:"id"`
	Handle     string `json:"handle"`
	Text       string `json:"text"`
	CreatedAt  string `json:"createdAt"`
	Lines      string `json:"lines"` // "", "above", "below", "both"
	Gap        bool   `json:"gap"`
	ShowThread bool   `json:"showThread"`
}

// madeXProfileHTML builds a made profile's cells (made.json) from the real
// middle cell of a 3-post self-thread: ids, handle, text and time replaced,
// the thread line kept where the recipe draws it.
func madeXProfileHTML(t *testing.T, recipe []byte) (string, string) {
	t.Helper()
	var r struct {
		Handle string      `json:"handle"`
		Name   string      `json:"name"`
		Cells  []madeXCell `json:"cells"`
	}
	if err := json.Unmarshal(recipe, &r); err != nil {
		t.Fatal(err)
	}
	cellsPage, skip := readFixture(t, filepath.Join(xRepoRoot(t), madeXCellsFixture))
	if skip != "" {
		return "", skip
	}
	gapPage, skip := readFixture(t, filepath.Join(xRepoRoot(t), madeXGapFixture))
	if skip != "" {
		return "", skip
	}
	template := xFixtureCells(string(cellsPage))[1]
	gap := xFixtureCells(string(gapPage))[1]
	var b strings.Builder
	for _, c := range r.Cells {
		if c.Gap {
			b.WriteString(gap)
			continue
		}
		handle, name := c.Handle, c.Handle
		if handle == "" {
			handle, name = r.Handle, r.Name
		}
		cell := strings.NewReplacer(
			"tehprom269887", handle,
			">tehprom<", ">"+html.EscapeString(name)+"<",
			"1734248653919789531", c.ID,
			"2023-12-11T16:27:54.000Z", c.CreatedAt,
			">2nd message of a thread<", ">"+html.EscapeString(c.Text)+"<",
		).Replace(template)
		if c.Lines != "above" && c.Lines != "both" {
			cell = madeLineAbove.ReplaceAllString(cell, "")
		}
		if c.Lines != "below" && c.Lines != "both" {
			cell = madeLineBelow.ReplaceAllString(cell, "")
		}
		if c.ShowThread {
			textAt := strings.Index(cell, `data-testid="tweetText"`)
			after := textAt + strings.Index(cell[textAt:], "</div></div>") + len("</div></div>")
			cell = cell[:after] + `<div><a href="/` + handle + `/status/` + c.ID + `" role="link"><span>Show this thread</span></a></div>` + cell[after:]
		}
		b.WriteString(cell)
	}
	return b.String(), ""
}

func madeXProfile(t *testing.T) (string, AuthorPage) {
	t.Helper()
	pageURL, page, skip := loadAuthorCase(t, filepath.Join("testdata", "author", "made-x-profile-cells-3-threads"))
	if skip != "" {
		t.Skip(skip)
	}
	return pageURL, page
}

func listedIDs(t *testing.T, pageURL string, page AuthorPage) []string {
	t.Helper()
	got, err := ExtractAuthorPage(pageURL, page)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, th := range got.Threads {
		more := ""
		if th.More {
			more = "+"
		}
		ids = append(ids, fmt.Sprintf("%s/%s%d", th.ID, more, th.Posts))
	}
	return ids
}

// Each link of the thread line is drawn in both cells it joins; X's markup
// changing in one of them (the avatar's marker renamed, or the line above
// gone) must not change the listing. Nor must "Show this thread" in
// another language.
func TestXProfileSecondMarkers(t *testing.T) {
	pageURL, page := madeXProfile(t)
	want := listedIDs(t, pageURL, page)
	if len(want) != 3 {
		t.Fatalf("the made profile lists %v", want)
	}
	for name, change := range map[string]func(string) string{
		"Tweet-User-Avatar renamed (no line below)": func(s string) string {
			return strings.ReplaceAll(s, `data-testid="Tweet-User-Avatar"`, `data-testid="Tweet-User-Avatar-renamed"`)
		},
		"no line above": func(s string) string { return madeLineAbove.ReplaceAllString(s, "") },
		"Show this thread in Spanish": func(s string) string {
			return strings.ReplaceAll(s, ">Show this thread<", ">Mostrar este hilo<")
		},
	} {
		t.Run(name, func(t *testing.T) {
			changed := change(page.HTML)
			if changed == page.HTML {
				t.Fatal("the change changed nothing")
			}
			if got := listedIDs(t, pageURL, AuthorPage{HTML: changed}); !reflect.DeepEqual(got, want) {
				t.Errorf("listed %v, want %v", got, want)
			}
		})
	}
	// Both markers of the line gone: the posts are single posts, and only
	// the thread "Show this thread" names is left.
	none := madeLineAbove.ReplaceAllString(page.HTML, "")
	none = strings.ReplaceAll(none, `data-testid="Tweet-User-Avatar"`, `data-testid="renamed"`)
	if got := listedIDs(t, pageURL, AuthorPage{HTML: none}); !reflect.DeepEqual(got, []string{"1950000000000000500/+1"}) {
		t.Errorf("without the line listed %v", got)
	}
}

// The cells and the captured answers of one profile: the answers know each
// post's conversation, the cells know the page order of what they show;
// together they list both in one order.
func TestMergeAuthorPosts(t *testing.T) {
	p := func(id, root string) authorPost {
		return authorPost{post: thread.Post{ID: id}, root: root}
	}
	dom := []authorPost{p("a", ""), p("b", ""), p("c", "")}
	dom[1].moreBelow = true
	api := []authorPost{p("x", "x"), p("b", "r"), p("y", "y")}
	got := mergeAuthorPosts(dom, api)
	ids := authorPostIDs(got)
	if want := []string{"a", "x", "b", "c", "y"}; !reflect.DeepEqual(ids, want) {
		t.Fatalf("order %v, want %v", ids, want)
	}
	if got[2].root != "r" || !got[2].moreBelow {
		t.Errorf("b merged as %+v: want the answers' conversation and the cells' Show this thread", got[2])
	}
	if got := mergeAuthorPosts(nil, api); !reflect.DeepEqual(got, api) {
		t.Errorf("without cells: %+v", got)
	}
}

func authorPostIDs(ps []authorPost) []string {
	ids := make([]string, len(ps))
	for i, p := range ps {
		ids[i] = p.post.ID
	}
	return ids
}

// Where the answers, in the order they were fetched, list posts otherwise
// than the cells show them (a newer post, fetched last, shown at the top)
// and overlap (the page fetched its first page again), each post is listed
// once, in the cells' order, with what the cells add.
func TestMergeAuthorPostsOrderOfTheCellsAndOnce(t *testing.T) {
	p := func(id string) authorPost { return authorPost{post: thread.Post{ID: id}, root: id} }
	dom := []authorPost{p("newer"), p("a"), p("b")}
	dom[1].moreBelow = true
	dom[2].gapAbove = true
	api := []authorPost{p("a"), p("x"), p("b"), p("newer"), p("a"), p("y"), p("x")}
	got := mergeAuthorPosts(dom, api)
	ids := authorPostIDs(got)
	if want := []string{"newer", "a", "x", "b", "y"}; !reflect.DeepEqual(ids, want) {
		t.Fatalf("order %v, want %v", ids, want)
	}
	if !got[1].moreBelow || !got[3].gapAbove {
		t.Errorf("the cells' marks lost: a %+v, b %+v", got[1], got[3])
	}
}

// A captured UserTweets answer beside cells of the same profile: the
// threads of both are listed. The cells are the made profile's; the answer
// is a real one of another author, which adds none of that author's posts.
func TestXProfileCellsBesideAnswers(t *testing.T) {
	pageURL, page := madeXProfile(t)
	_, xdev, _ := loadAuthorCase(t, filepath.Join("testdata", "author", "x-twscrape-xdevelopers-two-pages"))
	want := listedIDs(t, pageURL, page)
	if got := listedIDs(t, pageURL, AuthorPage{Bodies: xdev.Bodies, HTML: page.HTML}); !reflect.DeepEqual(got, want) {
		t.Errorf("with another author's answer: %v, want %v", got, want)
	}
}

func TestXProfileCellsBadInput(t *testing.T) {
	for name, c := range map[string]struct {
		url  string
		page AuthorPage
		code string
	}{
		"cells on Bluesky":      {"https://bsky.app/profile/a.example", AuthorPage{Bodies: []string{`{"feed":[]}`}, HTML: "<div></div>"}, "invalid"},
		"no post by the author": {"https://x.com/someone", AuthorPage{HTML: `<div data-testid="cellInnerDiv"><article data-testid="tweet"><a href="/other/status/1"><time datetime="2024-01-01T00:00:00Z">x</time></a></article></div>`}, "not_found"},
		"nothing":               {"https://x.com/someone", AuthorPage{}, "not_found"},
		"not HTML at all":       {"https://x.com/someone", AuthorPage{HTML: "{}"}, "not_found"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := ExtractAuthorPage(c.url, c.page)
			if got := thread.ErrorCode(err); got != c.code {
				t.Errorf("code %q (%v), want %q", got, err, c.code)
			}
		})
	}
}
