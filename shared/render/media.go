package render

import (
	"net/url"
	"path"
	"strconv"
	"strings"

	"unspool/shared/thread"
)

// playableExts are the endings of files a <video> or <audio> element plays
// itself. A media URL is only ever put in a src when it ends so: sources
// that have no file give the post's own address there, and a page must never
// be loaded as media.
var playableExts = map[string]bool{
	".mp4": true, ".m4v": true, ".webm": true, ".mov": true,
	".mp3": true, ".m4a": true, ".aac": true, ".ogg": true, ".oga": true, ".opus": true, ".wav": true, ".flac": true,
}

// hlsExt ends an HLS playlist (Bluesky's only form of video): browsers other
// than Safari play it only through a player library, which only a page with
// script has (the extension's reader), so documents show the poster instead.
const hlsExt = ".m3u8"

type photoView struct {
	URL    string // full image, linked
	Src    string
	Alt    string // the author's alt text, possibly ""
	Name   string // Alt, or "Photo 2 of 3": the HTML alt, its link's only words
	Width  int
	Height int
	// AltLabel names the alt text's disclosure ("Alt text, photo 2 of 3").
	AltLabel string
}

type playerView struct {
	Kind     string // "video", "gif", "audio"
	Label    string // "Video", "GIF", "Audio"
	Play     string // "Play video"
	Link     string // the post, where it plays
	Poster   string
	Alt      string
	Width    int
	Height   int
	Duration string
	// File is the https file the element plays in place; HLS an https
	// playlist for the reader's player library. Both "" when the source
	// gave no file: the poster links to the post.
	File string
	HLS  string
	// Name is the element's accessible name: "Video: <alt>" or "Video".
	Name string
}

// Plays reports whether the reader plays this clip in place; the poster
// and its link stay as the fallback (printing, a site that refuses the
// media host).
func (m *playerView) Plays() bool { return m.File != "" || m.HLS != "" }

// mediaOf splits attachments into photos and players (a clip that plays in
// place when the source gave its file, else a poster that links to the
// post, where the platform's own player has it).
func mediaOf(ms []thread.Media, postURL string) (photos []photoView, players []playerView) {
	nPhotos := 0
	for _, m := range ms {
		if m.Type == thread.Photo {
			nPhotos++
		}
	}
	for _, m := range ms {
		switch m.Type {
		case thread.Photo:
			src := thread.SafeURL(m.URL)
			if src == "" {
				continue
			}
			alt := clip(m.Alt, maxAlt)
			name, altLabel := alt, "Alt text"
			if nPhotos > 1 {
				altLabel = "Alt text, photo " + strconv.Itoa(len(photos)+1) + " of " + strconv.Itoa(nPhotos)
			}
			if name == "" {
				// The photo is the only content of its link: without words
				// the link has no name for a screen reader.
				name = "Photo"
				if nPhotos > 1 {
					name = "Photo " + strconv.Itoa(len(photos)+1) + " of " + strconv.Itoa(nPhotos)
				}
			}
			photos = append(photos, photoView{URL: src, Src: src, Alt: alt, Name: name, Width: dim(m.Width), Height: dim(m.Height), AltLabel: altLabel})
		case thread.Video, thread.GIF, thread.Audio:
			link := postURL
			if link == "" {
				link = thread.SafeURL(m.URL)
			}
			pv := playerView{
				Kind: string(m.Type), Link: link, Poster: thread.SafeURL(m.Poster), Alt: clip(m.Alt, maxAlt),
				Width: dim(m.Width), Height: dim(m.Height), Duration: duration(m.DurationMS),
			}
			switch m.Type {
			case thread.Video:
				pv.Label, pv.Play = "Video", "Play video"
			case thread.GIF:
				pv.Label, pv.Play = "GIF", "Play GIF"
			default:
				pv.Label, pv.Play = "Audio", "Play audio"
			}
			if f, ext := mediaFile(m.URL, postURL); playableExts[ext] {
				pv.File = f
			} else if ext == hlsExt && m.Type == thread.Video {
				pv.HLS = f
			}
			pv.Name = pv.Label
			if pv.Alt != "" {
				pv.Name += ": " + pv.Alt
			}
			players = append(players, pv)
		}
	}
	return photos, players
}

// mediaFile returns u and the lower-case ending of its path when u is an
// https address other than the post's own; "" otherwise. Only https: the
// reader runs inside https pages, where http media is blocked as mixed
// content, and share pages allow media-src https: only.
func mediaFile(u, postURL string) (string, string) {
	s := thread.SafeURL(u)
	if s == "" || s == postURL {
		return "", ""
	}
	p, err := url.Parse(s)
	if err != nil || !strings.EqualFold(p.Scheme, "https") {
		return "", ""
	}
	return s, strings.ToLower(path.Ext(p.Path))
}

// withoutPlayerLibrary drops HLS players for output that runs no script
// (standalone documents, share pages): they keep the poster and its link.
func (v *readerView) withoutPlayerLibrary() {
	drop := func(ps []playerView) {
		for i := range ps {
			ps[i].HLS = ""
		}
	}
	for i := range v.Posts {
		drop(v.Posts[i].Players)
		if q := v.Posts[i].Quote; q != nil {
			drop(q.Players)
		}
	}
}

// duration formats milliseconds as m:ss (h:mm:ss past an hour).
func duration(ms int) string {
	if ms <= 0 {
		return ""
	}
	s := ms / 1000
	if s >= 3600 {
		return strconv.Itoa(s/3600) + ":" + pad2((s/60)%60) + ":" + pad2(s%60)
	}
	return strconv.Itoa(s/60) + ":" + pad2(s%60)
}

func pad2(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// dim keeps a media dimension only when it is plausible: width/height
// attributes reserve space, and a hostile 10⁹ would reserve a desert.
func dim(n int) int {
	if n <= 0 || n > 20000 {
		return 0
	}
	return n
}
