package extract

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"unspool/shared/thread"
)

func TestMastodonSelfThread(t *testing.T) {
	for _, c := range []struct {
		dir      string
		want     []string
		complete bool
		source   string
	}{
		// Ancestors by the same account above, the account's earliest own
		// reply below at each step; a reply by another account with the same
		// display name, the author's answer to it and a later own branch are out.
		{"made-selfthread-5-midthread", []string{"110447001287656894", "110447003454258227", "110447010000000001", "110447012000000003", "110447014000000005"}, true, "mastodon-api"},
		// The real /context of a 3-post self-thread with its status.
		{"made-status-context-selfthread-3", []string{"110446983178245440", "110446983926957470", "110446984249325790"}, true, "mastodon-api"},
		// A status alone replying to its own account: the start is not known.
		{"mastodonpy-status-image-reply", []string{"110447003454258227"}, false, "mastodon-api"},
		{"mastodonpy-status-video-root", []string{"110447001287656894"}, true, "mastodon-api"},
		// Web UI DOM: Alice's own reply follows; Bob's and Carol's replies and
		// Alice's answer to Carol are not the thread.
		{"defuddle-mastodon-alice-thread", []string{"12345678", "12345679"}, true, "mastodon-dom"},
		// Web UI DOM opened mid-thread: Alice's two posts above (not Bob's
		// root), her own reply below; Carol (shown as "Alice") and Alice's
		// answer to her are out.
		{"made-dom-ancestors-cw-media", []string{"101", "102", "103", "104"}, true, "mastodon-dom"},
	} {
		t.Run(c.dir, func(t *testing.T) { wantFediChain(t, "mastodon", c.dir, c.want, c.complete, c.source) })
	}
}

func TestMastodonContentRuns(t *testing.T) {
	gc, _ := loadCase(t, filepath.Join("testdata", "mastodon", "made-selfthread-5-midthread"))
	th := mustExtract(t, gc.URL, gc.Content)
	p := th.Posts[2]
	types := map[thread.RunType]string{}
	for _, r := range p.Content {
		types[r.Type] += r.Text
		if r.Type == thread.LinkRun && r.URL != "https://mastodonpy.readthedocs.io/en/stable/index.html#a-very-long-anchor" {
			t.Errorf("link URL %q is not the full href", r.URL)
		}
	}
	want := map[thread.RunType]string{thread.MentionRun: "@halcy", thread.HashtagRun: "#MastodonPy", thread.EmojiRun: ":sidekiq:", thread.LinkRun: "mastodonpy.readthedocs.io/en/st…"}
	for typ, text := range want {
		if types[typ] != text {
			t.Errorf("%s runs = %q, want %q (invisible spans hidden, ellipsis shown)", typ, types[typ], text)
		}
	}
	if p.ContentWarning != "polls ahead" || p.Poll == nil || len(p.Poll.Options) != 2 || p.Poll.Options[0].Votes != 5 {
		t.Errorf("cw %q poll %+v", p.ContentWarning, p.Poll)
	}
	if !strings.Contains(p.Text, "Line one\nline two") {
		t.Errorf("<br> did not become a line break: %q", p.Text)
	}
	last := th.Posts[4]
	if last.Quote == nil || strings.Contains(last.Text, "RE:") {
		t.Errorf("quote %+v, text %q (the RE: fallback line should go when the quote is shown)", last.Quote, last.Text)
	}
}

func TestMastodonHostileContent(t *testing.T) {
	gc, _ := loadCase(t, filepath.Join("testdata", "mastodon", "made-hostile-content"))
	th := mustExtract(t, gc.URL, gc.Content)
	scriptFree(t, th)
	p := th.Posts[0]
	for _, bad := range []string{"alert", "display:none", "svg"} {
		if strings.Contains(p.Text, bad) {
			t.Errorf("text keeps %q from script, style or svg: %q", bad, p.Text)
		}
	}
	if len(p.Media) != 0 || p.Card != nil {
		t.Errorf("javascript:/data: media or card kept: %+v %+v", p.Media, p.Card)
	}
	b, _ := json.Marshal(th)
	if strings.Contains(string(b), "<script") || strings.Contains(string(b), "javascript:") {
		t.Errorf("output carries script: %s", b)
	}
}

func TestMastodonBadInput(t *testing.T) {
	u := "https://mastodon.social/@halcy/110447001287656894"
	video, err := os.ReadFile(filepath.Join("testdata", "mastodon", "mastodonpy-status-video-root", "source.json"))
	if err != nil {
		t.Fatal(err)
	}
	wantError(t, "context only", u, []byte(`{"ancestors":[],"descendants":[],"x":{"account":1,"content":1,"in_reply_to_id":1,"media_attachments":1}}`), thread.EINVALID)
	wantError(t, "no account", u, []byte(`{"id":"1","content":"","in_reply_to_id":null,"media_attachments":[],"account":null}`), thread.ENOTFOUND)
	// A number is an id (Mastodon 1.x sent them so); a boolean is not.
	wantError(t, "wrong types", u, []byte(`{"id":true,"content":"","in_reply_to_id":null,"media_attachments":[],"account":{}}`), thread.EINVALID)
	wantError(t, "another status", "https://mastodon.social/@halcy/1", video, thread.EINVALID)
	wantError(t, "web UI shell without statuses", u, []byte(`<html><body><div id="mastodon" class="app-holder"></div><div class="status__content"></div></body></html>`), thread.ENOTFOUND)
}

func FuzzExtractMastodon(f *testing.F) {
	for _, pat := range []string{"source.json", "source.html"} {
		files, _ := filepath.Glob(filepath.Join("testdata", "mastodon", "*", pat))
		for _, name := range files {
			if b, err := os.ReadFile(name); err == nil {
				f.Add(b)
			}
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		th, err := Extract("https://mastodon.example/@alice/12345678", b)
		if err == nil {
			scriptFree(t, th)
		}
		// Any status id is accepted on a non-status page URL.
		th, err = Extract("https://mastodon.example/explore", b)
		if err == nil {
			scriptFree(t, th)
		}
	})
}

// Instances cut long contexts: when the last post counts replies the
// context does not hold, the thread may go on and says so.
func TestMastodonCutContextIsAGap(t *testing.T) {
	gc, _ := loadCase(t, filepath.Join("testdata", "mastodon", "made-status-context-selfthread-3"))
	var doc map[string]any
	if err := json.Unmarshal(gc.Content, &doc); err != nil {
		t.Fatal(err)
	}
	desc := doc["context"].(map[string]any)["descendants"].([]any)
	desc[len(desc)-1].(map[string]any)["replies_count"] = 2
	b, _ := json.Marshal(doc)
	th := mustExtract(t, gc.URL, b)
	wantChain(t, th, []string{"110446983178245440", "110446983926957470", "110446984249325790"}, false)
	if len(th.Gaps) != 1 || !strings.Contains(th.Gaps[0], "cut short") {
		t.Errorf("gaps = %q", th.Gaps)
	}
}
