package extract

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"unspool/shared/thread"
)

func TestMisskeySelfThread(t *testing.T) {
	for _, c := range []struct {
		dir      string
		want     []string
		complete bool
	}{
		// notes/show alone: its embedded reply is the author's own root; the
		// note counts a reply nobody fetched.
		{"gomisskey-notes-show", []string{"8dpz71s548", "8dsk7x47y3"}, false},
		// With the conversation and the children: the one reply is another
		// user's, so the thread is whole.
		{"gomisskey-show-conversation-replies", []string{"8dpz71s548", "8dsk7x47y3"}, true},
		// A remote Mastodon user's self-reply, as the Misskey server shows it.
		{"gomisskey-children-remote-cw", []string{"8e907l3sy0", "8e90eyjcy1"}, true},
		// A root whose only reply is another user's.
		{"gomisskey-conversation-poll", []string{"8ebr49xcpj"}, true},
		// Opened mid-thread: the root above, the earliest own reply below; a
		// same-display-name account and a later own branch are out.
		{"made-v13-selfthread-3-quote-video-mfm", []string{"9r00000001", "9r00000002", "9r00000003"}, true},
	} {
		t.Run(c.dir, func(t *testing.T) {
			wantFediChain(t, "misskey", c.dir, c.want, c.complete, thread.Misskey, "misskey-api")
		})
	}
}

// The details the recorded notes hold, read from their named fields.
func TestMisskeyRecordedDetails(t *testing.T) {
	gc, _ := loadCase(t, filepath.Join("testdata", "misskey", "gomisskey-show-conversation-replies"))
	th := mustExtract(t, gc.URL, gc.Content)
	if th.Author.Handle != "efertone@slippy.xyz" || th.Author.URL != "https://slippy.xyz/@efertone" || th.Author.ID != "83sv4lyx22" {
		t.Errorf("author %+v (a local user: the page's server)", th.Author)
	}
	p := th.Posts[1]
	if len(p.Media) != 2 || p.Media[0].Type != thread.Photo || p.Media[0].Width != 1861 || !strings.Contains(p.Media[0].URL, "webpublic-") {
		t.Errorf("files → media %+v", p.Media)
	}
	if p.URL != "https://slippy.xyz/notes/8dsk7x47y3" || p.ReplyTo != "8dpz71s548" {
		t.Errorf("url %q replyTo %q", p.URL, p.ReplyTo)
	}
	first := th.Posts[0].Content
	if !hasRun(first, thread.MentionRun, "@syuilo@misskey.io", "https://slippy.xyz/@syuilo@misskey.io") || !hasRun(first, thread.HashtagRun, "#Misskey", "https://slippy.xyz/tags/Misskey") {
		t.Errorf("mention and hashtag runs missing: %+v", first)
	}

	gc, _ = loadCase(t, filepath.Join("testdata", "misskey", "gomisskey-children-remote-cw"))
	th = mustExtract(t, gc.URL, gc.Content)
	if th.Author.Handle != "maxine@social.mootech.eu" || th.Posts[1].ContentWarning != "general pol, fascist tactics" {
		t.Errorf("remote author %q, cw %q", th.Author.Handle, th.Posts[1].ContentWarning)
	}
	if th.Posts[1].URL != "https://social.mootech.eu/@maxine/105160242556438262" {
		t.Errorf("a remote note links to its origin: %q", th.Posts[1].URL)
	}

	gc, _ = loadCase(t, filepath.Join("testdata", "misskey", "gomisskey-conversation-poll"))
	th = mustExtract(t, gc.URL, gc.Content)
	poll := th.Posts[0].Poll
	if poll == nil || len(poll.Options) != 10 || poll.Options[4].Label != "Firefox" || poll.Options[4].Votes != 8 {
		t.Errorf("poll %+v", poll)
	}
}

func hasRun(runs []thread.Run, typ thread.RunType, text, url string) bool {
	for _, r := range runs {
		if r.Type == typ && r.Text == text && r.URL == url {
			return true
		}
	}
	return false
}

