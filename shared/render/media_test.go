package render_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"unspool/shared/render"
	"unspool/shared/thread"
)

// mediaThread is one post with one attachment m.
func mediaThread(m thread.Media) *thread.Thread {
	return &thread.Thread{
		Platform: thread.Mastodon, URL: "https://m.test/@a/1", ID: "1", Author: thread.Author{Handle: "a"}, Complete: true,
		CapturedAt: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC),
		Posts:      []thread.Post{{ID: "1", URL: "https://m.test/@a/1", Text: "x", Media: []thread.Media{m}}},
	}
}

func renderTo(t *testing.T, th *thread.Thread, standalone bool) string {
	t.Helper()
	var b bytes.Buffer
	write := render.Reader // the fragment's markup, without its stylesheet
	if standalone {
		write = render.Document
	}
	if err := write(&b, th, render.Options{}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if standalone {
		out = out[strings.Index(out, "<body"):] // after the stylesheet
	}
	return out
}

// TestMediaPlaysInPlace: a clip plays in the reader only from an https file
// of a kind the element plays; anything else keeps the poster and its link.
func TestMediaPlaysInPlace(t *testing.T) {
	for _, c := range []struct {
		name string
		m    thread.Media
		want string // in the fragment; "" = no media element
	}{
		{"mp4 video", thread.Media{Type: thread.Video, URL: "https://v.test/a/b.mp4?tag=12", Poster: "https://v.test/p.jpg"},
			`<video class="u-media" controls playsinline preload="none" src="https://v.test/a/b.mp4?tag=12" poster="https://v.test/p.jpg"`},
		{"gif", thread.Media{Type: thread.GIF, URL: "https://v.test/g.MP4"},
			`<video class="u-media" controls muted loop playsinline preload="none" src="https://v.test/g.MP4" aria-label="GIF" data-u-gif>`},
		{"audio", thread.Media{Type: thread.Audio, URL: "https://v.test/r.mp3", Alt: "a tune"},
			`<audio class="u-media" controls preload="none" src="https://v.test/r.mp3" aria-label="Audio: a tune">`},
		{"HLS", thread.Media{Type: thread.Video, URL: "https://v.test/w/playlist.m3u8", Poster: "https://v.test/t.jpg"},
			`data-u-hls="https://v.test/w/playlist.m3u8"`},
		{"the post's own address", thread.Media{Type: thread.Video, URL: "https://m.test/@a/1"}, ""},
		{"a page elsewhere", thread.Media{Type: thread.Video, URL: "https://v.test/watch?v=1"}, ""},
		{"plain http", thread.Media{Type: thread.Video, URL: "http://v.test/a.mp4"}, ""},
		{"a picture as video", thread.Media{Type: thread.GIF, URL: "https://v.test/a.gif"}, ""},
		{"an HLS GIF", thread.Media{Type: thread.GIF, URL: "https://v.test/a.m3u8"}, ""},
		{"script", thread.Media{Type: thread.Video, URL: "javascript:alert(1)//.mp4"}, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			frag := renderTo(t, mediaThread(c.m), false)
			hasElement := strings.Contains(frag, `class="u-media"`)
			if c.want == "" {
				if hasElement || strings.Contains(frag, `u-plays"`) {
					t.Fatalf("a media element for %s:\n%s", c.m.URL, frag)
				}
			} else if !strings.Contains(frag, c.want) || !strings.Contains(frag, `u-plays"`) {
				t.Fatalf("want %s in\n%s", c.want, frag)
			}
			// The poster's link to the post is always there: the print form
			// and the fallback where a page refuses the media host.
			if !strings.Contains(frag, `<a class="u-face" href="https://m.test/@a/1"`) {
				t.Fatalf("no poster link in\n%s", frag)
			}
			doc := renderTo(t, mediaThread(c.m), true)
			if c.name == "HLS" && (strings.Contains(doc, "<video") || strings.Contains(doc, "data-u-hls")) {
				t.Fatalf("a document without script got an HLS player:\n%s", doc)
			}
			if c.want != "" && c.name != "HLS" && !strings.Contains(doc, c.want) {
				t.Fatalf("the document does not play the file:\n%s", doc)
			}
		})
	}
}

// TestAltTextEverywhere: alt text is one press away in the reader and
// written out in every export.
func TestAltTextEverywhere(t *testing.T) {
	th := mediaThread(thread.Media{Type: thread.Video, URL: "https://v.test/a.mp4", Alt: "Hands on a reel"})
	th.Posts[0].Media = append(th.Posts[0].Media,
		thread.Media{Type: thread.Photo, URL: "https://v.test/1.jpg", Alt: "A tape deck"},
		thread.Media{Type: thread.Photo, URL: "https://v.test/2.jpg"})
	frag := renderTo(t, th, false)
	for _, want := range []string{
		`<details class="u-alt"><summary>Alt text</summary><p>Hands on a reel</p></details>`,
		`<details class="u-alt"><summary>Alt text, photo 1 of 2</summary><p>A tape deck</p></details>`,
		`alt="Photo 2 of 2"`,
	} {
		if !strings.Contains(frag, want) {
			t.Errorf("reader: want %s", want)
		}
	}
	if strings.Count(frag, `class="u-alt"`) != 2 {
		t.Errorf("reader: a disclosure for a picture without alt text:\n%s", frag)
	}
	for f, want := range map[render.Format][]string{
		render.Markdown: {"— Hands on a reel", "![A tape deck](https://v.test/1.jpg)"},
		render.Text:     {"[Video: Hands on a reel]", "[Photo: A tape deck]"},
	} {
		var b bytes.Buffer
		if err := render.Export(&b, th, f, render.Options{}); err != nil {
			t.Fatal(err)
		}
		for _, w := range want {
			if !strings.Contains(b.String(), w) {
				t.Errorf("%s: want %q in\n%s", f, w, b.String())
			}
		}
	}
}
