package suite

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"unspool/shared/protocol"
	"unspool/shared/render"
	"unspool/shared/thread"
)

// Share pages, against either runtime: publish, the page and its
// exports, ETag/304, unpublish → 410, other libraries refused, bad threads
// refused.

func sharesPath(l lib) string { return "/v1/libraries/" + l.ID + "/shares" }

// loadThread reads a thread fixture of the repository.
func loadThread(t testing.TB, path string) thread.Thread {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var th thread.Thread
	if err := json.Unmarshal(b, &th); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return th
}

// thread25 is the extractor's 25-post golden: text, links, mentions, photos.
func thread25(t testing.TB) thread.Thread {
	return loadThread(t, "../../shared/extract/testdata/x-dom/made-selfthread-25/expected.json")
}

// hostileThread is the renderer's hostile fixture: script tags, javascript:
// links, on* attributes and attribute breakers in every field.
func hostileThread(t testing.TB) thread.Thread {
	return loadThread(t, "../../shared/render/testdata/made/hostile/thread.json")
}

func publish(t testing.TB, l lib, th thread.Thread, indexable bool, status int) protocol.ShareResponse {
	t.Helper()
	var sr protocol.ShareResponse
	expect(t, send(t, request{Method: "POST", Path: sharesPath(l), Key: l.Key,
		Body: protocol.ShareRequest{Thread: th, Indexable: indexable}}), status, &sr)
	// A slug is a capability: our log must not hold it. Only the native
	// log is ours; wrangler dev prints every path in its own access log.
	if native != nil && sr.Slug != "" {
		secrets.add(sr.Slug)
	}
	return sr
}

func listShares(t testing.TB, l lib) []protocol.Share {
	t.Helper()
	var sl protocol.ShareList
	expect(t, send(t, request{Method: "GET", Path: sharesPath(l), Key: l.Key}), 200, &sl)
	return sl.Shares
}

func getPage(t testing.TB, path string, header map[string]string) response {
	t.Helper()
	return send(t, request{Method: "GET", Path: path, Header: header})
}

// slugShape: 22 characters of base64url, after "<shard>." on shards 1…N-1.
var slugShape = regexp.MustCompile(`^(?:[1-9][0-9]*\.)?([A-Za-z0-9_-]{22})$`)

