package extract

import (
	"reflect"
	"strings"
	"testing"
)

// mkLongThread is an n-post self-thread by mkWeaver (ids from first), the
// conversation id (its root), its continuation module's id, and two replies
// by others to the root.
func mkLongThread(n, first int) (chain []*mkPost, conv, mod string, others []*mkPost) {
	chain = mkChain(mkWeaver, n, first, false)
	chain[n-1].Replies = 2
	others = []*mkPost{mkReply(mkKit, first+n+50, chain[0], "Great thread"), mkReply(mkPat, first+n+51, chain[0], "Saved")}
	return chain, chain[0].ID, "conversationthread-" + chain[1].ID, others
}

func continuations(t *testing.T, url string, c Collected) *XChain {
	t.Helper()
	got, err := XContinuations(url, c)
	if err != nil {
		t.Fatalf("XContinuations: %v", err)
	}
	return got
}

func wantNext(t *testing.T, got *XChain, want ...XCursor) {
	t.Helper()
	if want == nil {
		want = []XCursor{}
	}
	if !reflect.DeepEqual(got.Next, want) {
		t.Fatalf("next = %+v, want %+v (chain %+v)", got.Next, want, got)
	}
}

func TestXContinuationsWholeChainInFirstResponse(t *testing.T) {
	chain, conv, _, others := mkLongThread(20, 3000)
	url := xStatusURL(mkWeaver.Handle, chain[0].ID)
	first := mkConvFirst(conv, "", nil, chain[0], chain[1:], "", others, "")
	got := continuations(t, url, Collected{JSON: []string{first}})
	if !got.Complete || got.Posts != 20 || got.First != chain[0].ID || got.Last != chain[19].ID || !got.StartKnown {
		t.Fatalf("got %+v, want the complete 20-post chain", got)
	}
	wantNext(t, got)
}

// The chain comes in three parts: the first response, then two answers to
// ShowMore cursors, as X sends a long self-thread. Each call names exactly
// the next cursor; with every answer the chain is complete, and
// ExtractCollected reads the same 25 posts.
func TestXContinuationsFollowShowMoreToTheEnd(t *testing.T) {
	chain, conv, mod, others := mkLongThread(25, 3100)
	url := xStatusURL(mkWeaver.Handle, chain[0].ID)
	first := mkConvFirst(conv, "", nil, chain[0], chain[1:10], "c-one", others, "")
	second := mkConvAppend(conv, mod, chain[10:20], "c-two")
	third := mkConvAppend(conv, mod, chain[20:], "")

	got := continuations(t, url, Collected{JSON: []string{first}})
	if got.Complete || got.Posts != 10 || !strings.Contains(strings.Join(got.Missing, " "), "Show replies") {
		t.Fatalf("first response alone: %+v", got)
	}
	wantNext(t, got, XCursor{Cursor: "c-one", Kind: "ShowMore", Post: chain[9].ID})

	got = continuations(t, url, Collected{JSON: []string{first, second}, Followed: []string{"c-one"}})
	if got.Complete || got.Posts != 20 {
		t.Fatalf("after one answer: %+v", got)
	}
	wantNext(t, got, XCursor{Cursor: "c-two", Kind: "ShowMore", Post: chain[19].ID})

	all := Collected{JSON: []string{first, second, third}, Followed: []string{"c-one", "c-two"}}
	got = continuations(t, url, all)
	if !got.Complete || got.Posts != 25 || got.Last != chain[24].ID {
		t.Fatalf("after both answers: %+v", got)
	}
	wantNext(t, got)

	th, err := ExtractCollected(url, all)
	if err != nil {
		t.Fatal(err)
	}
	if !th.Complete || len(th.Posts) != 25 {
		t.Fatalf("ExtractCollected: complete=%v, %d posts, gaps %q", th.Complete, len(th.Posts), th.Gaps)
	}
	for i, p := range th.Posts {
		if p.ID != chain[i].ID {
			t.Fatalf("post %d is %s, want %s", i+1, p.ID, chain[i].ID)
		}
	}
	// Without Followed the answers' posts are still read, but the first
	// response's cursor is not known to be answered: the last post's end is
	// then what the last answer says, so the thread is still complete.
	if th, err := ExtractCollected(url, Collected{JSON: all.JSON}); err != nil || len(th.Posts) != 25 {
		t.Fatalf("without followed: %v, %+v", err, th)
	}
}

