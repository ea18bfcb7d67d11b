package render

import (
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"unspool/shared/thread"
)

// Limits on what one field may show. Validate bounds post text but not names,
// titles or alt text; a hostile or broken source must not blow up the page.
const (
	maxName        = 120
	maxHandle      = 120
	maxLinkLabel   = 60
	maxCardTitle   = 300
	maxCardDesc    = 600
	maxAlt         = 2000
	maxNote        = 500
	maxTitle       = 90  // the document <title> and Markdown front matter
	maxDescription = 200 // a link preview's description: the thread's Title
	maxGaps        = 12  // gap notes shown; Validate does not bound how many a thread lists
)

// wordsPerMinute is a common silent-reading rate for screen text.
const wordsPerMinute = 230

// dateLayout is the one date form shown; times are always UTC (the thread's
// own timestamps), and <time datetime> carries the exact instant for others.
const dateLayout = "2 Jan 2006"

// rtlLangs are the primary language subtags written right to left.
var rtlLangs = map[string]bool{
	"ar": true, "arc": true, "ckb": true, "dv": true, "fa": true, "he": true, "iw": true,
	"ks": true, "ku": true, "ps": true, "sd": true, "ug": true, "ur": true, "yi": true,
}

// readerView is a Thread prepared for the templates: every URL already
// checked, every string cleaned and clipped, every count computed.
type readerView struct {
	Opts     Options
	Lang     string
	Dir      string
	Platform string
	Head     headView
	Notes    []string
	Single   bool
	Posts    []postView
	// CapturedOn is " on <date>" or "": when the thread was unrolled.
	CapturedOn string
	// Published: the document is a page someone published from their
	// capture (Head.Published), and says so above the thread.
	Published bool
}

type headView struct {
	Name      string
	Handle    string
	AuthorURL string
	Avatar    string
	URL       string
	Date      stamp
	Posts     int
	Minutes   int
}

// stamp is a time as shown and as machine-readable.
type stamp struct {
	ISO  string
	Text string
}

type postView struct {
	// By names the post's author when it is not the thread's (a post by
	// someone else inside the chain must not read as the author's words).
	By     *byView
	Anchor string // the element id
	// AnchorTitle names the post's link back: "Post 3 of 12 on X, …".
	AnchorTitle string
	URL         string
	Lang        string
	Dir         string
	Index       int
	Total       int
	Time        stamp
	Warning     string
	Paras       []para
	Truncated   bool
	Photos      []photoView
	Players     []playerView
	Quote       *quoteView
	Card        *cardView
	Poll        *pollView
}

type byView struct {
	Name   string
	Handle string
	URL    string
}

type quoteView struct {
	Name    string
	Handle  string
	Avatar  string
	URL     string
	Time    stamp
	Lang    string
	Dir     string
	Warning string
	Paras   []para
	Photos  []photoView
	Players []playerView
	Card    *cardView
}

// para is one paragraph: segments, with "\n" inside a paragraph as breaks.
type para []seg

type segKind int

const (
	segText segKind = iota
	segBreak
	segLink  // Text shown, URL target
	segEmoji // custom emoji image: Text is its shortcode
)

type seg struct {
	Kind segKind
	Text string
	URL  string
	Ext  bool // an outside link (printed with its address), not a mention or tag
}

type cardView struct {
	URL    string
	Title  string
	Desc   string
	Domain string
	Image  string
}

type pollView struct {
	Options []pollOptionView
	Summary string
}

type pollOptionView struct {
	Label   string
	Percent int
	Known   bool
	Winner  bool
}