func TestSharePublishAndFormats(t *testing.T) {
	a := createLib(t)
	th := thread25(t)
	sr := publish(t, a, th, false, 201)
	m := slugShape.FindStringSubmatch(sr.Slug)
	if m == nil {
		t.Fatalf("slug %q is not 22 characters of base64url (after its shard)", sr.Slug)
	}
	if raw, err := base64.RawURLEncoding.DecodeString(m[1]); err != nil || len(raw) < 16 {
		t.Fatalf("slug %q does not hold 128 bits", sr.Slug)
	}
	if sr.URL != "/t/"+sr.Slug || sr.ThreadID != th.ID || sr.Platform != th.Platform || sr.Indexable {
		t.Fatalf("share response %+v", sr)
	}

	// The page: the thread rendered, with the share head and strict headers.
	page := getPage(t, sr.URL, nil)
	if page.Status != 200 {
		t.Fatalf("page status %d: %.300s", page.Status, page.Body)
	}
	body := string(page.Body)
	for _, h := range []struct{ name, want string }{
		{"Content-Type", "text/html; charset=utf-8"},
		{"X-Content-Type-Options", "nosniff"},
		{"Referrer-Policy", "no-referrer"},
		{"X-Robots-Tag", "noindex, nofollow"},
	} {
		if got := page.Header.Get(h.name); got != h.want {
			t.Errorf("%s = %q, want %q", h.name, got, h.want)
		}
	}
	csp := page.Header.Get("Content-Security-Policy")
	if !strings.HasPrefix(csp, "default-src 'none';") || strings.Contains(csp, "script") ||
		strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "'"+render.CSSHash+"'") {
		t.Errorf("CSP %q: want default-src 'none', no script source, the stylesheet by its hash", csp)
	}
	if cc := page.Header.Get("Cache-Control"); !strings.Contains(cc, "max-age=") {
		t.Errorf("Cache-Control %q", cc)
	}
	etag := page.Header.Get("ETag")
	if !regexp.MustCompile(`^"[^"]+"$`).MatchString(etag) {
		t.Errorf("ETag %q is not a strong entity tag", etag)
	}
	for _, want := range []string{
		`<link rel=canonical href=` + th.URL + `>`,
		`<meta name=robots content="noindex, nofollow">`,
		`<meta property="og:title" content="`,
		`<meta property="og:description" content="1/25 Where it starts:`,
		`<meta property="og:image" content="https://`,
		`<meta name=twitter:card content="summary_large_image">`,
		`<link rel=alternate type=text/markdown href="?format=md"`,
		`<link rel=alternate type=application/json href="?format=json"`,
		"<style>" + render.CSS + "</style>", // byte for byte, or the CSP hash would block it
		"@media print",
		"prefers-color-scheme:dark",
		th.Author.Name,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if n := strings.Count(body, "<section class=u-post"); n != len(th.Posts) {
		t.Errorf("page shows %d posts, want %d", n, len(th.Posts))
	}
	if strings.Contains(strings.ToLower(body), "<script") {
		t.Error("page holds a <script>")
	}
	// Minified: no indentation runs left from the templates.
	if strings.Contains(body, ">\n\t") || strings.Contains(body, "  <") {
		t.Error("page does not look minified")
	}

	// The exports.
	for _, f := range []struct{ query, ctype, want string }{
		{"md", "text/markdown; charset=utf-8", "---\n"},
		{"txt", "text/plain; charset=utf-8", "2/25 Thanks to @kit_reader for the idea."},
		{"json", "application/json; charset=utf-8", `"id": "` + th.ID + `"`},
	} {
		r := getPage(t, sr.URL+"?format="+f.query, nil)
		if r.Status != 200 || r.Header.Get("Content-Type") != f.ctype || !strings.Contains(string(r.Body), f.want) {
			t.Errorf("?format=%s: %d %q %.200q", f.query, r.Status, r.Header.Get("Content-Type"), r.Body)
		}
		if r.Header.Get("X-Content-Type-Options") != "nosniff" || !strings.Contains(r.Header.Get("Content-Security-Policy"), "sandbox") {
			t.Errorf("?format=%s headers: %v", f.query, r.Header)
		}
		if e := r.Header.Get("ETag"); e == "" || e == etag {
			t.Errorf("?format=%s ETag %q must differ from the page's %q", f.query, e, etag)
		}
	}
	var back thread.Thread
	if err := json.Unmarshal(getPage(t, sr.URL+"?format=json", nil).Body, &back); err != nil ||
		back.ID != th.ID || len(back.Posts) != len(th.Posts) || back.Posts[3].Text != th.Posts[3].Text {
		t.Errorf("?format=json does not give the thread back: %v", err)
	}
	if r := getPage(t, sr.URL+"?format=pdf", nil); r.Status != 400 {
		t.Errorf("?format=pdf: status %d, want 400", r.Status)
	}

	// Listed, with the thread it came from.
	list := listShares(t, a)
	if len(list) != 1 || list[0].Slug != sr.Slug || list[0].ThreadURL != th.URL || list[0].Title == "" {
		t.Fatalf("list %+v", list)
	}

	// Publishing the same thread again updates the page in place.
	th.Posts[0].Text += " (edited)"
	th.Posts[0].Content = nil
	again := publish(t, a, th, true, 200)
	if again.Slug != sr.Slug || !again.Indexable {
		t.Fatalf("republish: %+v, want slug %s and indexable", again, sr.Slug)
	}
	page2 := getPage(t, sr.URL, nil)
	if page2.Header.Get("ETag") == etag || !strings.Contains(string(page2.Body), "(edited)") {
		t.Error("republished page did not change (content or ETag)")
	}
	if strings.Contains(string(page2.Body), "noindex") || page2.Header.Get("X-Robots-Tag") != "" {
		t.Error("an indexable page still says noindex")
	}
	if n := len(listShares(t, a)); n != 1 {
		t.Errorf("%d shares after republishing one thread", n)
	}
}

