package render

import (
	"io"
	"strconv"
	"strings"

	"unspool/shared/thread"
)

// WriteText writes t as plain text: a short header, then the posts as
// paragraphs with links written out in full, media and cards as bracketed
// lines with their address, quoted posts indented with "> ".
func WriteText(w io.Writer, t *thread.Thread) error { return writeText(w, t, false) }

// published: the document is a share page's (Head.Published), and says so
// under its header.
func writeText(w io.Writer, t *thread.Thread, published bool) error {
	v, err := prepare(t, Options{})
	if err != nil {
		return err
	}
	tw := newTextWriter(w)
	tw.s(v.Head.Name, " (@", v.Head.Handle, ")\n")
	meta := []string{}
	if v.Head.Date.Text != "" {
		meta = append(meta, v.Head.Date.Text)
	}
	meta = append(meta, plural(v.Head.Posts, "post", "posts"), strconv.Itoa(v.Head.Minutes)+" min read")
	tw.s(strings.Join(meta, " · "), "\n")
	if v.Head.URL != "" {
		tw.s(v.Head.URL, "\n")
	}
	tw.s("\n")
	if published {
		tw.s(provenanceLead, linkLabel(v.Head.URL), provenanceTail(v.Platform), " ", provenanceOriginal(v.Platform), ": ", v.Head.URL, "\n\n")
	}
	for _, n := range v.Notes {
		tw.s("This thread may be incomplete. ", n, "\n\n")
	}
	if v.Single {
		tw.s("This is a single post: no thread by its author was found around it.\n\n")
	}
	for i := range v.Posts {
		p := &v.Posts[i]
		if p.By != nil {
			tw.s(p.By.Name, " (@", p.By.Handle, "):\n")
		}
		if p.Warning != "" {
			tw.s("[Content warning: ", p.Warning, "]\n\n")
		}
		textBlocks(tw, "", p.Paras, p.Photos, p.Players, p.Card, v.Platform)
		if p.Truncated {
			tw.s("[", v.Platform, " showed only the start of this post: ", p.URL, "]\n\n")
		}
		if q := p.Quote; q != nil {
			tw.s("> ", q.Name)
			if q.Handle != "" {
				tw.s(" (@", q.Handle, ")")
			}
			if q.Time.Text != "" {
				tw.s(", ", q.Time.Text)
			}
			if q.URL != "" {
				tw.s(" ", q.URL)
			}
			tw.s("\n>\n")
			textBlocks(tw, "> ", q.Paras, q.Photos, q.Players, q.Card, v.Platform)
			tw.s("\n")
		}
		if p.Poll != nil {
			tw.s("Poll")
			if p.Poll.Summary != "" {
				tw.s(" (", p.Poll.Summary, ")")
			}
			tw.s(":\n")
			for _, o := range p.Poll.Options {
				tw.s("  ", o.Label)
				if o.Known {
					tw.s(" — ", strconv.Itoa(o.Percent), "%")
				}
				if o.Winner {
					tw.s(" (winner)")
				}
				tw.s("\n")
			}
			tw.s("\n")
		}
	}
	return tw.flush()
}

func textBlocks(tw *textWriter, prefix string, ps []para, photos []photoView, players []playerView, c *cardView, platform string) {
	for _, pa := range ps {
		tw.s(prefix)
		for _, s := range pa {
			switch {
			case s.Kind == segBreak:
				tw.s("\n", prefix)
			case s.Kind == segLink && s.Ext:
				tw.s(s.URL)
			default:
				tw.s(s.Text)
			}
		}
		tw.s("\n", blankLine(prefix))
	}
	for _, ph := range photos {
		tw.s(prefix, "[Photo")
		if ph.Alt != "" {
			tw.s(": ", ph.Alt)
		}
		tw.s("] ", ph.Src, "\n")
	}
	for _, m := range players {
		tw.s(prefix, "[", m.Label)
		if m.Duration != "" {
			tw.s(" ", m.Duration)
		}
		if m.Alt != "" {
			tw.s(": ", m.Alt)
		}
		tw.s("] ", m.Link, "\n")
	}
	if len(photos)+len(players) > 0 {
		tw.s(blankLine(prefix))
	}
	if c != nil {
		tw.s(prefix, "[Link] ", c.Title, " — ", c.URL, "\n")
		if c.Desc != "" {
			tw.s(prefix, c.Desc, "\n")
		}
		tw.s(blankLine(prefix))
	}
}