// A cursor whose answer holds only others' replies: the chain ended right
// above it, and the thread is complete once the answer is in.
func TestXContinuationsAnswerWithoutTheAuthor(t *testing.T) {
	chain, conv, mod, _ := mkLongThread(8, 3200)
	url := xStatusURL(mkWeaver.Handle, chain[0].ID)
	first := mkConvFirst(conv, "", nil, chain[0], chain[1:], "c-more", nil, "")
	answer := mkConvAppend(conv, mod, []*mkPost{mkReply(mkKit, 3290, chain[7], "a reply to the last post")}, "")
	if got := continuations(t, url, Collected{JSON: []string{first}}); got.Complete {
		t.Fatalf("the cursor below the last post is not followed yet: %+v", got)
	}
	got := continuations(t, url, Collected{JSON: []string{first, answer}, Followed: []string{"c-more"}})
	if !got.Complete || got.Posts != 8 {
		t.Fatalf("got %+v", got)
	}
	wantNext(t, got)
}

// Looks at the same first response before and after its cursor is
// answered: what an earlier look made of its posts (a gap below the last
// one) must not stay with them, although the response is not read again.
func TestXContinuationsLookAgainAfterTheAnswer(t *testing.T) {
	chain, conv, mod, _ := mkLongThread(8, 3250)
	url := xStatusURL(mkWeaver.Handle, chain[0].ID)
	first := mkConvFirst(conv, "", nil, chain[0], chain[1:], "c-again", nil, "")
	answer := mkConvAppend(conv, mod, []*mkPost{mkReply(mkKit, 3299, chain[7], "a reply to the last post")}, "")
	xMemoReset()
	for range 2 {
		if got := continuations(t, url, Collected{JSON: []string{first}}); got.Complete || len(got.Next) != 1 {
			t.Fatalf("before the answer: %+v", got)
		}
	}
	if got := continuations(t, url, Collected{JSON: []string{first, answer}, Followed: []string{"c-again"}}); !got.Complete || got.Posts != 8 {
		t.Fatalf("after the answer: %+v", got)
	}
}

// The chain is the last thing in the response and X holds more of the
// conversation behind its Bottom cursor: follow it; an answer holding only
// others' replies settles it.
func TestXContinuationsBottomCursor(t *testing.T) {
	chain, conv, _, others := mkLongThread(6, 3300)
	url := xStatusURL(mkWeaver.Handle, chain[0].ID)
	first := mkConvFirst(conv, "", nil, chain[0], chain[1:], "", nil, "b-one")
	got := continuations(t, url, Collected{JSON: []string{first}})
	if got.Complete {
		t.Fatalf("nothing shows what follows the last post: %+v", got)
	}
	wantNext(t, got, XCursor{Cursor: "b-one", Kind: "Bottom", Post: chain[5].ID})
	more := mkConvMore(conv, others, "")
	got = continuations(t, url, Collected{JSON: []string{first, more}, Followed: []string{"b-one"}})
	if !got.Complete || got.Posts != 6 {
		t.Fatalf("got %+v", got)
	}
	wantNext(t, got)
}

// A page keeps responses of conversations it showed before. Another
// conversation's body — here by the same author, with its own cursors —
// adds nothing and asks for nothing.
func TestXContinuationsIgnoreAnotherConversation(t *testing.T) {
	chain, conv, _, others := mkLongThread(5, 3400)
	other, otherConv, _, _ := mkLongThread(5, 3500)
	url := xStatusURL(mkWeaver.Handle, chain[0].ID)
	mine := mkConvFirst(conv, "", nil, chain[0], chain[1:], "", others, "")
	// Made to look as if it continued this thread: its post answers our
	// last post. Only the conversation id tells it apart.
	other[1].ReplyTo = chain[4]
	theirs := mkConvFirst(otherConv, "", nil, other[0], other[1:3], "c-theirs", nil, "b-theirs")
	for _, order := range [][]string{{theirs, mine}, {mine, theirs}} {
		got := continuations(t, url, Collected{JSON: order})
		if !got.Complete || got.Posts != 5 {
			t.Fatalf("got %+v", got)
		}
		wantNext(t, got)
		th, err := ExtractCollected(url, Collected{JSON: order})
		if err != nil || len(th.Posts) != 5 || !th.Complete {
			t.Fatalf("ExtractCollected: %v %+v", err, th)
		}
	}
}

