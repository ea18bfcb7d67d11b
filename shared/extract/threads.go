package extract

// Threads (threads.com, threads.net) post pages. The page embeds its data
// as JSON in <script type="application/json" data-sjs> blocks: somewhere
// inside (under RelayPrefetchedStreamCache … result.data.data.edges) every
// edge's node has "thread_items", a list of {post, line_type,
// should_show_replies_cta}. On a post page the first list is the thread
// containing the opened post (the chain above it down to it); the others
// are reply threads, each starting with a direct reply. The thread is the
// author's chain (same user pk): their posts directly above the opened one,
// then the earliest reply thread that starts with their own reply. Without
// the JSON the rendered DOM is read as a fallback (threads_dom.go).

import (
	"bytes"
	"encoding/json"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/PuerkitoBio/goquery"

	"unspool/shared/thread"
)

const (
	// threadsSelData: the server-rendered data blocks; only these hold the posts.
	threadsSelData = `script[type="application/json"]`
)

var (
	// threadsHostRe: Threads' own hosts (the page is only ever served there).
	threadsHostRe = regexp.MustCompile(`^(?:www\.)?threads\.(?:com|net)$`)
	// threadsPostPathRe: /@user/post/<code>, or /t/<code>.
	threadsPostPathRe = regexp.MustCompile(`^/(?:@([^/]+)/post|t)/([A-Za-z0-9_-]+)`)
	// threadsItemsKey: the key every post list carries in the page data.
	threadsItemsKey = []byte(`"thread_items"`)
	// threadsPageMarkers recognise a Threads page served from elsewhere (a
	// saved copy, a test server): its site name and its code name.
	threadsPageMarkers = [][]byte{[]byte(`content="Threads"`), []byte(`Barcelona`), []byte(`barcelona`)}
)

type threadsUser struct {
	Username      string          `json:"username"`
	FullName      string          `json:"full_name"`
	PK            json.RawMessage `json:"pk"`
	ID            json.RawMessage `json:"id"`
	ProfilePicURL string          `json:"profile_pic_url"`
	IsVerified    bool            `json:"is_verified"`
}

type threadsImageVersions struct {
	Candidates []struct {
		URL    string `json:"url"`
		Width  int    `json:"width"`
		Height int    `json:"height"`
	} `json:"candidates"`
}

type threadsMedia struct {
	ImageVersions2 threadsImageVersions `json:"image_versions2"`
	VideoVersions  []struct {
		URL string `json:"url"`
	} `json:"video_versions"`
	OriginalWidth        int    `json:"original_width"`
	OriginalHeight       int    `json:"original_height"`
	AccessibilityCaption string `json:"accessibility_caption"`
	MediaType            int    `json:"media_type"`
}

type threadsPost struct {
	threadsMedia
	PK              json.RawMessage        `json:"pk"`
	Code            string                 `json:"code"`
	User            threadsUser            `json:"user"`
	TakenAt         int64                  `json:"taken_at"`
	Caption         *struct{ Text string } `json:"caption"`
	CarouselMedia   []threadsMedia         `json:"carousel_media"`
	TextPostAppInfo struct {
		LinkPreviewAttachment *struct {
			URL        string `json:"url"`
			DisplayURL string `json:"display_url"`
			Title      string `json:"title"`
			ImageURL   string `json:"image_url"`
		} `json:"link_preview_attachment"`
		ShareInfo struct {
			QuotedPost *threadsPost `json:"quoted_post"`
		} `json:"share_info"`
		TextFragments struct {
			Fragments []threadsFragment `json:"fragments"`
		} `json:"text_fragments"`
	} `json:"text_post_app_info"`
}

// threadsFragment is one piece of a post's text as Threads annotates it.
type threadsFragment struct {
	FragmentType string `json:"fragment_type"`
	Plaintext    string `json:"plaintext"`
	LinkFragment *struct {
		URI         string `json:"uri"`
		DisplayText string `json:"display_text"`
	} `json:"link_fragment"`
	MentionFragment *struct {
		MentionedUser struct {
			Username string `json:"username"`
		} `json:"mentioned_user"`
	} `json:"mention_fragment"`
	TagFragment *struct {
		TagName string `json:"tag_name"`
	} `json:"tag_fragment"`
}

type threadsItem struct {
	Post                 *threadsPost `json:"post"`
	ShouldShowRepliesCta bool         `json:"should_show_replies_cta"`
}

type threadsJSON struct{}

func (threadsJSON) Name() string { return "threads-json" }

func (threadsJSON) Accepts(p *Page) bool {
	return !p.JSON && threadsPage(p) && bytes.Contains(p.Content, threadsItemsKey)
}

// threadsPage: served by Threads, or carrying its markers.
func threadsPage(p *Page) bool {
	if threadsHostRe.MatchString(strings.ToLower(p.URL.Hostname())) {
		return true
	}
	for _, m := range threadsPageMarkers {
		if bytes.Contains(p.Content, m) {
			return true
		}
	}
	return false
}

