package render_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"testing"

	"unspool/shared/render"
	"unspool/shared/thread"
)

// bench100 is the 100-post thread the extraction benchmark produces
// (../extract/testdata/x-dom/made-bench-100, 56 photos), so render and
// extract costs compare on the same thread; when that golden is absent, the
// made showcase thread repeated to 100 posts.
func bench100(b *testing.B) *thread.Thread {
	const golden = "../extract/testdata/x-dom/made-bench-100/expected.json"
	if _, err := os.Stat(golden); err == nil {
		return loadThread(b, golden)
	}
	base := madeThread(b, "x-search-rebuild")
	t := *base
	t.Posts = nil
	for i := 0; len(t.Posts) < 100; i++ {
		p := base.Posts[i%len(base.Posts)]
		p.ID = fmt.Sprintf("%d", 1000+i)
		t.Posts = append(t.Posts, p)
	}
	return &t
}

func benchWrite(b *testing.B, write func(io.Writer, *thread.Thread) error) {
	t := bench100(b)
	var buf bytes.Buffer
	if err := write(&buf, t); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(buf.Len())) // MB/s of output
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		if err := write(&buf, t); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRender100 is what the extension asks for on every unroll: the
// shadow-root fragment (stylesheet + reader) of a 100-post thread.
func BenchmarkRender100(b *testing.B) {
	benchWrite(b, func(w io.Writer, t *thread.Thread) error { return render.Render(w, t, render.Options{}) })
}

func BenchmarkDocument100(b *testing.B) {
	benchWrite(b, func(w io.Writer, t *thread.Thread) error { return render.Document(w, t, render.Options{}) })
}

func BenchmarkMarkdown100(b *testing.B) { benchWrite(b, render.WriteMarkdown) }

func BenchmarkText100(b *testing.B) { benchWrite(b, render.WriteText) }

// BenchmarkDecode100 is the JSON decoding every WASM call starts with
// (render and export take the thread as JSON), for comparison.
func BenchmarkDecode100(b *testing.B) {
	js, err := json.Marshal(bench100(b))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(js)))
	b.ReportAllocs()
	for b.Loop() {
		var t thread.Thread
		if err := json.Unmarshal(js, &t); err != nil {
			b.Fatal(err)
		}
	}
}
