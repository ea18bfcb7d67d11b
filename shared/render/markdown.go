package render

import (
	"encoding/json"
	"io"
	"strconv"
	"strings"

	"unspool/shared/thread"
)

// WriteMarkdown writes t as CommonMark with YAML front matter (title, author,
// url, date, platform, posts — what Obsidian and static site tools read).
// Each post is a paragraph (blank lines in a post start new ones) whose line
// breaks are hard breaks ("\" at the line end); photos are ![alt](url),
// quoted posts are "> " blocks, cards and polls plain Markdown.
//
// Post text is escaped so that it can only ever be text: it cannot open a
// link, an image, HTML, a heading or a list. Links come only from runs and
// only with http(s) targets.
func WriteMarkdown(w io.Writer, t *thread.Thread) error {
	return writeMarkdown(w, t, nil, false)
}

// Saved is what a library adds to a thread; WriteSavedMarkdown writes it
// into the front matter, after the thread's own fields and its handle and id.
type Saved struct {
	SavedAt string   // when it was saved, as the library stores it (saved:)
	Tags    []string // (tags: a list, always written)
	Note    string   // (note: written when not empty)
}

// WriteSavedMarkdown is WriteMarkdown for a thread kept in a library (the
// extension's Markdown export): the same document, whose front matter also
// carries the library's fields, so notes and tags reach a vault.
func WriteSavedMarkdown(w io.Writer, t *thread.Thread, s Saved) error {
	return writeMarkdown(w, t, &s, false)
}

// published: the document is a share page's (Head.Published), and says
// so under its byline.
func writeMarkdown(w io.Writer, t *thread.Thread, saved *Saved, published bool) error {
	v, err := prepare(t, Options{})
	if err != nil {
		return err
	}
	s := Summarize(t)
	tw := newTextWriter(w)
	tw.s("---\n")
	tw.s("title: ", yamlString(clip(s.Title+": "+s.Description, maxTitle)), "\n")
	tw.s("author: ", yamlString(s.Title), "\n")
	if v.Head.URL != "" {
		tw.s("url: ", yamlString(v.Head.URL), "\n")
	}
	if v.Head.Date.ISO != "" {
		tw.s("date: ", yamlString(v.Head.Date.ISO), "\n")
	}
	tw.s("platform: ", yamlString(string(t.Platform)), "\n")
	tw.s("posts: ", strconv.Itoa(len(t.Posts)), "\n")
	if !t.Complete {
		tw.s("complete: false\n")
	}
	if saved != nil {
		// The author's handle and the thread's id, for a vault's own links.
		tw.s("handle: ", yamlString("@"+clip(t.Author.Handle, maxHandle)), "\n")
		tw.s("id: ", yamlString(t.ID), "\n")
		tw.s("saved: ", yamlString(saved.SavedAt), "\n")
		tags := make([]string, len(saved.Tags))
		for i, tag := range saved.Tags {
			tags[i] = yamlString(tag)
		}
		tw.s("tags: [", strings.Join(tags, ", "), "]\n")
		if saved.Note != "" {
			tw.s("note: ", yamlString(saved.Note), "\n")
		}
	}
	tw.s("---\n\n")

	by := "**" + mdEscape(v.Head.Name, false) + "**"
	handle := mdEscape("@"+v.Head.Handle, false)
	if v.Head.AuthorURL != "" {
		handle = mdLink(handle, v.Head.AuthorURL)
	}
	tw.s("By ", by, " (", handle, ")")
	if v.Head.Date.Text != "" {
		tw.s(" · ", v.Head.Date.Text)
	}
	if v.Head.URL != "" {
		tw.s(" · ", mdLink("Read on "+mdEscape(v.Platform, false), v.Head.URL))
	}
	tw.s("\n\n")
	if published {
		tw.s("*", provenanceLead, mdLink(mdEscape(linkLabel(v.Head.URL), false), v.Head.URL), mdEscape(provenanceTail(v.Platform), false),
			" ", mdLink(mdEscape(provenanceOriginal(v.Platform), false), v.Head.URL), ".*\n\n")
	}
	for _, n := range v.Notes {
		tw.s("**This thread may be incomplete.** ", mdEscape(n, false), "\n\n")
	}
	if v.Single {
		tw.s("*This is a single post: no thread by its author was found around it.*\n\n")
	}
	for i := range v.Posts {
		p := &v.Posts[i]
		if p.By != nil {
			tw.s("**", mdEscape(p.By.Name, false), "** ", mdEscape("@"+p.By.Handle, false), ":\n\n")
		}
		if p.Warning != "" {
			tw.s("**Content warning:** ", mdEscape(p.Warning, false), "\n\n")
		}
		mdBlocks(tw, "", p.Paras, p.Photos, p.Players, p.Card, v.Platform)
		if p.Truncated {
			tw.s("*", mdEscape(v.Platform, false), " showed only the start of this post.")
			if p.URL != "" {
				tw.s(" ", mdLink("Read it in full", p.URL), ".")
			}
			tw.s("*\n\n")
		}
		if q := p.Quote; q != nil {
			mdQuote(tw, q, v.Platform)
		}
		if p.Poll != nil {
			mdPoll(tw, p.Poll)
		}
	}
	return tw.flush()
}