func (threadsJSON) Extract(p *Page) (*thread.Thread, error) {
	m := threadsPostPathRe.FindStringSubmatch(p.URL.Path)
	if m == nil {
		return nil, thread.Errorf(thread.EINVALID, "threads: %s is not a post address (/@user/post/<code>)", p.URL.Path)
	}
	code := m[2]
	doc, err := parseHTML(p.Content)
	if err != nil {
		return nil, err
	}
	var lists [][]threadsItem
	doc.Find(threadsSelData).Each(func(_ int, s *goquery.Selection) {
		raw := s.Text()
		if !strings.Contains(raw, `"thread_items"`) {
			return
		}
		var data any
		if json.Unmarshal([]byte(raw), &data) != nil {
			return
		}
		threadsFindItems(data, 0, &lists)
	})
	if len(lists) == 0 {
		return nil, thread.Errorf(thread.ENOTFOUND, "threads: the page data holds no posts (thread_items)")
	}
	return threadsChain(lists, code)
}

// threadsFindItems collects every "thread_items" list in the page data,
// in document order, as deep as the walks of markup go (maxDepth).
func threadsFindItems(v any, depth int, out *[][]threadsItem) {
	if depth > maxDepth {
		return
	}
	switch v := v.(type) {
	case map[string]any:
		if raw, ok := v["thread_items"].([]any); ok {
			var items []threadsItem
			for _, it := range raw {
				b, err := json.Marshal(it)
				if err != nil {
					continue
				}
				var item threadsItem
				if json.Unmarshal(b, &item) == nil && item.Post != nil && item.Post.Code != "" {
					items = append(items, item)
				}
			}
			if len(items) > 0 {
				*out = append(*out, items)
			}
			return
		}
		// Map order is random; walk keys sorted so lists keep a stable order.
		for _, k := range sortedKeys(v) {
			threadsFindItems(v[k], depth+1, out)
		}
	case []any:
		for _, x := range v {
			threadsFindItems(x, depth+1, out)
		}
	}
}

func threadsChain(lists [][]threadsItem, code string) (*thread.Thread, error) {
	li, fi := -1, -1
	for i, l := range lists {
		for j, it := range l {
			if it.Post.Code == code {
				li, fi = i, j
				break
			}
		}
		if li >= 0 {
			break
		}
	}
	if li < 0 {
		return nil, thread.Errorf(thread.ENOTFOUND, "threads: the page data does not hold post %s", code)
	}
	list := lists[li]
	focal := list[fi]
	who := threadsUserKey(focal.Post.User)
	var gaps []string

	var above []thread.Post
	for j := fi - 1; j >= 0 && threadsUserKey(list[j].Post.User) == who; j-- {
		above = append(above, threadsConvert(list[j].Post, true))
	}
	var below []thread.Post
	last := focal
	j := fi + 1
	for ; j < len(list) && threadsUserKey(list[j].Post.User) == who; j++ {
		below = append(below, threadsConvert(list[j].Post, true))
		last = list[j]
	}
	if j == len(list) && fi == len(list)-1 {
		// The opened post ends its list: its replies are the other lists;
		// the author's own (earliest) reply thread continues the chain.
		var own [][]threadsItem
		for i, l := range lists {
			if i != li && threadsUserKey(l[0].Post.User) == who {
				own = append(own, l)
			}
		}
		if next, ok := earliestOf(own, func(l []threadsItem) time.Time { return threadsTime(l[0].Post.TakenAt) }, func(l []threadsItem) string { return l[0].Post.Code }); ok {
			for _, it := range next {
				if threadsUserKey(it.Post.User) != who {
					break
				}
				below = append(below, threadsConvert(it.Post, true))
				last = it
			}
		}
	}
	if last.ShouldShowRepliesCta {
		gaps = append(gaps, "the page offers more replies below the last post of the thread")
	}

	author := threadsAuthor(focal.Post.User)
	t := &thread.Thread{
		Platform: thread.Threads,
		Author:   author,
		URL:      threadsPostURL(focal.Post.User.Username, focal.Post.Code),
		FocalID:  focal.Post.Code,
		Complete: len(gaps) == 0,
		Gaps:     gaps,
	}
	t.Posts = chainPosts(above, threadsConvert(focal.Post, true), below)
	t.ID = t.Posts[0].ID
	return t, nil
}

// threadsUserKey is the stable identity of an account: its pk, else its
// username.
func threadsUserKey(u threadsUser) string {
	if k := strings.Trim(string(u.PK), `"`); k != "" && k != "null" {
		return k
	}
	return strings.ToLower(u.Username)
}

func threadsPostURL(username, code string) string {
	return "https://www.threads.com/@" + url.PathEscape(username) + "/post/" + url.PathEscape(code)
}

