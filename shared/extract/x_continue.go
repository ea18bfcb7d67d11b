package extract

// XContinuations: what X's own JSON says of the author's chain before any
// scrolling — whether the TweetDetail responses the page fetched already
// hold all of it, and if not, which of X's cursors would bring the rest.
// The extension asks X for those cursors the way the page does and calls
// again with the answers, until the chain is complete or nothing is left
// to ask; only then does it fall back to scrolling the page.

import (
	"unspool/shared/thread"
)

// MaxXContinuations bounds how many cursors one unroll follows: a 40-post
// answer each, it covers threads far longer than X lets anyone post, and
// it stops a page that keeps answering with new cursors.
const MaxXContinuations = 30

// XChain is the state of the author's chain in X's JSON.
type XChain struct {
	// Complete is true when the JSON alone holds the chain from its root
	// (or the first ancestor X returned) to its end: a post by someone
	// else after it, or the end of the conversation, with no cursor left
	// inside the author's thread.
	Complete bool `json:"complete"`
	// Posts is the number of the chain's posts the JSON holds (0 when it
	// does not hold the focal post).
	Posts int `json:"posts"`
	// First and Last are the ids of the chain's first and last posts held.
	First string `json:"first,omitempty"`
	Last  string `json:"last,omitempty"`
	// StartKnown is true when the JSON holds the chain's start: its first
	// post continues no earlier post of its author. A collector can then
	// leave the posts above the focal one alone.
	StartKnown bool `json:"startKnown"`
	// Next lists the cursors that would extend the chain, the most direct
	// first; empty when complete, when X's JSON names none, or after
	// MaxXContinuations.
	Next []XCursor `json:"next"`
	// Missing says, in words, what the JSON lacks when it is not complete.
	Missing []string `json:"missing,omitempty"`
}

// XCursor is one request that would load a part of the conversation X
// held back: the page's own TweetDetail request with variables.cursor set
// to Cursor.
type XCursor struct {
	Cursor string `json:"cursor"`
	// Kind is X's cursorType: "ShowMore" (the rest of the author's reply
	// module), "Bottom" (more of the conversation below its last entry) or
	// "Top" (more ancestors).
	Kind string `json:"kind"`
	// Post is the chain post it continues (for "Top": the one it precedes).
	Post string `json:"post"`
}

// XContinuations reads the JSON bodies of c (its HTML is not read) for the
// thread of pageURL's focal post. A body of another conversation is left
// out; c.Followed names the cursors whose answers are among c.JSON.
func XContinuations(pageURL string, c Collected) (*XChain, error) {
	p, err := newPage(pageURL, []byte("-"))
	if err != nil {
		return nil, err
	}
	if !isXHost(p.URL.Host) {
		return nil, thread.Errorf(thread.EINVALID, "continuations are read for X pages only, not %s", p.URL.Host)
	}
	handle, id, err := xFocal(p.URL)
	if err != nil {
		return nil, err
	}
	if err := xCollectedSize(c); err != nil {
		return nil, err
	}
	g, err := xJSONGraph(handle, id, "x-graphql", c)
	if err != nil {
		return nil, err
	}
	out := &XChain{Next: []XCursor{}}
	chain, focal, err := g.chain()
	if err != nil {
		out.Missing = []string{err.Error()}
		return out, nil
	}
	t, err := g.assemble(chain, focal)
	if err != nil {
		return nil, err
	}
	first, last := chain[0], chain[len(chain)-1]
	out.Complete, out.Posts, out.Missing = t.Complete, len(chain), t.Gaps
	out.First, out.Last = first.Post.ID, last.Post.ID
	out.StartKnown = !g.startMissing(first)
	if len(c.Followed) >= MaxXContinuations {
		return out, nil
	}
	switch {
	case last.GapCursor != "":
		out.Next = append(out.Next, XCursor{Cursor: last.GapCursor, Kind: xCursorShowMore, Post: last.Post.ID})
	case !last.EndKnown && last.GapBelow == "" && len(g.bottom) > 0:
		out.Next = append(out.Next, XCursor{Cursor: g.bottom[len(g.bottom)-1], Kind: xCursorBottom, Post: last.Post.ID})
	}
	if !out.StartKnown && len(g.top) > 0 {
		out.Next = append(out.Next, XCursor{Cursor: g.top[len(g.top)-1], Kind: xCursorTop, Post: first.Post.ID})
	}
	return out, nil
}
