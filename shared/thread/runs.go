package thread

import "strings"

// RunType says what a run of post text is.
type RunType string

const (
	// TextRun is literal text; line breaks are kept as "\n".
	TextRun RunType = "text"
	// LinkRun is a link; Text is what the platform displayed, URL the full target.
	LinkRun RunType = "link"
	// MentionRun is an account mention; Text includes the "@".
	MentionRun RunType = "mention"
	// HashtagRun is a hashtag; Text includes the "#".
	HashtagRun RunType = "hashtag"
	// CashtagRun is a $TICKER symbol; Text includes the "$".
	CashtagRun RunType = "cashtag"
	// EmojiRun is an emoji: Text is the emoji (or its shortcode for custom
	// emoji), URL an image for custom emoji only.
	EmojiRun RunType = "emoji"
)

// Run is a piece of post text. Runs hold data, never markup: renderers escape
// Text and emit URL only when SafeURL accepts it.
type Run struct {
	Type RunType `json:"type"`
	Text string  `json:"text"`
	URL  string  `json:"url,omitempty"`
}

// PlainText is the plain form of runs: links written as their full URL,
// everything else as displayed.
func PlainText(runs []Run) string {
	var b strings.Builder
	for _, r := range runs {
		if r.Type == LinkRun && r.URL != "" {
			b.WriteString(r.URL)
			continue
		}
		b.WriteString(r.Text)
	}
	return b.String()
}

// NormalizeRuns merges adjacent text runs, drops empty ones and trims
// surrounding whitespace of the whole text, so that two sources giving the
// same text give equal runs.
func NormalizeRuns(runs []Run) []Run {
	out := make([]Run, 0, len(runs))
	for i := 0; i < len(runs); {
		r := runs[i]
		switch {
		case r.Text == "" && r.URL == "":
			i++
			continue
		case r.Type != TextRun:
			out = append(out, r)
			i++
			continue
		}
		// A stretch of text runs (empty runs inside it do not end it) is
		// joined with one builder: appending run by run would copy the text
		// so far each time, quadratic on a page of many paragraphs.
		end, size, parts := i, 0, 0
		for ; end < len(runs); end++ {
			if e := runs[end]; e.Text == "" && e.URL == "" {
				continue
			} else if e.Type != TextRun {
				break
			}
			size += len(runs[end].Text)
			parts++
		}
		if parts > 1 {
			var b strings.Builder
			b.Grow(size)
			for _, e := range runs[i:end] {
				if e.Type == TextRun {
					b.WriteString(e.Text)
				}
			}
			r.Text = b.String()
		}
		out = append(out, r)
		i = end
	}
	if n := len(out); n > 0 {
		if out[0].Type == TextRun {
			out[0].Text = strings.TrimLeft(out[0].Text, " \t\n")
		}
		if out[n-1].Type == TextRun {
			out[n-1].Text = strings.TrimRight(out[n-1].Text, " \t\n")
		}
	}
	// Trimming can empty an edge run.
	trimmed := out[:0]
	for _, r := range out {
		if r.Text != "" || r.URL != "" {
			trimmed = append(trimmed, r)
		}
	}
	if len(trimmed) == 0 {
		return nil
	}
	return trimmed
}
