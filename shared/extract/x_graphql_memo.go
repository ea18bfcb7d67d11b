package extract

// The extension asks about the same TweetDetail bodies several times in one
// unroll: once per cursor it follows (each time with every body so far), then
// once more to extract the thread. Decoding a body and turning its entries
// into posts is most of the cost in the WASM, so the last bodies read are kept as
// their flattened timeline (gqlSlots) and a body seen again is not read
// again. The kept posts are never handed out: each use gets copies, since
// building a graph fills posts in (gaps, ends, media and authors merged from
// the page's cells).

import (
	"slices"
	"sync"

	"unspool/shared/thread"
)

// Bounds on what is kept: a 200-post thread is ~0.8 MB in 5 bodies.
const (
	xMemoMaxEntries = 32
	xMemoMaxBytes   = 16 << 20
)

var xMemo struct {
	sync.Mutex
	entries []xMemoEntry // oldest first
	bytes   int
}

type xMemoEntry struct {
	body  string
	r     *gqlResponse
	slots []gqlSlot
}

// xReadGraphQL is xParseGraphQL then gqlSlots for a body seen before or
// not; the slots' posts are the caller's to change.
func xReadGraphQL(body string) (*gqlResponse, []gqlSlot, error) {
	if e, ok := xMemoGet(body); ok {
		return e.r, xCloneSlots(e.slots), nil
	}
	r, err := xParseGraphQL([]byte(body))
	if err != nil {
		return nil, nil, err
	}
	slots := gqlSlots(r)
	if len(body) <= xMemoMaxBytes {
		xMemoPut(xMemoEntry{body, r, xCloneSlots(slots)})
	}
	return r, slots, nil
}

func xMemoGet(body string) (xMemoEntry, bool) {
	xMemo.Lock()
	defer xMemo.Unlock()
	for _, e := range xMemo.entries {
		if len(e.body) == len(body) && e.body == body {
			return e, true
		}
	}
	return xMemoEntry{}, false
}

func xMemoPut(e xMemoEntry) {
	xMemo.Lock()
	defer xMemo.Unlock()
	xMemo.entries = append(xMemo.entries, e)
	xMemo.bytes += len(e.body)
	for len(xMemo.entries) > xMemoMaxEntries || xMemo.bytes > xMemoMaxBytes {
		xMemo.bytes -= len(xMemo.entries[0].body)
		xMemo.entries = xMemo.entries[1:]
	}
}

// xMemoReset forgets every body read (benchmarks and tests start cold).
func xMemoReset() {
	xMemo.Lock()
	defer xMemo.Unlock()
	xMemo.entries, xMemo.bytes = nil, 0
}

func xCloneSlots(slots []gqlSlot) []gqlSlot {
	out := slices.Clone(slots)
	for i := range out {
		if out[i].node != nil {
			n := *out[i].node
			n.Post = xClonePost(n.Post)
			out[i].node = &n
		}
	}
	return out
}

// xClonePost copies p and everything it points to.
func xClonePost(p thread.Post) thread.Post {
	if p.Author != nil {
		a := *p.Author
		p.Author = &a
	}
	p.Content = slices.Clone(p.Content)
	p.Media = slices.Clone(p.Media)
	if p.Quote != nil {
		q := xClonePost(*p.Quote)
		p.Quote = &q
	}
	if p.Card != nil {
		c := *p.Card
		p.Card = &c
	}
	if p.Poll != nil {
		poll := *p.Poll
		poll.Options = slices.Clone(poll.Options)
		if poll.EndsAt != nil {
			at := *poll.EndsAt
			poll.EndsAt = &at
		}
		p.Poll = &poll
	}
	return p
}