// newView prepares t for rendering with options o (already validated).
func newView(t *thread.Thread, o Options) *readerView {
	v := &readerView{
		Opts:     o,
		Platform: platformName(t.Platform),
		Single:   len(t.Posts) == 1,
	}
	instance := thread.Domain(t.URL)
	words := 0
	langs := map[string]int{}
	for i := range t.Posts {
		p := &t.Posts[i]
		pv := postView{
			Anchor:    "u-" + idSafe(p.ID),
			URL:       thread.SafeURL(p.URL),
			Lang:      langTag(p.Lang),
			Index:     i + 1,
			Total:     len(t.Posts),
			Time:      newStamp(p.CreatedAt, time.RFC3339),
			Warning:   clip(p.ContentWarning, maxNote),
			Paras:     paragraphs(t.Platform, instance, postRuns(p)),
			Truncated: p.Truncated,
		}
		pv.Dir = langDir(pv.Lang)
		pv.AnchorTitle = anchorTitle(&pv, v.Platform)
		if a := p.Author; a != nil && a.Handle != "" && !strings.EqualFold(a.Handle, t.Author.Handle) {
			pv.By = &byView{Name: clip(a.Name, maxName), Handle: clip(a.Handle, maxHandle), URL: thread.SafeURL(a.URL)}
			if pv.By.Name == "" {
				pv.By.Name = "@" + pv.By.Handle
			}
		}
		pv.Photos, pv.Players = mediaOf(p.Media, pv.URL)
		pv.Card = cardOf(p.Card)
		pv.Poll = pollOf(p.Poll)
		if q := p.Quote; q != nil {
			pv.Quote = quoteOf(t, q, instance)
			words += countWords(q.Text)
		}
		words += countWords(p.Text)
		if pv.Lang != "" {
			langs[primary(pv.Lang)]++
		}
		v.Posts = append(v.Posts, pv)
	}
	v.Lang = majority(langs)
	v.Dir = "ltr"
	if rtlLangs[v.Lang] {
		v.Dir = "rtl"
	}
	a := t.Author
	v.Head = headView{
		Name:      clip(a.Name, maxName),
		Handle:    clip(a.Handle, maxHandle),
		AuthorURL: thread.SafeURL(a.URL),
		Avatar:    thread.SafeURL(a.Avatar),
		URL:       thread.SafeURL(t.URL),
		Posts:     len(t.Posts),
		Minutes:   max(1, (words+wordsPerMinute-1)/wordsPerMinute),
	}
	if v.Head.Name == "" {
		v.Head.Name = "@" + v.Head.Handle
	}
	if len(t.Posts) > 0 {
		v.Head.Date = newStamp(t.Posts[0].CreatedAt, dateLayout)
	}
	if !t.Complete {
		note := "Some posts of this thread could not be read."
		if len(t.Gaps) > 0 {
			// Gaps are clauses ("post 2 is cut short"): one sentence of them.
			gaps := make([]string, 0, len(t.Gaps))
			for i, g := range t.Gaps {
				if i == maxGaps {
					gaps = append(gaps, "and "+strconv.Itoa(len(t.Gaps)-i)+" more gaps")
					break
				}
				if g = strings.TrimRight(clip(g, maxNote), ".;: "); g != "" {
					gaps = append(gaps, g)
				}
			}
			if len(gaps) > 0 {
				note = strings.Join(gaps, "; ") + "."
				r, size := utf8.DecodeRuneInString(note)
				note = string(unicode.ToUpper(r)) + note[size:]
			}
		}
		v.Notes = append(v.Notes, note)
	}
	if c := newStamp(t.CapturedAt, dateLayout).Text; c != "" {
		v.CapturedOn = " on " + c
	}
	return v
}

func quoteOf(t *thread.Thread, q *thread.Post, instance string) *quoteView {
	a := t.PostAuthor(q)
	qv := &quoteView{
		Name:    clip(a.Name, maxName),
		Handle:  clip(a.Handle, maxHandle),
		Avatar:  thread.SafeURL(a.Avatar),
		URL:     thread.SafeURL(q.URL),
		Time:    newStamp(q.CreatedAt, dateLayout),
		Lang:    langTag(q.Lang),
		Warning: clip(q.ContentWarning, maxNote),
		Paras:   paragraphs(t.Platform, instance, postRuns(q)),
		Card:    cardOf(q.Card),
	}
	if qv.Name == "" {
		// No display name: the handle is the name, shown once.
		qv.Name, qv.Handle = "@"+qv.Handle, ""
	}
	qv.Dir = langDir(qv.Lang)
	qv.Photos, qv.Players = mediaOf(q.Media, qv.URL)
	return qv
}

