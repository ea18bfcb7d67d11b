package extract

// MFM, the Misskey family's markup, read into runs: what a reader needs of it
// — links, mentions, hashtags, custom emoji — becomes runs; its styling
// (bold, strike, <small>, <center>, $[fn …] effects, code fences) is dropped
// and its text kept, as a client without MFM shows it. The syntax follows
// misskey-dev/mfm.js; what it does not name (quotes "> ", search boxes, an
// unpaired marker) stays text.

import (
	"net/url"
	"regexp"
	"strings"
	"unicode/utf8"

	"unspool/shared/thread"
)

var (
	// mfmCodeBlockRe is a fenced code block; its text is kept as it is.
	mfmCodeBlockRe = regexp.MustCompile("^```[^\\n]*\\n?((?s:.*?))\\n?```")
	// mfmInlineCodeRe is `code` on one line.
	mfmInlineCodeRe = regexp.MustCompile("^`([^`\\n]+)`")
	// mfmFnOpenRe opens an effect, $[name.args content]; its "]" closes it.
	mfmFnOpenRe = regexp.MustCompile(`^\$\[[A-Za-z0-9_]+(?:\.[^\s\]]*)?[ \n]`)
	// mfmTagRe are MFM's HTML-like styling tags.
	mfmTagRe = regexp.MustCompile(`^</?(?:b|i|s|small|center|plain)>`)
	// mfmLinkRe is [label](url), or ?[label](url) (a link without preview).
	mfmLinkRe = regexp.MustCompile(`^\??\[([^\]\n]+)\]\(<?(https?://[^\s)>]+)>?\)`)
	// mfmAngleURLRe is <https://…>, a URL with any characters.
	mfmAngleURLRe = regexp.MustCompile(`^<(https?://[^\s>]+)>`)
	// mfmURLStartRe starts a bare URL; mfmURLChars says how far it runs
	// (ASCII, brackets balanced, a final "." or "," left out).
	mfmURLStartRe = regexp.MustCompile(`^https?://`)
	mfmURLChars   = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_.,/:%#@$&?!~=+-;*'"
	// mfmMentionRe is @user or @user@host (after no letter or digit).
	mfmMentionRe = regexp.MustCompile(`^@([A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?)(?:@([A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*))?`)
	// mfmHashtagRe is #tag (after no letter or digit; not digits only).
	mfmHashtagRe = regexp.MustCompile(`^#([^\s.,!?'"#:/\[\]【】()「」<>]+)`)
	// mfmDigitsRe is a tag MFM does not link (#1 is a number).
	mfmDigitsRe = regexp.MustCompile(`^[0-9]+$`)
	// mfmEmojiRe is a custom emoji :name: (after no letter or digit).
	mfmEmojiRe = regexp.MustCompile(`^:([A-Za-z0-9_+-]+(?:@[A-Za-z0-9_.-]+)?):`)
)

// mfmReader builds runs from one note's MFM.
type mfmReader struct {
	host   string
	emojis missEmojis
	runs   []thread.Run
	text   strings.Builder
}

func (r *mfmReader) flush() {
	if r.text.Len() > 0 {
		r.runs = append(r.runs, thread.Run{Type: thread.TextRun, Text: r.text.String()})
		r.text.Reset()
	}
}

func (r *mfmReader) add(run thread.Run) {
	r.flush()
	r.runs = append(r.runs, run)
}

// mfmRuns reads a note's text. host is the server the note was read on:
// mentions and hashtags link to its pages, as its web client does.
func mfmRuns(text string, emojis missEmojis, host string) []thread.Run {
	r := &mfmReader{host: host, emojis: emojis}
	fnDepth := 0
	open := map[string]bool{} // ** and ~~ currently open
	for i := 0; i < len(text); {
		rest := text[i:]
		afterWord := i > 0 && isASCIIAlnum(text[i-1])
		if m := mfmCodeBlockRe.FindStringSubmatch(rest); m != nil {
			r.text.WriteString(m[1])
			i += len(m[0])
			continue
		}
		if m := mfmInlineCodeRe.FindStringSubmatch(rest); m != nil {
			r.text.WriteString(m[1])
			i += len(m[0])
			continue
		}
		if m := mfmFnOpenRe.FindString(rest); m != "" && strings.Contains(rest, "]") {
			fnDepth++
			i += len(m)
			continue
		}
		if rest[0] == ']' && fnDepth > 0 {
			fnDepth--
			i++
			continue
		}
		if m := mfmTagRe.FindString(rest); m != "" {
			i += len(m)
			continue
		}
		if mark := rest[:min(2, len(rest))]; mark == "**" || mark == "~~" {
			// Dropped when it closes an open one or another follows.
			if open[mark] || strings.Contains(rest[2:], mark) {
				open[mark] = !open[mark]
				i += 2
				continue
			}
		}
		if m := mfmLinkRe.FindStringSubmatch(rest); m != nil {
			r.add(thread.Run{Type: thread.LinkRun, Text: m[1], URL: thread.SafeURL(m[2])})
			i += len(m[0])
			continue
		}
		if m := mfmAngleURLRe.FindStringSubmatch(rest); m != nil {
			r.add(thread.Run{Type: thread.LinkRun, Text: m[1], URL: thread.SafeURL(m[1])})
			i += len(m[0])
			continue
		}
		if mfmURLStartRe.MatchString(rest) {
			if u := mfmURL(rest); len(u) > len("https://") {
				r.add(thread.Run{Type: thread.LinkRun, Text: u, URL: thread.SafeURL(u)})
				i += len(u)
				continue
			}
		}
		if m := mfmMentionRe.FindStringSubmatch(rest); m != nil && !afterWord {
			profile := "@" + m[1]
			if m[2] != "" {
				profile += "@" + m[2]
			}
			r.add(thread.Run{Type: thread.MentionRun, Text: m[0], URL: thread.SafeURL("https://" + host + "/" + profile)})
			i += len(m[0])
			continue
		}
		if m := mfmHashtagRe.FindStringSubmatch(rest); m != nil && !afterWord && !mfmDigitsRe.MatchString(m[1]) {
			r.add(thread.Run{Type: thread.HashtagRun, Text: m[0], URL: thread.SafeURL("https://" + host + "/tags/" + url.PathEscape(m[1]))})
			i += len(m[0])
			continue
		}
		if m := mfmEmojiRe.FindStringSubmatch(rest); m != nil && !afterWord {
			if u := thread.SafeURL(emojis[m[1]]); u != "" {
				r.add(thread.Run{Type: thread.EmojiRun, Text: m[0], URL: u})
				i += len(m[0])
				continue
			}
		}
		_, size := utf8.DecodeRuneInString(rest)
		r.text.WriteString(rest[:size])
		i += size
	}
	r.flush()
	return r.runs
}

// mfmURL is the bare URL at the start of s, as mfm.js reads one: URL
// characters and balanced brackets, without a final "." or ",".
func mfmURL(s string) string {
	depth := map[byte]int{}
	end := 0
	for end < len(s) {
		c := s[end]
		switch {
		case c == '(' || c == '[':
			depth[c]++
		case c == ')' && depth['('] > 0:
			depth['(']--
		case c == ']' && depth['['] > 0:
			depth['[']--
		case strings.IndexByte(mfmURLChars, c) >= 0:
		default:
			return strings.TrimRight(s[:end], ".,")
		}
		end++
	}
	return strings.TrimRight(s[:end], ".,")
}

func isASCIIAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}
