package extract

// The X thread model both X sources fill and the one walk that turns it into
// a Thread. The DOM and GraphQL extractors each produce an xGraph (posts
// with what they reply to and what the source says lies below them);
// ExtractCollected merges several; xGraph.thread walks the focal author's
// chain. Keeping the walk in one place is what makes the two sources, and
// their merge, agree on which posts form the thread and why it is or is not
// complete.

import (
	"fmt"
	"strings"

	"unspool/shared/thread"
)

// xNode is one post as a source saw it.
type xNode struct {
	Post   thread.Post // Post.Author is always set while building
	Handle string      // the author's handle, lower-cased, for comparisons
	// ReplyTo is the id of the post this one answers; "" when unknown.
	ReplyTo string
	// ReplyToHandle is the lower-cased handle of that post's author ("" unknown).
	ReplyToHandle string
	// Confirmed is true when ReplyTo comes from X's data (GraphQL) rather
	// than from the DOM's order of cells.
	Confirmed bool
	// SelfThread is X's own mark that the post continues its author's thread.
	SelfThread bool
	// EndKnown is true when the source shows that nothing by the author
	// follows this post in the conversation (the reply boundary is reached).
	EndKnown bool
	// GapBelow names the placeholder the source showed right below this
	// post ("Show more replies", an unavailable post); "" when none.
	GapBelow string
	// GapCursor is the value of X's cursor behind GapBelow, when X's JSON
	// gave one: the request that would load what the gap hides.
	GapCursor string
	// ParentMissing is true when the source shows the post answers an
	// earlier post by its own author that the source does not hold.
	ParentMissing bool
	// ReplyingTo lists the handles X names above the post ("Replying to
	// @a"), lower-cased: a profile tells a reply to others by them.
	ReplyingTo []string
	// ShowMore is true when X itself cut the post's text (the "Show more"
	// link under it): its gap says so, where a post cut by the text limit
	// gets the limit's gap (explainCuts).
	ShowMore bool
	// NewerVersion is X's word that the post was edited and this is not
	// its latest version (a page opened on an old version's address).
	NewerVersion bool
	// FromGraphQL marks posts read from X's JSON, whose text and media win a merge.
	FromGraphQL bool
	order       int
}

// xGraph is every post a source (or a merge of sources) holds.
type xGraph struct {
	nodes map[string]*xNode
	seq   []string // ids in source order
	// newer maps an earlier version's id to the post's later one (an edit
	// on X is a new id): replies and page addresses name either.
	newer map[string]string
	// focalHandle is the handle in the page URL ("" for /i/web/status).
	focalID, focalHandle string
	// stoppedBy is Collected.StoppedBy for merged captures.
	stoppedBy string
	source    string
	// bottom and top are X's cursors for more of the conversation below its
	// last entry and above its first, in the order seen, that no capture
	// has answered yet.
	bottom, top []string
}

func newXGraph(focalHandle, focalID, source string) *xGraph {
	return &xGraph{nodes: map[string]*xNode{}, newer: map[string]string{}, focalID: focalID, focalHandle: focalHandle, source: source}
}

// latest is the id of the newest version of post id the graph holds.
func (g *xGraph) latest(id string) string {
	if n := g.newer[id]; n != "" && g.nodes[n] != nil {
		return n
	}
	return id
}

// add keeps the first copy of a post a source shows twice, but lets later
// copies add what the first lacked (a virtualised page re-renders cells).
func (g *xGraph) add(n *xNode) {
	for _, prev := range n.Post.PreviousIDs {
		g.newer[prev] = n.Post.ID
	}
	if old, ok := g.nodes[n.Post.ID]; ok {
		mergeXNode(old, n)
		return
	}
	n.order = len(g.seq)
	g.nodes[n.Post.ID] = n
	g.seq = append(g.seq, n.Post.ID)
}

// merge adds every post of o to g (used by ExtractCollected).
func (g *xGraph) merge(o *xGraph) {
	for _, id := range o.seq {
		n := *o.nodes[id]
		g.add(&n)
	}
}

