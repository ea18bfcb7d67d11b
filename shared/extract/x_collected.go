package extract

// ExtractCollected: one thread from everything the extension gathered on a
// virtualised X page — the HTML of its cells as they scrolled past, and the
// TweetDetail responses the page fetched.

import (
	"strconv"
	"strings"

	"unspool/shared/thread"
)

// Collected is what the extension gathered on one page.
type Collected struct {
	// HTML holds pages or cells' outerHTML, in the order they were seen.
	// Overlapping captures are fine: cells are matched by post id.
	HTML []string `json:"html"`
	// JSON holds TweetDetail response bodies.
	JSON []string `json:"json"`
	// StoppedBy says why the collector stopped scrolling: "boundary" (it saw
	// the reply boundary), "end" (the page had nothing more to load),
	// "limit" (its post limit), "cancelled" (the person stopped it), or ""
	// (unknown: the content decides).
	StoppedBy string `json:"stoppedBy"`
	// Followed lists the cursors (the variables.cursor of X's requests)
	// whose responses are among JSON: what they held back is not missing.
	Followed []string `json:"followed,omitempty"`
}

// StoppedBy values.
var xStoppedBy = map[string]bool{"": true, "boundary": true, "end": true, "limit": true, "cancelled": true}

// ExtractCollected is ExtractCollected with default options.
func ExtractCollected(pageURL string, c Collected) (*thread.Thread, error) {
	return Options{}.ExtractCollected(pageURL, c)
}

// ExtractCollected merges the posts of every capture in c (GraphQL wins for
// text, media files and reply links; the DOM fills the rest) and walks the
// focal author's chain once over the union.
func (o Options) ExtractCollected(pageURL string, c Collected) (*thread.Thread, error) {
	p, err := newPage(pageURL, []byte("-"))
	if err != nil {
		return nil, err
	}
	if !isXHost(p.URL.Host) {
		return nil, thread.Errorf(thread.EINVALID, "collected captures are read for X pages only, not %s", p.URL.Host)
	}
	if !xStoppedBy[c.StoppedBy] {
		return nil, thread.Errorf(thread.EINVALID, "stoppedBy %q is not one of boundary, end, limit, cancelled", c.StoppedBy)
	}
	if err := xCollectedSize(c); err != nil {
		return nil, err
	}
	handle, id, err := xFocal(p.URL)
	if err != nil {
		return nil, err
	}
	if len(c.HTML) == 0 && len(c.JSON) == 0 {
		return nil, thread.Errorf(thread.EINVALID, "nothing was collected")
	}
	g, err := xJSONGraph(handle, id, "x-collected", c)
	if err != nil {
		return nil, err
	}
	g.stoppedBy = c.StoppedBy
	dom := newXGraph(handle, id, "x-dom")
	xCellsGraph(dom, xMergeCells(c.HTML))
	g.merge(dom)
	t, err := g.thread()
	if err != nil {
		return nil, err
	}
	return o.finish(t, "x-collected")
}

// xCollectedSize refuses captures larger than MaxContentBytes in all.
func xCollectedSize(c Collected) error {
	total := 0
	for _, s := range c.HTML {
		total += len(s)
	}
	for _, s := range c.JSON {
		total += len(s)
	}
	if total > MaxContentBytes {
		return thread.Errorf(thread.ETOOLARGE, "the captures are %d MB, more than the %d MB unspool reads", total>>20, MaxContentBytes>>20)
	}
	return nil
}

// xJSONGraph is the graph of c's TweetDetail bodies that belong to the
// conversation of the focal post. A page keeps responses of conversations
// it showed before (single-page navigation); their posts and cursors are
// not this thread's, so a body whose posts are all of another conversation
// is left out.
func xJSONGraph(handle, id, source string, c Collected) (*xGraph, error) {
	g := newXGraph(handle, id, source)
	type body struct {
		r     *gqlResponse
		slots []gqlSlot
		conv  string
	}
	var bodies []body
	focalConv := ""
	for i, s := range c.JSON {
		if !xJSONUsable(s) {
			continue
		}
		r, slots, err := xReadGraphQL(s)
		if err != nil {
			return nil, thread.Errorf(thread.ErrorCode(err), "json[%d]: %s", i, err.Error())
		}
		conv, hasFocal := xConversationOf(r, slots, id)
		if hasFocal && focalConv == "" {
			focalConv = conv
		}
		bodies = append(bodies, body{r, slots, conv})
	}
	followed := make(map[string]bool, len(c.Followed))
	for _, f := range c.Followed {
		followed[f] = true
	}
	for _, b := range bodies {
		if focalConv != "" && b.conv != "" && b.conv != focalConv {
			continue
		}
		g.addGraphQL(b.r, b.slots, followed)
	}
	return g, nil
}

// xJSONUsable skips captures that are not TweetDetail JSON (the extension
// may record other responses of the same endpoint family).
// It reads the string in place: a body is ~150 KB and is asked about on
// every look of an unroll, so a []byte copy of it would be most of what a
// look allocates (garbage the WASM's collector sweeps mid-click).
func xJSONUsable(s string) bool {
	for _, m := range xGraphQLMarkers {
		if strings.Contains(s, m) {
			return true
		}
	}
	return false
}

// xMergeCells lists the cells of several captures once each, in page order.
// Each capture is a run of consecutive cells; its cells already seen anchor
// it: new cells before its first known cell go just above that cell, new
// cells after a known cell go right after it, and a capture with no known
// cell goes at the end. Overlapping snapshots of a scrolling list, in any
// order, so knit into one list.
func xMergeCells(pages []string) []xCell {
	var out []xCell
	for k, s := range pages {
		doc, release, err := xParseDOM([]byte(s))
		if err != nil {
			continue
		}
		cells := xCells(doc)
		release() // cells hold posts read out, not nodes
		index := make(map[string]int, len(out))
		for i, c := range out {
			index[c.Key] = i
		}
		for i := range cells {
			// A placeholder above the capture's first post cannot be
			// matched with another capture's: keep it apart.
			if cells[i].Node == nil && strings.HasSuffix(cells[i].Key, ":after:") {
				cells[i].Key += strconv.Itoa(k)
			}
		}
		at := len(out)
		for _, c := range cells {
			if i, ok := index[c.Key]; ok {
				at = i
				break
			}
		}
		var merged []xCell
		merged = append(merged, out[:at]...)
		for _, c := range cells {
			if i, ok := index[c.Key]; ok {
				if c.Node != nil && out[i].Node != nil {
					mergeXNode(out[i].Node, c.Node)
				}
				// Everything of out up to and including the known cell comes first.
				for at <= i {
					merged = append(merged, out[at])
					at++
				}
				continue
			}
			merged = append(merged, c)
		}
		out = append(merged, out[at:]...)
	}
	return out
}
