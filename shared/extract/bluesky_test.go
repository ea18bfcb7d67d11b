package extract

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"unspool/shared/thread"
)

func TestBlueskySelfThread(t *testing.T) {
	for _, c := range []struct {
		dir      string
		want     []string
		complete bool
	}{
		// Focal mid-thread: two own parents above, the own earliest reply
		// below (not the later own branch, not replies by others).
		{"made-selfthread-6-midthread", []string{"3madeaaaa0001", "3madeaaaa0002", "3madeaaaa0003", "3madeaaaa0004", "3madeaaaa0005", "3madeaaaa0006"}, true},
		// The author answers someone else: their chain starts at the focal
		// post; the parents by @ovna.dev and others are not part of it.
		{"morpho-deep-conversation-two-authors", []string{"3kosdondcpl2i", "3kosdty4sbj2q"}, true},
		// Replies by others only, one of them answering himself: no foreign post.
		{"morpho-midthread-external-embed", []string{"3k7rmyigapw2y"}, true},
		// The own parent is deleted, the last post's replies were not loaded.
		{"made-gaps-deleted-parent-unloaded-replies", []string{"3madeaaaa0005", "3madeaaaa0006"}, false},
	} {
		t.Run(c.dir, func(t *testing.T) {
			gc, _ := loadCase(t, filepath.Join("testdata", "bluesky", c.dir))
			th := mustExtract(t, gc.URL, gc.Content)
			wantChain(t, th, c.want, c.complete)
			if th.Platform != thread.Bluesky || th.Source != "bluesky-json" {
				t.Errorf("platform %q source %q", th.Platform, th.Source)
			}
		})
	}
}

func TestBlueskyFacetsAreByteOffsets(t *testing.T) {
	// "é" and "📈" are 2 and 4 bytes: a facet counted in characters would
	// start 4 bytes early and cut "@rstatsai".
	text := "é 📈 @rstatsai #go"
	facets := []bskyFacet{{}, {}}
	facets[0].Index.ByteStart, facets[0].Index.ByteEnd = strings.Index(text, "@"), strings.Index(text, "@")+len("@rstatsai")
	facets[0].Features = append(facets[0].Features, bskyFeature{Type: bskyFacetMention, DID: "did:plc:x"})
	facets[1].Index.ByteStart, facets[1].Index.ByteEnd = strings.Index(text, "#"), len(text)
	facets[1].Features = append(facets[1].Features, bskyFeature{Type: bskyFacetTag, Tag: "go"})
	runs := thread.NormalizeRuns(bskyRuns(text, facets))
	if len(runs) != 4 || runs[1].Text != "@rstatsai" || runs[1].Type != thread.MentionRun || runs[3].Text != "#go" {
		t.Errorf("runs = %+v", runs)
	}
	// Overlapping, reversed, out-of-range and mid-character facets are ignored.
	bad := []bskyFacet{facets[0], facets[0], {}, {}}
	bad[2].Index.ByteStart, bad[2].Index.ByteEnd = 1, 3 // inside "é"…
	bad[2].Features = facets[0].Features
	bad[3].Index.ByteStart, bad[3].Index.ByteEnd = 5, 500
	bad[3].Features = facets[0].Features
	if got := thread.PlainText(bskyRuns(text, bad)); got != text {
		t.Errorf("bad facets changed the text: %q", got)
	}
}

// Before facets a record's "entities" held links and mentions over UTF-16
// indexes; only those whose range holds what they claim are read.
func TestBlueskyEntitiesBeforeFacets(t *testing.T) {
	// "📈" is 2 UTF-16 units (4 bytes), "é" 1 (2 bytes): the link starts at
	// unit 7, byte 10.
	r := bskyRecord{Text: "📈 é: https://a.example @bob.test", Entities: make([]bskyEntity, 4)}
	set := func(i int, typ, value string, start, end int) {
		r.Entities[i].Type, r.Entities[i].Value = typ, value
		r.Entities[i].Index.Start, r.Entities[i].Index.End = start, end
	}
	set(0, "link", "https://a.example", 6, 23)
	set(1, "mention", "did:plc:bob", 24, 33)
	set(2, "link", "https://a.example", 5, 22)   // miscounted: the text stays plain
	set(3, "link", "https://b.example", 6, 1000) // out of the text
	runs := thread.NormalizeRuns(bskyRuns(r.Text, r.annotations()))
	if len(runs) != 4 || runs[1].Type != thread.LinkRun || runs[1].URL != "https://a.example" ||
		runs[3].Type != thread.MentionRun || runs[3].Text != "@bob.test" || runs[3].URL != "https://bsky.app/profile/did:plc:bob" {
		t.Errorf("runs = %+v", runs)
	}
	if thread.PlainText(runs) != r.Text {
		t.Errorf("text changed: %q", thread.PlainText(runs))
	}
	// Facets, where a record has them, are the only annotations read.
	r.Facets = []bskyFacet{{}}
	if got := r.annotations(); len(got) != 1 || len(got[0].Features) != 0 {
		t.Errorf("facets and entities mixed: %+v", got)
	}
}