func TestShareETag(t *testing.T) {
	a := createLib(t)
	sr := publish(t, a, thread25(t), false, 201)
	for _, q := range []string{"", "?format=md", "?format=json"} {
		first := getPage(t, sr.URL+q, nil)
		etag := first.Header.Get("ETag")
		for _, inm := range []string{etag, "W/" + etag, `"other", ` + etag, "*"} {
			r := getPage(t, sr.URL+q, map[string]string{"If-None-Match": inm})
			if r.Status != 304 || len(r.Body) != 0 || r.Header.Get("ETag") != etag {
				t.Errorf("%s If-None-Match %s: status %d, %d bytes, ETag %q; want 304, empty, %q",
					q, inm, r.Status, len(r.Body), r.Header.Get("ETag"), etag)
			}
		}
		r := getPage(t, sr.URL+q, map[string]string{"If-None-Match": `"stale"`})
		if r.Status != 200 || !bytes.Equal(r.Body, first.Body) {
			t.Errorf("%s with a stale tag: status %d, want 200 and the same body", q, r.Status)
		}
	}
}

func TestShareUnpublish(t *testing.T) {
	a, b := createLib(t), createLib(t)
	sr := publish(t, a, thread25(t), false, 201)
	del := sharesPath(a) + "/" + sr.Slug

	// Another library cannot delete it: its own key on its own path does not
	// find the slug (404, as for any unknown slug), its key on a's path is
	// not a's key (401), and no key is 401.
	expect(t, send(t, request{Method: "DELETE", Path: sharesPath(b) + "/" + sr.Slug, Key: b.Key}), 404, nil)
	expect(t, send(t, request{Method: "DELETE", Path: del, Key: b.Key}), 401, nil)
	expect(t, send(t, request{Method: "DELETE", Path: del}), 401, nil)
	expect(t, send(t, request{Method: "GET", Path: sharesPath(a), Key: b.Key}), 401, nil)
	if l := listShares(t, b); len(l) != 0 {
		t.Fatalf("b lists a's shares: %+v", l)
	}
	if r := getPage(t, sr.URL, nil); r.Status != 200 {
		t.Fatalf("after refused deletes the page answers %d", r.Status)
	}
	// The 404 for a foreign slug is the same as for one that never existed.
	expect(t, send(t, request{Method: "DELETE", Path: sharesPath(b) + "/" + newSlugForTest(), Key: b.Key}), 404, nil)

	expect(t, send(t, request{Method: "DELETE", Path: del, Key: a.Key}), 204, nil)
	for _, q := range []string{"", "?format=md", "?format=txt", "?format=json"} {
		r := getPage(t, sr.URL+q, nil)
		if r.Status != 410 || !strings.Contains(r.Header.Get("Content-Type"), "text/html") ||
			!strings.Contains(string(r.Body), "unpublished") {
			t.Errorf("unpublished %s: %d %q %.200s", q, r.Status, r.Header.Get("Content-Type"), r.Body)
		}
		if strings.Contains(string(r.Body), "loom_weaver") {
			t.Errorf("unpublished %s still shows the thread", q)
		}
	}
	if l := listShares(t, a); len(l) != 0 {
		t.Errorf("an unpublished share is still listed: %+v", l)
	}
	expect(t, send(t, request{Method: "DELETE", Path: del, Key: a.Key}), 404, nil)

	// Publishing the thread again makes a new page; the old link stays gone.
	sr2 := publish(t, a, thread25(t), false, 201)
	if sr2.Slug == sr.Slug {
		t.Fatal("republishing after unpublish reused the old slug")
	}
	if r := getPage(t, sr.URL, nil); r.Status != 410 {
		t.Errorf("old slug after republish: %d", r.Status)
	}

	// Deleting the library unpublishes its pages.
	expect(t, send(t, request{Method: "DELETE", Path: "/v1/libraries/" + a.ID, Key: a.Key}), 204, nil)
	if r := getPage(t, sr2.URL, nil); r.Status != 410 {
		t.Errorf("page of a deleted library: %d, want 410", r.Status)
	}
}