// postRuns is the text of p as runs; sources without runs give plain text.
func postRuns(p *thread.Post) []thread.Run {
	if len(p.Content) > 0 {
		return p.Content
	}
	if p.Text == "" {
		return nil
	}
	return []thread.Run{{Type: thread.TextRun, Text: p.Text}}
}

// paragraphs splits runs into paragraphs at blank lines, keeping single line
// breaks as breaks, and turns links, mentions and tags into link segments.
func paragraphs(p thread.Platform, instance string, runs []thread.Run) []para {
	var out []para
	var cur para
	flush := func() {
		// A paragraph of only breaks is blank space the author did not mean.
		for len(cur) > 0 && cur[len(cur)-1].Kind == segBreak {
			cur = cur[:len(cur)-1]
		}
		if len(cur) > 0 {
			out = append(out, cur)
		}
		cur = nil
	}
	for _, r := range runs {
		switch r.Type {
		case thread.LinkRun:
			if u := thread.SafeURL(r.URL); u != "" {
				cur = append(cur, seg{Kind: segLink, Text: linkLabel(u), URL: u, Ext: true})
				continue
			}
		case thread.MentionRun, thread.HashtagRun, thread.CashtagRun:
			if u := entityURL(p, instance, r); u != "" {
				cur = append(cur, seg{Kind: segLink, Text: clean(r.Text), URL: u})
				continue
			}
		case thread.EmojiRun:
			if u := thread.SafeURL(r.URL); u != "" {
				cur = append(cur, seg{Kind: segEmoji, Text: clean(r.Text), URL: u})
				continue
			}
		}
		// Text, and any run whose link is unusable, is shown as text.
		lines := strings.Split(strings.ReplaceAll(clean(r.Text), "\r\n", "\n"), "\n")
		for i, line := range lines {
			if i > 0 {
				if len(cur) > 0 && cur[len(cur)-1].Kind == segBreak {
					// A blank line: the break before it ends the paragraph.
					cur = cur[:len(cur)-1]
					flush()
				} else if len(cur) > 0 {
					cur = append(cur, seg{Kind: segBreak})
				}
			}
			if len(cur) == 0 {
				line = strings.TrimLeft(line, " \t")
			}
			if line != "" {
				cur = append(cur, seg{Kind: segText, Text: line})
			}
		}
	}
	flush()
	return out
}

func cardOf(c *thread.Card) *cardView {
	if c == nil {
		return nil
	}
	u := thread.SafeURL(c.URL)
	if u == "" {
		return nil
	}
	cv := &cardView{
		URL: u, Title: clip(c.Title, maxCardTitle), Desc: clip(c.Description, maxCardDesc),
		Domain: thread.Domain(u), Image: thread.SafeURL(c.Image),
	}
	if cv.Title == "" {
		cv.Title = linkLabel(u)
	}
	// The platform's own "From docs.google.com" names where a short link
	// leads; without it, the link's host.
	if d := clip(c.Domain, maxHandle); d != "" {
		cv.Domain = d
	}
	return cv
}

func pollOf(p *thread.Poll) *pollView {
	if p == nil || len(p.Options) == 0 {
		return nil
	}
	total, known, best := 0, true, -1
	for _, o := range p.Options {
		if o.Votes < 0 {
			known = false
			continue
		}
		total += o.Votes
		best = max(best, o.Votes)
	}
	pv := &pollView{}
	for _, o := range p.Options {
		ov := pollOptionView{Label: clip(o.Label, maxNote), Known: known && total > 0}
		if ov.Known {
			ov.Percent = (o.Votes*100 + total/2) / total
			ov.Winner = p.Closed && o.Votes == best
		}
		pv.Options = append(pv.Options, ov)
	}
	var parts []string
	if known {
		parts = append(parts, plural(total, "vote", "votes"))
	}
	switch {
	case p.Closed:
		parts = append(parts, "Final results")
	case p.EndsAt != nil && !p.EndsAt.IsZero():
		parts = append(parts, "Ends "+p.EndsAt.UTC().Format(dateLayout))
	}
	pv.Summary = strings.Join(parts, " · ")
	return pv
}