func TestBlueskyBadInput(t *testing.T) {
	u := "https://bsky.app/profile/a.example/post/3kabc"
	wantError(t, "invalid JSON", u, []byte(`{"thread": {"$type": "app.bsky.feed.defs#threadViewPost", `), thread.EINVALID)
	wantError(t, "not found", u, []byte(`{"thread":{"$type":"app.bsky.feed.defs#notFoundPost","uri":"at://did:plc:a/app.bsky.feed.post/3kabc","notFound":true},"x":"app.bsky.feed.defs#threadViewPost"}`), thread.ENOTFOUND)
	wantError(t, "blocked", u, []byte(`{"thread":{"$type":"app.bsky.feed.defs#blockedPost","uri":"at://did:plc:a/app.bsky.feed.post/3kabc","blocked":true},"x":"app.bsky.feed.defs#threadViewPost"}`), thread.ENOTFOUND)
	wantError(t, "no post", u, []byte(`{"thread":{"$type":"app.bsky.feed.defs#threadViewPost"}}`), thread.ENOTFOUND)
	wantError(t, "wrong types", u, []byte(`{"thread":{"$type":"app.bsky.feed.defs#threadViewPost","post":{"uri":5}}}`), thread.EINVALID)
	gc, _ := loadCase(t, filepath.Join("testdata", "bluesky", "bskyr-single-images-facets"))
	wantError(t, "other post's response", u, gc.Content, thread.EINVALID)
}

func TestBlueskyHostileFields(t *testing.T) {
	src := `{"thread":{"$type":"app.bsky.feed.defs#threadViewPost","post":{"uri":"at://did:plc:a/app.bsky.feed.post/3kabc",
	"author":{"did":"did:plc:a","handle":"a.example","avatar":"javascript:alert(1)"},
	"record":{"text":"<script>alert(1)</script> click","createdAt":"2024-01-01T00:00:00Z",
	  "facets":[{"index":{"byteStart":27,"byteEnd":32},"features":[{"$type":"app.bsky.richtext.facet#link","uri":"javascript:alert(1)"}]}]},
	"embed":{"$type":"app.bsky.embed.images#view","images":[{"fullsize":"javascript:alert(1)","thumb":"data:text/html,x"}]}}}}`
	th := mustExtract(t, "https://bsky.app/profile/a.example/post/3kabc", []byte(src))
	scriptFree(t, th)
	if len(th.Posts[0].Media) != 0 || th.Author.Avatar != "" {
		t.Errorf("unsafe media or avatar kept: %+v", th.Posts[0])
	}
	for _, r := range th.Posts[0].Content {
		if r.Type == thread.LinkRun {
			t.Errorf("javascript: facet became a link: %+v", r)
		}
	}
}

func FuzzExtractBluesky(f *testing.F) {
	dirs, _ := filepath.Glob(filepath.Join("testdata", "bluesky", "*", "source.*"))
	for _, d := range dirs {
		if b, err := os.ReadFile(d); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"thread":{"$type":"app.bsky.feed.defs#threadViewPost","post":null}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		th, err := Extract("https://bsky.app/search", b) // no post in the URL: any focal post is accepted
		if err == nil {
			scriptFree(t, th)
		}
		// The rendered page needs the post's own address.
		th, err = Extract("https://bsky.app/profile/soubhikbarari.bsky.social/post/3madeaaaa0003", b)
		if err == nil {
			scriptFree(t, th)
		}
	})
}

// The rendered page and the API response of the same thread give the same
// chain and the same words, links and photos.
func TestBlueskyDOMMatchesJSON(t *testing.T) {
	a, _ := loadCase(t, filepath.Join("testdata", "bluesky", "made-selfthread-6-midthread"))
	b, _ := loadCase(t, filepath.Join("testdata", "bluesky", "made-page-dom-selfthread-6"))
	api, dom := mustExtract(t, a.URL, a.Content), mustExtract(t, b.URL, b.Content)
	if dom.Source != "bluesky-dom" {
		t.Fatalf("source %q", dom.Source)
	}
	var want []string
	for _, p := range api.Posts {
		want = append(want, p.ID)
	}
	wantChain(t, dom, want, true)
	for i := range api.Posts {
		if api.Posts[i].Text != dom.Posts[i].Text {
			t.Errorf("post %d: api %q, dom %q", i+1, api.Posts[i].Text, dom.Posts[i].Text)
		}
		if len(api.Posts[i].Media) != len(dom.Posts[i].Media) || (len(api.Posts[i].Media) > 0 && api.Posts[i].Media[0].URL != dom.Posts[i].Media[0].URL) {
			t.Errorf("post %d: api media %v, dom media %v", i+1, api.Posts[i].Media, dom.Posts[i].Media)
		}
	}
	wantError(t, "not a post page", "https://bsky.app/profile/a.example", b.Content, thread.EINVALID)
	wantError(t, "another post", "https://bsky.app/profile/a.example/post/3kother", b.Content, thread.ENOTFOUND)
}