func threadsAuthor(u threadsUser) thread.Author {
	return safeAuthor(thread.Author{
		Handle:   u.Username,
		Name:     u.FullName,
		URL:      "https://www.threads.com/@" + url.PathEscape(u.Username),
		Avatar:   u.ProfilePicURL,
		ID:       strings.Trim(string(u.PK), `"`),
		Verified: u.IsVerified,
	})
}

// threadsConvert makes a Post; quotes is false inside a quote.
func threadsConvert(tp *threadsPost, quotes bool) thread.Post {
	p := thread.Post{ID: tp.Code, URL: threadsPostURL(tp.User.Username, tp.Code), CreatedAt: threadsTime(tp.TakenAt)}
	text := ""
	if tp.Caption != nil {
		text = tp.Caption.Text
	}
	setText(&p, tidyRuns(threadsRuns(text, tp.TextPostAppInfo.TextFragments.Fragments)))

	if len(tp.CarouselMedia) > 0 {
		for _, m := range tp.CarouselMedia {
			p.Media = append(p.Media, threadsMediaItem(m, p.URL)...)
		}
	} else {
		p.Media = threadsMediaItem(tp.threadsMedia, p.URL)
	}
	p.Media = safeMedia(p.Media)
	if lp := tp.TextPostAppInfo.LinkPreviewAttachment; lp != nil {
		p.Card = safeCard(&thread.Card{URL: threadsUnwrap(lp.URL), Title: lp.Title, Image: lp.ImageURL})
	}
	if q := tp.TextPostAppInfo.ShareInfo.QuotedPost; quotes && q != nil && q.Code != "" {
		qp := threadsConvert(q, false)
		a := threadsAuthor(q.User)
		qp.Author = &a
		p.Quote = &qp
	}
	return p
}

// threadsMediaItem is a post's (or carousel item's) video or photo: the
// first candidate is the largest rendition.
func threadsMediaItem(m threadsMedia, postURL string) []thread.Media {
	still := ""
	w, h := m.OriginalWidth, m.OriginalHeight
	if len(m.ImageVersions2.Candidates) > 0 {
		c := m.ImageVersions2.Candidates[0]
		still = c.URL
		if w == 0 {
			w, h = c.Width, c.Height
		}
	}
	if len(m.VideoVersions) > 0 {
		u := m.VideoVersions[0].URL
		if u == "" {
			u = postURL
		}
		return []thread.Media{{Type: thread.Video, URL: u, Poster: still, Alt: m.AccessibilityCaption, Width: w, Height: h}}
	}
	// Text posts (media_type 19) carry no image; others with a still are photos.
	if still == "" || m.MediaType == 19 {
		return nil
	}
	return []thread.Media{{Type: thread.Photo, URL: still, Alt: m.AccessibilityCaption, Width: w, Height: h}}
}

// threadsRuns uses the text fragments when they spell the caption exactly
// (so no text is lost or invented), the plain caption otherwise, and the
// fragments alone when there is no caption.
func threadsRuns(text string, frags []threadsFragment) []thread.Run {
	var b strings.Builder
	for _, f := range frags {
		b.WriteString(f.Plaintext)
	}
	if text == "" {
		text = b.String() // some posts carry their text in the fragments only
	}
	if len(frags) == 0 || b.String() != text {
		return []thread.Run{{Type: thread.TextRun, Text: text}}
	}
	var runs []thread.Run
	for _, f := range frags {
		run := thread.Run{Type: thread.TextRun, Text: f.Plaintext}
		switch {
		case f.FragmentType == "link" && f.LinkFragment != nil:
			if u := thread.SafeURL(threadsUnwrap(f.LinkFragment.URI)); u != "" {
				run = thread.Run{Type: thread.LinkRun, Text: f.Plaintext, URL: u}
			}
		case f.FragmentType == "mention" && f.MentionFragment != nil && f.MentionFragment.MentionedUser.Username != "":
			run = thread.Run{Type: thread.MentionRun, Text: f.Plaintext, URL: "https://www.threads.com/@" + url.PathEscape(f.MentionFragment.MentionedUser.Username)}
		case (f.FragmentType == "tag" || f.FragmentType == "hashtag") && f.TagFragment != nil && f.TagFragment.TagName != "":
			run = thread.Run{Type: thread.HashtagRun, Text: f.Plaintext, URL: "https://www.threads.com/search?q=" + url.QueryEscape(f.TagFragment.TagName) + "&serp_type=tags"}
		}
		runs = append(runs, run)
	}
	return runs
}

// threadsUnwrap undoes Threads' link shim (l.threads.com/?u=<target>).
func threadsUnwrap(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return s
	}
	if h := strings.ToLower(u.Hostname()); h == "l.threads.com" || h == "l.threads.net" || h == "l.instagram.com" {
		if t := u.Query().Get("u"); t != "" {
			return t
		}
	}
	return s
}

// threadsTime reads taken_at (epoch seconds).
func threadsTime(n int64) time.Time {
	if n <= 0 {
		return time.Time{}
	}
	return time.Unix(n, 0).UTC()
}
