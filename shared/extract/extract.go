package extract

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"time"

	"unspool/shared/thread"
)

// MaxContentBytes bounds what Extract reads. X's heaviest thread pages are a
// few MB; anything far beyond that is not a page a person saved.
const MaxContentBytes = 32 << 20

// Options tune an extraction. The zero value is ready to use.
type Options struct {
	// Now stamps Thread.CapturedAt; time.Now when nil (tests pin it).
	Now func() time.Time
}

// Page is one input: the URL of the focal post and the content captured there.
type Page struct {
	URL     *url.URL
	Content []byte
	// JSON is true when Content is a JSON document rather than HTML.
	JSON bool
}

// An extractor reads one kind of source. Extractors are tried in registry
// order; the first whose Accepts is true is used.
type extractor interface {
	// Name identifies the source in Thread.Source and in errors ("x-dom").
	Name() string
	Accepts(p *Page) bool
	Extract(p *Page) (*thread.Thread, error)
}

// registry lists every extractor, most specific first. Adding a source is
// one file and one line here.
var registry = []extractor{
	xGraphQL{},
	xDOM{},
	blueskyJSON{},
	blueskyDOM{},
	mastodonJSON{},
	misskeyJSON{},
	mastodonDOM{},
	nitter{},
	threadReaderApp{},
	twitterLegacy{},
	threadsJSON{},
	threadsDOM{},
}

// Extract reads the thread that pageURL names out of content (page HTML or a
// platform API response).
func Extract(pageURL string, content []byte) (*thread.Thread, error) {
	return Options{}.Extract(pageURL, content)
}

// Extract is Extract with options.
func (o Options) Extract(pageURL string, content []byte) (*thread.Thread, error) {
	p, err := newPage(pageURL, content)
	if err != nil {
		return nil, err
	}
	for _, x := range registry {
		if !x.Accepts(p) {
			continue
		}
		t, err := x.Extract(p)
		if err != nil {
			return nil, err
		}
		return o.finish(t, x.Name())
	}
	kind := "page"
	if p.JSON {
		kind = "JSON document"
	}
	return nil, thread.Errorf(thread.ENOTFOUND, "unspool cannot read threads from this %s at %s", kind, p.URL.Host)
}

func newPage(pageURL string, content []byte) (*Page, error) {
	u, err := url.Parse(pageURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, thread.Errorf(thread.EINVALID, "page URL %q is not an http(s) URL", pageURL)
	}
	if len(bytes.TrimSpace(content)) == 0 {
		return nil, thread.Errorf(thread.EINVALID, "the page is empty")
	}
	if len(content) > MaxContentBytes {
		return nil, thread.Errorf(thread.ETOOLARGE, "the page is %d MB, more than the %d MB unspool reads", len(content)>>20, MaxContentBytes>>20)
	}
	trimmed := bytes.TrimLeft(content, " \t\r\n\ufeff")
	isJSON := len(trimmed) > 0 && (trimmed[0] == '{' || trimmed[0] == '[')
	if isJSON && !json.Valid(trimmed) {
		return nil, thread.Errorf(thread.EINVALID, "the content looks like JSON but is not valid JSON")
	}
	return &Page{URL: u, Content: content, JSON: isJSON}, nil
}

func (o Options) finish(t *thread.Thread, source string) (*thread.Thread, error) {
	now := time.Now
	if o.Now != nil {
		now = o.Now
	}
	t.CapturedAt = now().UTC().Truncate(time.Second)
	t.Source = source
	explainCuts(t)
	if err := t.Validate(); err != nil {
		return nil, thread.Errorf(thread.ErrorCode(err), "%s: extracted thread is not valid: %v", source, err)
	}
	return t, nil
}

// explainCuts makes a thread with a truncated post incomplete and says so,
// for the posts whose source did not already (X words its own gap): setText
// cuts a post over the text limit rather than failing the thread.
func explainCuts(t *thread.Thread) {
	for i, p := range t.Posts {
		explained := false
		for _, g := range t.Gaps {
			explained = explained || strings.HasPrefix(g, cutShortGap(i+1, ""))
		}
		if p.Truncated && !explained {
			t.Gaps = append(t.Gaps, cutShortGap(i+1, limitReason))
			t.Complete = false
		}
		// A quoted post is cut by the same limit; the reader shows it inside
		// post i+1, so the gap names that post.
		if q := p.Quote; q != nil && q.Truncated {
			t.Gaps = append(t.Gaps, fmt.Sprintf("the post quoted in post %d is cut short %s", i+1, limitReason))
			t.Complete = false
		}
	}
}

// limitReason is why a post cut by setText is short.
var limitReason = fmt.Sprintf("to the first %d KB of its text, the most unspool keeps of one post", maxKeptText/1000)