// mdBlocks writes paragraphs, media and a card, each line prefixed with
// prefix ("> " inside a quote).
func mdBlocks(tw *textWriter, prefix string, ps []para, photos []photoView, players []playerView, c *cardView, platform string) {
	for _, pa := range ps {
		tw.s(prefix)
		start := true
		for _, s := range pa {
			switch s.Kind {
			case segText:
				tw.s(mdEscape(s.Text, start))
			case segBreak:
				tw.s("\\\n", prefix)
				start = true
				continue
			case segLink:
				tw.s(mdLink(mdEscape(s.Text, false), s.URL))
			case segEmoji:
				tw.s(mdEscape(s.Text, start))
			}
			start = false
		}
		tw.s("\n", blankLine(prefix))
	}
	for _, ph := range photos {
		tw.s(prefix, "![", mdEscape(oneLine(ph.Alt), false), "](", mdURL(ph.Src), ")\n", blankLine(prefix))
	}
	for _, m := range players {
		label := "▶ " + m.Play + " on " + platform
		if m.Duration != "" {
			label += " (" + m.Duration + ")"
		}
		if m.Alt != "" {
			// The author's description goes with the clip into every export.
			label += " — " + oneLine(m.Alt)
		}
		label = mdEscape(label, false)
		if m.Poster != "" {
			label = "![" + label + "](" + mdURL(m.Poster) + ")"
		}
		if m.Link != "" {
			label = mdLink(label, m.Link)
		}
		tw.s(prefix, label, "\n", blankLine(prefix))
	}
	if c != nil {
		tw.s(prefix, mdLink("**"+mdEscape(c.Title, false)+"**", c.URL), " · ", mdEscape(c.Domain, false))
		if c.Desc != "" {
			tw.s("\\\n", prefix, mdEscape(c.Desc, true))
		}
		tw.s("\n", blankLine(prefix))
	}
}

func mdQuote(tw *textWriter, q *quoteView, platform string) {
	tw.s("> **", mdEscape(q.Name, false), "**")
	if q.Handle != "" {
		tw.s(" ", mdEscape("@"+q.Handle, false))
	}
	if q.URL != "" {
		when := "on " + platform
		if q.Time.Text != "" {
			when = q.Time.Text
		}
		tw.s(" · ", mdLink(mdEscape(when, false), q.URL))
	}
	tw.s("\n>\n")
	if q.Warning != "" {
		tw.s("> **Content warning:** ", mdEscape(q.Warning, false), "\n>\n")
	}
	mdBlocks(tw, "> ", q.Paras, q.Photos, q.Players, q.Card, platform)
	tw.s("\n")
}