func newStamp(t time.Time, layout string) stamp {
	if t.IsZero() {
		return stamp{}
	}
	t = t.UTC()
	iso := t.Format(time.RFC3339)
	if layout == time.RFC3339 {
		return stamp{ISO: iso, Text: iso}
	}
	return stamp{ISO: iso, Text: t.Format(layout)}
}

func plural(n int, one, many string) string {
	s := groupThousands(n)
	if n == 1 {
		return s + " " + one
	}
	return s + " " + many
}

func groupThousands(n int) string {
	s := strconv.Itoa(n)
	if n < 0 {
		return s
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// countWords counts words for the reading time; scripts without spaces
// (CJK) count a word per three characters, roughly how they are read.
func countWords(s string) int {
	words, inWord, ideo := 0, false, 0
	for _, r := range s {
		switch {
		// Below U+1100 (Hangul Jamo) no script is ideographic: skip the
		// table lookups, which are most of this function's cost in WASM.
		case r >= 0x1100 && (unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r) || unicode.Is(unicode.Katakana, r) || unicode.Is(unicode.Hangul, r)):
			ideo++
			inWord = false
		case unicode.IsSpace(r):
			inWord = false
		default:
			if !inWord {
				words++
			}
			inWord = true
		}
	}
	return words + (ideo+2)/3
}

// langTag keeps a BCP 47-looking tag; "und"/"zxx" (X's "no language") and
// anything odd are dropped rather than put into an attribute.
func langTag(s string) string {
	if s == "" || len(s) > 35 || s == "und" || s == "zxx" || s == "qme" || s == "qht" || s == "qam" {
		return ""
	}
	for _, r := range s {
		if !(r == '-' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return ""
		}
	}
	return s
}

func primary(tag string) string {
	p, _, _ := strings.Cut(strings.ToLower(tag), "-")
	return p
}

// langDir is "rtl" for right-to-left languages, "ltr" for other known ones,
// and "auto" (the browser looks at the text) when the language is unknown.
func langDir(tag string) string {
	switch {
	case tag == "":
		return "auto"
	case rtlLangs[primary(tag)]:
		return "rtl"
	}
	return "ltr"
}

// majority is the most frequent language, ties broken by name so output is
// stable.
func majority(counts map[string]int) string {
	best, n := "", 0
	for l, c := range counts {
		if c > n || c == n && l < best {
			best, n = l, c
		}
	}
	return best
}

// clean drops characters that have no business in rendered text: C0/C1
// controls other than tab and newline (invalid in HTML, ambiguous in
// Markdown) and bidi embedding/override/isolate controls, with which a post
// could make a link or a name read backwards (each post sits in its own
// dir/lang context instead). Invalid UTF-8 becomes U+FFFD.
func clean(s string) string {
	ok := true
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if dropRune(r) || r == utf8.RuneError && size == 1 {
			ok = false
			break
		}
		i += size
	}
	if ok {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range strings.ToValidUTF8(s, "\uFFFD") {
		if !dropRune(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func dropRune(r rune) bool {
	switch {
	case r == '\n' || r == '\t':
		return false
	case r < 0x20 || r >= 0x7f && r < 0xa0:
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true
	}
	return false
}

// clip cleans s, folds its white space (for one-line fields) and cuts it at
// n runes with an ellipsis.
func clip(s string, n int) string {
	s = strings.Join(strings.Fields(clean(s)), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	i, k := 0, 0
	for i = range s {
		if k == n-1 {
			break
		}
		k++
	}
	return strings.TrimSpace(s[:i]) + "…"
}

// idSafe makes a post id usable in an id attribute and a #fragment.
func idSafe(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r < 0x80 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
		if b.Len() >= 64 {
			break
		}
	}
	return b.String()
}

// The provenance line of a published page (Head.Published), in every format
// a share page has: the sentence around the link to the original.
const provenanceLead = "Published by an Unspool user from a capture of "

func provenanceTail(platform string) string { return "; not verified by " + platform + "." }

func provenanceOriginal(platform string) string { return "See the original on " + platform }