// mergeXNode folds b into a. GraphQL wins for text, media and reply links
// (it has full text and video files); the DOM fills what GraphQL lacks.
//
// Who wrote a post is the exception: the JSON comes from the page's own
// MAIN world, which the page can forge, so where the cells show the post
// under another handle the JSON's copy is not what X showed and the cells'
// copy is kept whole.
func mergeXNode(a, b *xNode) {
	if a.FromGraphQL != b.FromGraphQL && a.Handle != "" && b.Handle != "" && a.Handle != b.Handle {
		if a.FromGraphQL {
			order := a.order
			*a = *b
			a.order = order
		}
		return
	}
	if b.FromGraphQL && !a.FromGraphQL {
		dom := *a
		*a = *b
		a.order = dom.order
		b = &dom
	}
	p, q := &a.Post, &b.Post
	if p.Text == "" && q.Text != "" {
		p.Text, p.Content, p.Truncated = q.Text, q.Content, q.Truncated
	}
	if p.Truncated && !q.Truncated && q.Text != "" {
		p.Text, p.Content, p.Truncated = q.Text, q.Content, false
	}
	a.ShowMore = p.Truncated && (a.ShowMore || b.ShowMore)
	if len(p.Media) == 0 {
		p.Media = q.Media
	}
	for i := range p.Media {
		if i < len(q.Media) && p.Media[i].Type == q.Media[i].Type {
			fillMedia(&p.Media[i], q.Media[i])
		}
	}
	if p.Quote == nil {
		p.Quote = q.Quote
	}
	if p.Card == nil {
		p.Card = q.Card
	}
	if p.Poll == nil {
		p.Poll = q.Poll
	}
	if p.CreatedAt.IsZero() {
		p.CreatedAt = q.CreatedAt
	}
	if p.Lang == "" {
		p.Lang = q.Lang
	}
	fillAuthor(p.Author, q.Author)
	// X's data says what a post answers, and that a root answers nothing;
	// the DOM's guess from cell order counts only when X's data is absent.
	if a.ReplyTo == "" && !a.FromGraphQL {
		a.ReplyTo, a.ReplyToHandle, a.Confirmed = b.ReplyTo, b.ReplyToHandle, b.Confirmed
	}
	a.SelfThread = a.SelfThread || b.SelfThread
	a.EndKnown = a.EndKnown || b.EndKnown
	if a.GapBelow == "" {
		a.GapBelow, a.GapCursor = b.GapBelow, b.GapCursor
	}
	a.ParentMissing = a.ParentMissing || b.ParentMissing
	a.NewerVersion = a.NewerVersion || b.NewerVersion
	if p.EditedAt.IsZero() {
		p.EditedAt, p.PreviousIDs = q.EditedAt, q.PreviousIDs
	}
}

func fillMedia(m *thread.Media, o thread.Media) {
	if m.URL == "" {
		m.URL = o.URL
	}
	if m.Poster == "" {
		m.Poster = o.Poster
	}
	if m.Alt == "" {
		m.Alt = o.Alt
	}
	if m.Width == 0 && m.Height == 0 {
		m.Width, m.Height = o.Width, o.Height
	}
	if m.DurationMS == 0 {
		m.DurationMS = o.DurationMS
	}
}

func fillAuthor(a, b *thread.Author) {
	if a == nil || b == nil {
		return
	}
	if a.Name == "" {
		a.Name = b.Name
	}
	if a.Avatar == "" {
		a.Avatar = b.Avatar
	}
	if a.ID == "" {
		a.ID = b.ID
	}
	a.Verified = a.Verified || b.Verified
}

// thread walks the focal author's chain: up through the posts the focal
// post answers while they are the author's own, then down through the
// author's replies to the last post, preferring the one X marks as the
// thread's continuation, else the first shown.
func (g *xGraph) thread() (*thread.Thread, error) {
	chain, focal, err := g.chain()
	if err != nil {
		return nil, err
	}
	return g.assemble(chain, focal)
}