func mdPoll(tw *textWriter, p *pollView) {
	for _, o := range p.Options {
		line := mdEscape(o.Label, false)
		if o.Known {
			line += " — " + strconv.Itoa(o.Percent) + "%"
		}
		if o.Winner {
			line = "**" + line + "**"
		}
		tw.s("- ", line, "\n")
	}
	tw.s("\n", "*Poll")
	if p.Summary != "" {
		tw.s(" · ", mdEscape(p.Summary, false))
	}
	tw.s("*\n\n")
}

// blankLine is the line that separates blocks: empty, or ">" inside a quote
// (an empty line would end the quote).
func blankLine(prefix string) string {
	return strings.TrimRight(prefix, " ") + "\n"
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// mdEscape makes s literal text in CommonMark (and GitHub's extensions, and
// Obsidian's: math $…$, block references ^id, %% comments, == highlights;
// its [[links]] are escaped with the brackets).
// Inline syntax (emphasis, code, links, images, HTML, autolinks, entities,
// tables, strikethrough) is escaped everywhere; block syntax (headings,
// quotes, lists, rules, fences) only where it would act: at the start of a
// line (lineStart).
func mdEscape(s string, lineStart bool) string {
	var b strings.Builder
	b.Grow(len(s) + len(s)/8)
	if lineStart {
		s = strings.TrimLeft(s, " \t")
		if s != "" && strings.IndexByte(lineStartSyntax, s[0]) >= 0 {
			// Escaped here, so the inline pass must not escape it again
			// ("==" would become "\\==": a backslash, then a highlight).
			b.WriteByte('\\')
			b.WriteByte(s[0])
			s = s[1:]
		} else if n := leadingDigits(s); n > 0 && n <= 9 && n < len(s) && (s[n] == '.' || s[n] == ')') {
			// "1." or "1)" opens an ordered list.
			b.WriteString(s[:n])
			b.WriteByte('\\')
			s = s[n:]
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '\\', '`', '*', '_', '[', ']', '<', '>', '|', '~', '$', '^':
			b.WriteByte('\\')
		case '%', '=':
			// Obsidian's comments (%%…%%) and highlights (==…==); a single
			// one is text everywhere.
			if i+1 < len(s) && s[i+1] == c {
				b.WriteByte('\\')
			}
		case '&':
			if isEntity(s[i+1:]) {
				b.WriteByte('\\')
			}
		}
		b.WriteByte(c)
	}
	return b.String()
}

// lineStartSyntax opens a block only at the start of a line (heading, list,
// setext underline); the other block openers (>, *, `, ~, <, |) are escaped
// everywhere by mdEscape's inline pass.
const lineStartSyntax = "#-+="

func leadingDigits(s string) int {
	n := 0
	for n < len(s) && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	return n
}

// isEntity reports whether s (after a "&") would be read as an entity or
// character reference: letters/digits or #digits, then ";".
func isEntity(s string) bool {
	s = strings.TrimPrefix(s, "#")
	n := 0
	for n < len(s) && n < 32 && (s[n] >= 'a' && s[n] <= 'z' || s[n] >= 'A' && s[n] <= 'Z' || s[n] >= '0' && s[n] <= '9') {
		n++
	}
	return n > 0 && n < len(s) && s[n] == ';'
}

// mdLink is [label](url); label must already be Markdown.
func mdLink(label, u string) string {
	return "[" + label + "](" + mdURL(u) + ")"
}

// mdURL writes a (SafeURL-checked) link destination so nothing in it can end
// the link early: the <…> form when it holds spaces or brackets, with those
// characters percent-encoded.
func mdURL(u string) string {
	if !strings.ContainsAny(u, " ()<>\\\n\t\"'") {
		return u
	}
	r := strings.NewReplacer(" ", "%20", "<", "%3C", ">", "%3E", "\\", "%5C", "\n", "%0A", "\t", "%09", "(", "%28", ")", "%29", "\"", "%22", "'", "%27")
	return "<" + r.Replace(u) + ">"
}

// yamlString quotes s as a YAML double-quoted scalar (JSON's string syntax,
// which YAML accepts), so no value can start a new key or document.
func yamlString(s string) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		return `""`
	}
	return strings.TrimSuffix(b.String(), "\n")
}
