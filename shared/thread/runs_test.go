package thread_test

import (
	"strings"
	"testing"

	"unspool/shared/thread"
)

// manyTextRuns is what a walker emits for a page of many paragraphs: text
// runs by the thousand, with an occasional link between stretches.
func manyTextRuns(n int) []thread.Run {
	runs := make([]thread.Run, 0, n)
	for i := range n {
		if i%10_000 == 9_999 {
			runs = append(runs, thread.Run{Type: thread.LinkRun, Text: "example.com", URL: "https://example.com/"})
			continue
		}
		runs = append(runs, thread.Run{Type: thread.TextRun, Text: "filler text of a large page "})
	}
	return runs
}

// TestNormalizeRunsMergesOnce: a stretch of text runs becomes one string
// built once, not one new string per run (which copies the text so far
// every time: quadratic, seconds on a 20 MB page).
func TestNormalizeRunsMergesOnce(t *testing.T) {
	runs := manyTextRuns(20_000)
	var got []thread.Run
	allocs := testing.AllocsPerRun(3, func() { got = thread.NormalizeRuns(runs) })
	// One slice for the result, one string per stretch (two here).
	if allocs > 8 {
		t.Errorf("NormalizeRuns of 20,000 runs made %.0f allocations, want a handful", allocs)
	}
	if len(got) != 4 || got[1].Type != thread.LinkRun || !strings.HasPrefix(got[0].Text, "filler text") {
		t.Fatalf("runs = %d, first %+v", len(got), got[0].Type)
	}
	if want := 9_999 * len("filler text of a large page "); len(got[0].Text) != want {
		t.Errorf("first stretch is %d bytes, want %d", len(got[0].Text), want)
	}
}

// TestNormalizeRunsEdges pins what merging keeps: empty runs of any type
// between text runs vanish and the text either side joins; a run with only
// a URL stays.
func TestNormalizeRunsEdges(t *testing.T) {
	got := thread.NormalizeRuns([]thread.Run{
		{Type: thread.TextRun, Text: " a"},
		{Type: thread.LinkRun},
		{Type: thread.TextRun, Text: "b"},
		{Type: thread.EmojiRun, URL: "https://e.example/x.png"},
		{Type: thread.TextRun, Text: "c "},
		{Type: thread.TextRun, Text: ""},
		{Type: thread.TextRun, Text: "d \n"},
	})
	want := []thread.Run{
		{Type: thread.TextRun, Text: "ab"},
		{Type: thread.EmojiRun, URL: "https://e.example/x.png"},
		{Type: thread.TextRun, Text: "c d"},
	}
	if len(got) != len(want) {
		t.Fatalf("NormalizeRuns = %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("run %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}

// BenchmarkNormalizeRuns merges 20,000 text runs (a 560 KB post's worth of
// paragraphs). BenchmarkPlainText over the same runs is the anchor: one
// linear pass that this change does not touch. Figures: docs/benchmarks.md.
func BenchmarkNormalizeRuns(b *testing.B) {
	runs := manyTextRuns(20_000)
	b.ReportAllocs()
	for b.Loop() {
		thread.NormalizeRuns(runs)
	}
}

func BenchmarkPlainText(b *testing.B) {
	runs := manyTextRuns(20_000)
	b.ReportAllocs()
	for b.Loop() {
		thread.PlainText(runs)
	}
}