func TestSharePageNotFound(t *testing.T) {
	for _, p := range []string{"/t/" + newSlugForTest(), "/t/short", "/t/" + strings.Repeat("!", 22)} {
		r := getPage(t, p, nil)
		if r.Status != 404 || !strings.Contains(r.Header.Get("Content-Type"), "text/html") ||
			r.Header.Get("X-Content-Type-Options") != "nosniff" || r.Header.Get("Content-Security-Policy") == "" {
			t.Errorf("%s: %d %v", p, r.Status, r.Header)
		}
	}
	r := send(t, request{Method: "POST", Path: "/t/" + newSlugForTest(), Body: []byte(`{}`)})
	if r.Status != 405 {
		t.Errorf("POST to a page: %d, want 405", r.Status)
	}
}

func newSlugForTest() string { return newID()[:22] }

func TestShareRefused(t *testing.T) {
	a := createLib(t)
	p := sharesPath(a)
	good := thread25(t)
	mutate := func(f func(*thread.Thread)) map[string]any {
		th := thread25(t)
		f(&th)
		return map[string]any{"thread": th}
	}
	// A thread over the request limit: one post's text padded past it.
	huge := mutate(func(th *thread.Thread) {
		th.Posts[0].Text = strings.Repeat("x", protocol.MaxShareRequestBytes)
	})
	// Over thread.MaxPosts while well under the byte limit.
	var many []thread.Post
	for i := range thread.MaxPosts + 1 {
		many = append(many, thread.Post{ID: fmt.Sprint(i), CreatedAt: time.Unix(0, 0).UTC()})
	}
	tooMany := mutate(func(th *thread.Thread) { th.Posts = many })

	cases := []struct {
		name   string
		req    request
		status int
	}{
		{"malformed JSON", request{Method: "POST", Path: p, Key: a.Key, Body: []byte(`{"thread":{`)}, 400},
		{"no thread", request{Method: "POST", Path: p, Key: a.Key, Body: []byte(`{}`)}, 400},
		{"thread as string", request{Method: "POST", Path: p, Key: a.Key, Body: map[string]any{"thread": "x"}}, 400},
		{"unknown field", request{Method: "POST", Path: p, Key: a.Key, Body: map[string]any{"thread": good, "public": true}}, 400},
		{"bad date", request{Method: "POST", Path: p, Key: a.Key,
			Body: []byte(`{"thread":{"platform":"x","id":"1","url":"https://x.com/a/status/1","author":{"handle":"a"},"posts":[{"id":"1","createdAt":"yesterday"}]}}`)}, 400},
		{"javascript: url", request{Method: "POST", Path: p, Key: a.Key,
			Body: mutate(func(th *thread.Thread) { th.URL = "javascript:alert(1)" })}, 400},
		{"no posts", request{Method: "POST", Path: p, Key: a.Key, Body: mutate(func(th *thread.Thread) { th.Posts = nil })}, 400},
		{"no author", request{Method: "POST", Path: p, Key: a.Key, Body: mutate(func(th *thread.Thread) { th.Author.Handle = "" })}, 400},
		{"indexable as string", request{Method: "POST", Path: p, Key: a.Key, Body: map[string]any{"thread": good, "indexable": "yes"}}, 400},
		{"over the byte limit", request{Method: "POST", Path: p, Key: a.Key, Body: huge}, 413},
		{"over the post limit", request{Method: "POST", Path: p, Key: a.Key, Body: tooMany}, 413},
		{"no key", request{Method: "POST", Path: p, Body: map[string]any{"thread": good}}, 401},
		{"unknown library", request{Method: "POST", Path: "/v1/libraries/" + newID() + "/shares", Key: a.Key, Body: map[string]any{"thread": good}}, 404},
		{"PUT shares", request{Method: "PUT", Path: p, Key: a.Key, Body: map[string]any{"thread": good}}, 405},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			expect(t, send(t, c.req), c.status, nil)
		})
	}
	if l := listShares(t, a); len(l) != 0 {
		t.Errorf("refused publishes left shares: %+v", l)
	}
}

