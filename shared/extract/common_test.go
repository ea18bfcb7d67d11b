package extract

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/andybalholm/cascadia"

	"unspool/shared/thread"
)

// wantChain checks the self-thread properties every source must hold,
// independently of the goldens: the posts are exactly want, in that order,
// none by another account, and Complete is as expected.
func wantChain(t *testing.T, th *thread.Thread, want []string, complete bool) {
	t.Helper()
	var got []string
	for i := range th.Posts {
		p := &th.Posts[i]
		got = append(got, p.ID)
		if p.Author != nil && p.Author.Handle != th.Author.Handle {
			t.Errorf("post %s is by %s, not the thread's author %s", p.ID, p.Author.Handle, th.Author.Handle)
		}
		if i > 0 && p.CreatedAt.Before(th.Posts[i-1].CreatedAt) {
			t.Errorf("post %s (%s) is dated before the post above it (%s)", p.ID, p.CreatedAt, th.Posts[i-1].CreatedAt)
		}
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("posts = %v, want %v", got, want)
	}
	if th.Complete != complete {
		t.Errorf("complete = %v (gaps %q), want %v", th.Complete, th.Gaps, complete)
	}
	if th.ID != want[0] {
		t.Errorf("thread id = %s, want the first post %s", th.ID, want[0])
	}
}

// wantFediChain checks a fediverse golden (testdata/<folder>/<dir>): its
// chain (wantChain), platform, source, and a handle naming its server.
func wantFediChain(t *testing.T, folder, dir string, want []string, complete bool, platform thread.Platform, source string) {
	t.Helper()
	gc, _ := loadCase(t, filepath.Join("testdata", folder, dir))
	th := mustExtract(t, gc.URL, gc.Content)
	wantChain(t, th, want, complete)
	if th.Platform != platform || th.Source != source {
		t.Errorf("platform %q source %q", th.Platform, th.Source)
	}
	if !strings.Contains(th.Author.Handle, "@") {
		t.Errorf("handle %q lacks the server", th.Author.Handle)
	}
}

// mustExtract runs Extract with a pinned clock and fails on error.
func mustExtract(t *testing.T, pageURL string, content []byte) *thread.Thread {
	t.Helper()
	th, err := Options{Now: goldenNow}.Extract(pageURL, content)
	if err != nil {
		t.Fatalf("Extract(%s): %v", pageURL, err)
	}
	return th
}

// wantError checks that bad input gets a clear error with a code.
func wantError(t *testing.T, name, pageURL string, content []byte, code string) {
	t.Helper()
	th, err := Extract(pageURL, content)
	if err == nil {
		t.Errorf("%s: Extract accepted it: %+v", name, th)
		return
	}
	if got := thread.ErrorCode(err); got != code {
		t.Errorf("%s: error %q has code %q, want %q", name, err, got, code)
	}
	if len(err.Error()) < 10 {
		t.Errorf("%s: error message %q says too little", name, err)
	}
}

// scriptFree fails when the Thread's JSON could carry script: a
// non-http(s) URL anywhere or markup that survived as an attribute.
func scriptFree(t testing.TB, th *thread.Thread) {
	t.Helper()
	if th == nil {
		return
	}
	b, err := json.Marshal(th)
	if err != nil {
		t.Fatal(err)
	}
	var walk func(key string, v any)
	walk = func(key string, v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				walk(k, x)
			}
		case []any:
			for _, x := range v {
				walk(key, x)
			}
		case string:
			switch key {
			case "url", "avatar", "image", "poster":
				if v != "" && thread.SafeURL(v) == "" {
					t.Errorf("%s %q is not an http(s) URL", key, v)
				}
			}
		}
	}
	var m any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	walk("", m)
	for i := range th.Posts {
		p := &th.Posts[i]
		for _, r := range p.Content {
			if r.Type != thread.TextRun && r.Type != thread.LinkRun && r.Type != thread.MentionRun &&
				r.Type != thread.HashtagRun && r.Type != thread.CashtagRun && r.Type != thread.EmojiRun {
				t.Errorf("post %s has a run of unknown type %q", p.ID, r.Type)
			}
		}
	}
}

// Every selector the non-X extractors name compiles (a typo would match
// nothing, silently).
func TestPlatformSelectorsCompile(t *testing.T) {
	for _, sel := range []string{
		bskySelItem, bskySelText, bskySelEmbed, bskySelPostLink, bskySelAvatar, bskySelThumbnail,
		mastoSelFocal, mastoSelStatus, mastoSelItems, mastoSelText, mastoSelContent, mastoSelCW, mastoSelFocalName,
		mastoSelStatusName, mastoSelDisplayName, mastoSelAccount, mastoSelAvatar, mastoSelFocalTime, mastoSelStatusTime,
		mastoSelPhoto, mastoSelVideo, mastoSelCard, mastoSelPollOption, mastoSelPollLabel,
		nitterSelMain, nitterSelBefore, nitterSelAfter, nitterSelGroups, nitterSelItem, nitterSelMore, nitterSelDateLink,
		nitterSelFullname, nitterSelUsername, nitterSelAvatar, nitterSelText, nitterSelPhoto, nitterSelVideo, nitterSelQuote,
		nitterSelCard, nitterSelPollMeter, nitterUnavailable,
		legacySelTweet, legacySelFocal, legacySelAncestors, legacySelReplies, legacySelGroup, legacySelShowMore, legacySelText,
		legacySelTime, legacySelAvatar, legacySelPhoto, legacySelVideo, legacySelQuote, legacySelPromoted,
		traSelTweet, traSelCreator, traSelUser, traSelImage, traSelGIF, traSelCanon, traSelName, traSelAvatar,
		threadsSelData, threadsSelPost, threadsSelProfile, threadsSelPermLink, threadsSelCaption, threadsSelPhoto, threadsSelVideo,
	} {
		if _, err := cascadia.Compile(sel); err != nil {
			t.Errorf("selector %q: %v", sel, err)
		}
	}
}