func TestXContinuationsTopCursorForMissingAncestors(t *testing.T) {
	chain, conv, _, others := mkLongThread(6, 3600)
	url := xStatusURL(mkWeaver.Handle, chain[3].ID)
	first := mkConvFirst(conv, "t-one", chain[2:3], chain[3], chain[4:], "", others, "")
	got := continuations(t, url, Collected{JSON: []string{first}})
	if got.Complete || got.First != chain[2].ID || got.StartKnown {
		t.Fatalf("got %+v", got)
	}
	wantNext(t, got, XCursor{Cursor: "t-one", Kind: "Top", Post: chain[2].ID})
}

func TestXContinuationsBounded(t *testing.T) {
	chain, conv, _, others := mkLongThread(10, 3700)
	url := xStatusURL(mkWeaver.Handle, chain[0].ID)
	first := mkConvFirst(conv, "", nil, chain[0], chain[1:5], "c-next", others, "")
	followed := make([]string, MaxXContinuations)
	for i := range followed {
		followed[i] = "spent-" + string(rune('a'+i%26))
	}
	got := continuations(t, url, Collected{JSON: []string{first}, Followed: followed})
	if got.Complete {
		t.Fatalf("got %+v", got)
	}
	wantNext(t, got)
}

func TestXContinuationsBadInput(t *testing.T) {
	chain, conv, _, _ := mkLongThread(3, 3800)
	first := mkConvFirst(conv, "", nil, chain[0], chain[1:], "", nil, "")
	if _, err := XContinuations("https://bsky.app/profile/a/post/b", Collected{JSON: []string{first}}); err == nil {
		t.Fatal("a page that is not X gave no error")
	}
	if _, err := XContinuations(xStatusURL(mkWeaver.Handle, chain[0].ID), Collected{JSON: []string{`{"data":{"threaded_conversation_with_injections_v2":{"instructions":[`}}); err == nil {
		t.Fatal("cut JSON gave no error")
	}
	// No body holds the focal post: nothing is known, nothing to follow.
	got := continuations(t, xStatusURL(mkWeaver.Handle, mkID(3899)), Collected{JSON: []string{first}})
	if got.Complete || got.Posts != 0 || len(got.Missing) == 0 {
		t.Fatalf("got %+v", got)
	}
	wantNext(t, got)
	got = continuations(t, xStatusURL(mkWeaver.Handle, chain[0].ID), Collected{})
	if got.Complete || got.Posts != 0 {
		t.Fatalf("no JSON at all: %+v", got)
	}
}

// Every look of an unroll asks whether each body so far is X's JSON: that
// question must not copy the body (~150 KB each, re-asked on each look; in
// the WASM every copy is garbage its collector must sweep mid-click).
func TestXJSONUsableReadsTheBodyInPlace(t *testing.T) {
	chain, conv, _, others := mkLongThread(200, 5000)
	body := mkConvFirst(conv, "", nil, chain[0], chain[1:], "", others, "")
	for _, c := range []struct {
		body string
		want bool
	}{{body, true}, {"  \n" + body, true}, {"", false}, {" \n\t", false}, {`{"data":{"user":{}}}`, false}} {
		if got := xJSONUsable(c.body); got != c.want {
			t.Errorf("xJSONUsable(%.40q…) = %v, want %v", c.body, got, c.want)
		}
	}
	if allocs := testing.AllocsPerRun(20, func() { xJSONUsable(body) }); allocs != 0 {
		t.Fatalf("xJSONUsable allocates %.0f times for a %d-byte body, want 0", allocs, len(body))
	}
}