// chain is the focal author's chain in order, and the focal post.
func (g *xGraph) chain() ([]*xNode, *xNode, error) {
	focal := g.nodes[g.latest(g.focalID)]
	if focal == nil {
		return nil, nil, thread.Errorf(thread.ENOTFOUND, "the %s content does not hold post %s, the one the page URL names", g.source, g.focalID)
	}
	if g.focalHandle != "" && !strings.EqualFold(g.focalHandle, focal.Handle) {
		// X redirects /<anyone>/status/<id> to the real author; the page's
		// own post decides, but say so only if it was not an /i/ URL.
		g.focalHandle = focal.Handle
	}
	author := focal.Handle
	seen := map[string]bool{focal.Post.ID: true}
	chain := []*xNode{focal}
	for cur := focal; cur.ReplyTo != ""; {
		p := g.nodes[g.latest(cur.ReplyTo)]
		if p == nil || p.Handle != author || seen[p.Post.ID] {
			break
		}
		seen[p.Post.ID] = true
		chain = append(chain, p)
		cur = p
	}
	reverseXNodes(chain)
	children := map[string][]*xNode{}
	for _, id := range g.seq {
		n := g.nodes[id]
		// An older version whose newer one is here is not a post of its own.
		if n.ReplyTo != "" && n.Handle == author && g.latest(id) == id {
			children[g.latest(n.ReplyTo)] = append(children[g.latest(n.ReplyTo)], n)
		}
	}
	for {
		last := chain[len(chain)-1]
		var next *xNode
		for _, c := range children[last.Post.ID] {
			if seen[c.Post.ID] {
				continue
			}
			if next == nil || (c.SelfThread && !next.SelfThread) {
				next = c
			}
		}
		if next == nil {
			break
		}
		seen[next.Post.ID] = true
		chain = append(chain, next)
	}
	return chain, focal, nil
}

func (g *xGraph) assemble(chain []*xNode, focal *xNode) (*thread.Thread, error) {
	a := *focal.Post.Author
	t := &thread.Thread{
		Platform: thread.X,
		URL:      xStatusURL(a.Handle, focal.Post.ID),
		ID:       chain[0].Post.ID,
		Author:   a,
		FocalID:  focal.Post.ID,
	}
	var gaps []string
	if g.startMissing(chain[0]) {
		gaps = append(gaps, fmt.Sprintf("post 1 continues an earlier post by @%s that is not in the capture, so the start of the thread is missing", a.Handle))
	}
	for i, n := range chain {
		p := n.Post
		// ReplyTo is what both sources can know: the previous post of the
		// chain, or for the first post the parent X's data names.
		p.ReplyTo = ""
		hidden := i > 0 && chain[i-1].GapBelow != "" && !(n.Confirmed && g.latest(n.ReplyTo) == chain[i-1].Post.ID)
		switch {
		case i > 0 && !hidden:
			p.ReplyTo = chain[i-1].Post.ID
		case n.Confirmed:
			p.ReplyTo = n.ReplyTo
		}
		if p.Author != nil && strings.EqualFold(p.Author.Handle, a.Handle) {
			p.Author = nil
		}
		if p.Truncated && n.ShowMore {
			gaps = append(gaps, cutShortGap(i+1, "(“Show more”) and its full text was not in the capture"))
		}
		if n.NewerVersion {
			gaps = append(gaps, fmt.Sprintf("post %d was edited at the source; the capture holds an earlier version of it", i+1))
		}
		if hidden {
			gaps = append(gaps, fmt.Sprintf("between post %d and post %d the page shows %s instead of posts, so posts may be missing there", i, i+1, chain[i-1].GapBelow))
		}
		t.Posts = append(t.Posts, p)
	}
	last := chain[len(chain)-1]
	switch {
	case g.stoppedBy == "limit":
		gaps = append(gaps, "the collector stopped at its post limit before reaching the end of the thread")
	case g.stoppedBy == "cancelled":
		gaps = append(gaps, "the collection was cancelled before reaching the end of the thread")
	case last.GapBelow != "":
		gaps = append(gaps, fmt.Sprintf("below post %d the page shows %s, so the thread may go on", len(chain), last.GapBelow))
	case last.EndKnown || g.stoppedBy == "boundary" || g.stoppedBy == "end":
	default:
		gaps = append(gaps, fmt.Sprintf("the capture ends at post %d without showing what follows it, so later posts of the thread may be missing", len(chain)))
	}
	t.Gaps = gaps
	t.Complete = len(gaps) == 0
	return t, nil
}

// startMissing tells whether the source shows that first, the chain's first
// post, continues an earlier post by its author that the source lacks.
func (g *xGraph) startMissing(first *xNode) bool {
	return first.ParentMissing || (first.ReplyTo != "" && first.ReplyToHandle == first.Handle && g.nodes[g.latest(first.ReplyTo)] == nil)
}

func reverseXNodes(s []*xNode) {
	for i, j := 0, len(s)-1; i < j; i, j = i+1, j-1 {
		s[i], s[j] = s[j], s[i]
	}
}