func TestMFMRuns(t *testing.T) {
	emojis := missEmojis{"blobcat": "https://m.example/e/blobcat.png"}
	for _, c := range []struct {
		in   string
		want []thread.Run
	}{
		{"plain\ntext", []thread.Run{{Type: thread.TextRun, Text: "plain\ntext"}}},
		{"**bold** and ~~gone~~", []thread.Run{{Type: thread.TextRun, Text: "bold and gone"}}},
		// An unpaired marker is text.
		{"2 ** 3", []thread.Run{{Type: thread.TextRun, Text: "2 ** 3"}}},
		{"$[spin.speed=2s $[x2 hi]] there", []thread.Run{{Type: thread.TextRun, Text: "hi there"}}},
		{"<small>a</small><center>b</center>", []thread.Run{{Type: thread.TextRun, Text: "ab"}}},
		{"`@x #y`", []thread.Run{{Type: thread.TextRun, Text: "@x #y"}}},
		{"```js\nlet a = 1\n```", []thread.Run{{Type: thread.TextRun, Text: "let a = 1"}}},
		{"see https://a.example/x_(y). ok", []thread.Run{
			{Type: thread.TextRun, Text: "see "},
			{Type: thread.LinkRun, Text: "https://a.example/x_(y)", URL: "https://a.example/x_(y)"},
			{Type: thread.TextRun, Text: ". ok"},
		}},
		{"?[label](https://a.example/)", []thread.Run{{Type: thread.LinkRun, Text: "label", URL: "https://a.example/"}}},
		{"<https://a.example/é>", []thread.Run{{Type: thread.LinkRun, Text: "https://a.example/é", URL: "https://a.example/é"}}},
		{"[bad](javascript:alert(1))", []thread.Run{{Type: thread.TextRun, Text: "[bad](javascript:alert(1))"}}},
		{"hi @ana and @bo@x.example.", []thread.Run{
			{Type: thread.TextRun, Text: "hi "},
			{Type: thread.MentionRun, Text: "@ana", URL: "https://m.example/@ana"},
			{Type: thread.TextRun, Text: " and "},
			{Type: thread.MentionRun, Text: "@bo@x.example", URL: "https://m.example/@bo@x.example"},
			{Type: thread.TextRun, Text: "."},
		}},
		// After a letter: an address, not a mention; #1 is a number.
		{"mail a@b.example #1", []thread.Run{{Type: thread.TextRun, Text: "mail a@b.example #1"}}},
		{"#タグ, :blobcat: :unknown:", []thread.Run{
			{Type: thread.HashtagRun, Text: "#タグ", URL: "https://m.example/tags/%E3%82%BF%E3%82%B0"},
			{Type: thread.TextRun, Text: ", "},
			{Type: thread.EmojiRun, Text: ":blobcat:", URL: "https://m.example/e/blobcat.png"},
			{Type: thread.TextRun, Text: " :unknown:"},
		}},
	} {
		got := tidyRuns(mfmRuns(c.in, emojis, "m.example"))
		if g, w := mustJSON(t, got), mustJSON(t, thread.NormalizeRuns(c.want)); g != w {
			t.Errorf("mfmRuns(%q)\n got %s\nwant %s", c.in, g, w)
		}
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// Emoji lists (v12) and maps (v13+) read alike; anything else is none.
func TestMisskeyEmojiGenerations(t *testing.T) {
	for in, want := range map[string]int{
		`[{"name":"a","url":"https://x/a"},{"name":"b","url":"https://x/b"}]`: 2,
		`{"a":"https://x/a"}`: 1,
		`null`:                0,
		`"odd"`:               0,
	} {
		var e missEmojis
		if err := json.Unmarshal([]byte(in), &e); err != nil || len(e) != want {
			t.Errorf("%s → %v (%v), want %d", in, e, err, want)
		}
	}
}

// A renote without text of its own is read as the renoted note; the
// Mastodon extractor never takes a note, nor this one a Status.
func TestMisskeyRenoteAndSources(t *testing.T) {
	show, err := os.ReadFile(filepath.Join("testdata", "misskey", "gomisskey-notes-show", "source.json"))
	if err != nil {
		t.Fatal(err)
	}
	var inner map[string]any
	if err := json.Unmarshal(show, &inner); err != nil {
		t.Fatal(err)
	}
	renote := map[string]any{"id": "9zzzzzzzzz", "createdAt": "2020-10-26T00:00:00.000Z", "userId": "someone",
		"user": map[string]any{"id": "someone", "username": "someone", "host": nil}, "text": nil, "visibility": "public",
		"files": []any{}, "renoteId": inner["id"], "renote": inner}
	b, _ := json.Marshal(renote)
	th := mustExtract(t, "https://slippy.xyz/notes/9zzzzzzzzz", b)
	if th.FocalID != "8dsk7x47y3" || th.Author.Handle != "efertone@slippy.xyz" {
		t.Errorf("a pure renote read as %s by %s", th.FocalID, th.Author.Handle)
	}
	p := &Page{JSON: true, Content: show}
	if (mastodonJSON{}).Accepts(p) {
		t.Error("the Mastodon extractor accepts a Misskey note")
	}
	status, err := os.ReadFile(filepath.Join("testdata", "mastodon", "mastodonpy-status-video-root", "source.json"))
	if err != nil {
		t.Fatal(err)
	}
	if (misskeyJSON{}).Accepts(&Page{JSON: true, Content: status}) {
		t.Error("the Misskey extractor accepts a Mastodon status")
	}
}

func TestMisskeyBadInput(t *testing.T) {
	u := "https://slippy.xyz/notes/8dsk7x47y3"
	show, err := os.ReadFile(filepath.Join("testdata", "misskey", "gomisskey-notes-show", "source.json"))
	if err != nil {
		t.Fatal(err)
	}
	wantError(t, "no user", u, []byte(`{"id":"1","userId":"u","createdAt":"2020-01-01T00:00:00Z","visibility":"public","user":null}`), thread.ENOTFOUND)
	wantError(t, "wrong types", u, []byte(`{"id":1,"userId":"u","createdAt":"x","visibility":"public","user":{}}`), thread.EINVALID)
	wantError(t, "bundle without a note", u, []byte(`{"note":null,"children":[{"userId":"u","createdAt":"x","visibility":"public"}]}`), thread.ENOTFOUND)
	wantError(t, "another note", "https://slippy.xyz/notes/8aaaaaaaaa", show, thread.EINVALID)
}

func FuzzExtractMisskey(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "misskey", "*", "source.json"))
	for _, name := range files {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, u := range []string{"https://misskey.example/notes/9r00000002", "https://misskey.example/explore"} {
			if th, err := Extract(u, b); err == nil {
				scriptFree(t, th)
			}
		}
	})
}