// The hostile fixture publishes (it is a valid thread) and its page holds
// no executable markup; the browser test (extension/test/share.test.mjs)
// loads it for real.
func TestShareHostileThread(t *testing.T) {
	a := createLib(t)
	sr := publish(t, a, hostileThread(t), false, 201)
	r := getPage(t, sr.URL, nil)
	if r.Status != 200 {
		t.Fatalf("status %d", r.Status)
	}
	// Tokenized, not searched: the hostile text itself holds "onerror=" and
	// "<script>", escaped into text, which is fine; elements and attributes
	// are what would run.
	z := html.NewTokenizer(bytes.NewReader(r.Body))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		tok := z.Token()
		switch tok.Data {
		case "script", "iframe", "object", "embed", "base", "form", "frame":
			t.Errorf("hostile page holds a <%s> element", tok.Data)
		}
		for _, at := range tok.Attr {
			v := strings.ToLower(strings.TrimSpace(at.Val))
			if strings.HasPrefix(at.Key, "on") {
				t.Errorf("<%s %s=%q>: event handler attribute", tok.Data, at.Key, at.Val)
			}
			if (at.Key == "href" || at.Key == "src" || at.Key == "poster") && !strings.HasPrefix(v, "https:") &&
				!strings.HasPrefix(v, "http:") && !strings.HasPrefix(v, "?format=") && !strings.HasPrefix(v, "#") {
				t.Errorf("<%s %s=%q>: not an http(s) or local link", tok.Data, at.Key, at.Val)
			}
		}
	}
	if !strings.Contains(string(r.Body), "&lt;script") {
		t.Error("the hostile text is not shown escaped (was it dropped?)")
	}
}

// A thread near the size a share may have stores and serves whole in both
// runtimes (D1 refuses rows over 2 MB: the page, its exports and the JSON
// share one row).
func TestShareLargeThread(t *testing.T) {
	a := createLib(t)
	th := thread25(t)
	var posts []thread.Post
	for i := range 300 {
		posts = append(posts, thread.Post{ID: fmt.Sprint(i + 1), URL: fmt.Sprintf("https://x.com/loom_weaver/status/%d", i+1),
			CreatedAt: time.Unix(1_700_000_000+int64(i)*60, 0).UTC(),
			Text:      fmt.Sprintf("%d/300 ", i+1) + strings.Repeat("a long post about threads and reading ", 24)})
	}
	th.Posts = posts
	body, _ := json.Marshal(protocol.ShareRequest{Thread: th})
	if len(body) < 250_000 || len(body) > protocol.MaxShareRequestBytes {
		t.Fatalf("test thread is %d bytes of JSON, want 250 KB..%d", len(body), protocol.MaxShareRequestBytes)
	}
	sr := publish(t, a, th, false, 201)
	for _, f := range []string{"", "?format=md", "?format=txt", "?format=json"} {
		r := getPage(t, sr.URL+f, nil)
		if r.Status != 200 || !strings.Contains(string(r.Body), "300/300 a long post") {
			t.Errorf("%s: %d, %d bytes, last post missing", f, r.Status, len(r.Body))
		}
	}
}
