package sync_test

import (
	"bytes"
	"compress/flate"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"unspool/shared/protocol"
	"unspool/shared/sync"
	"unspool/shared/sync/synctest"
	"unspool/shared/thread"
)

// benchThread is a 100-post thread whose text is not repetitive like the
// synctest builder's: words drawn from a Zipf distribution over a
// 5,000-word vocabulary (as natural language is), about 220 characters a
// post, snowflake-like ids, one photo every third post, a link card every
// tenth — so compression figures are near what real threads give.
func benchThread(posts int) thread.Thread {
	r := rand.New(rand.NewPCG(42, 42))
	letters := "etaoinshrdlucmfwypvbgkjqxz"
	vocab := make([]string, 5000)
	for i := range vocab {
		n := 2 + r.IntN(8)
		var sb strings.Builder
		for range n {
			// Skew letter choice as English does.
			sb.WriteByte(letters[min(r.IntN(len(letters)), r.IntN(len(letters)))])
		}
		vocab[i] = sb.String()
	}
	zipf := rand.NewZipf(r, 1.1, 2, uint64(len(vocab)-1))
	base := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	t := thread.Thread{Platform: thread.X, ID: "1897000000000000000", URL: "https://x.com/author/status/1897000000000000000",
		Author:   thread.Author{Handle: "author", Name: "An Author", URL: "https://x.com/author", Avatar: "https://pbs.twimg.com/profile_images/1/a.jpg"},
		Complete: true, CapturedAt: base.Add(time.Hour), Source: "x-graphql"}
	for i := range posts {
		id := fmt.Sprintf("1897%015d", r.Int64N(1e15))
		if i == 0 {
			id = t.ID
		}
		var words []string
		for len(strings.Join(words, " ")) < 220 {
			words = append(words, vocab[zipf.Uint64()])
		}
		text := strings.Join(words, " ") + "."
		p := thread.Post{ID: id, URL: "https://x.com/author/status/" + id, CreatedAt: base.Add(time.Duration(i) * time.Minute),
			Text: text, Content: []thread.Run{{Text: text}}, Lang: "en", Media: []thread.Media{}}
		if i%3 == 0 {
			p.Media = append(p.Media, thread.Media{Type: thread.Photo, URL: fmt.Sprintf("https://pbs.twimg.com/media/G%014x.jpg", r.Uint64()>>8), Alt: strings.Join(words[:4], " "), Width: 1200, Height: 675})
		}
		if i%10 == 0 {
			p.Card = &thread.Card{URL: fmt.Sprintf("https://example.com/article/%d", r.IntN(1e6)), Title: strings.Join(words[:6], " "), Domain: "example.com"}
		}
		t.Posts = append(t.Posts, p)
	}
	return t
}

func benchSaved(b *testing.B) sync.SavedThread {
	var s sync.SavedThread
	if err := s.Save(benchThread(100), time.Now(), sync.HLC{Wall: 1_800_000_000_000, Device: "bench"}); err != nil {
		b.Fatal(err)
	}
	s.SetTags([]string{"history", "long read"}, sync.HLC{Wall: 1_800_000_000_001, Device: "bench"})
	return s
}

func BenchmarkSeal100Posts(b *testing.B) {
	k := newKeys(b)
	s := benchSaved(b)
	plain, _ := json.Marshal(s)
	b.SetBytes(int64(len(plain)))
	var blob string
	for b.Loop() {
		var err error
		if _, blob, err = k.Seal(s); err != nil {
			b.Fatal(err)
		}
	}
	// After the loop: b.Loop drops metrics reported before it.
	b.ReportMetric(float64(len(plain)), "json-bytes")
	b.ReportMetric(float64(len(blob)), "blob-bytes")
}

func BenchmarkOpen100Posts(b *testing.B) {
	k := newKeys(b)
	s := benchSaved(b)
	id, blob, _ := k.Seal(s)
	plain, _ := json.Marshal(s)
	b.SetBytes(int64(len(plain)))
	for b.Loop() {
		if _, err := k.Open(id, blob); err != nil {
			b.Fatal(err)
		}
	}
}

// Merging a pulled copy into an identical local one: the common case of
// every pull.
func BenchmarkMerge100PostsSame(b *testing.B) {
	s := benchSaved(b)
	for b.Loop() {
		sync.Merge(s, s)
	}
}

// Merging two different captures (a re-save that dropped 10 posts and
// re-captured the rest) plus a concurrent tag edit.
func BenchmarkMerge100PostsResave(b *testing.B) {
	a := benchSaved(b)
	t := benchThread(100)
	t.Posts = t.Posts[10:]
	c := a
	c.Save(t, time.Now(), sync.HLC{Wall: 1_800_000_000_500, Device: "other"})
	a.SetTags([]string{"x"}, sync.HLC{Wall: 1_800_000_000_400, Device: "bench"})
	for b.Loop() {
		sync.Merge(a, c)
	}
}

// The compression levels compared, for the choice in seal.go.
func BenchmarkDeflate100Posts(b *testing.B) {
	plain, _ := json.Marshal(benchSaved(b))
	for _, level := range []int{flate.BestSpeed, flate.DefaultCompression, flate.BestCompression} {
		b.Run(fmt.Sprintf("level%d", level), func(b *testing.B) {
			var buf bytes.Buffer
			for b.Loop() {
				buf.Reset()
				zw, _ := flate.NewWriter(&buf, level)
				zw.Write(plain)
				zw.Close()
			}
			b.ReportMetric(float64(buf.Len())/float64(len(plain))*100, "%size")
		})
	}
}

// The client's side of a first sync: pulling a 10,000-thread library (10
// posts each, through the in-memory server, so only the client's work —
// open, merge, bookkeeping — is measured).
func BenchmarkClientFirstPull10k(b *testing.B) {
	srv := synctest.NewServer()
	secret, _ := sync.NewSecret()
	k := sync.DeriveKeys(secret)
	srv.CreateLibrary(ctx, protocol.CreateLibraryRequest{LibraryID: k.LibraryID, AuthKey: k.AuthKey})
	full := benchThread(10)
	var batch []protocol.Change
	for i := range 10_000 {
		t := full
		t.ID = fmt.Sprint(2_000_000 + i)
		var s sync.SavedThread
		s.Save(t, time.Now(), sync.HLC{Wall: 1_800_000_000_000 + int64(i), Device: "seed"})
		id, blob, err := k.Seal(s)
		if err != nil {
			b.Fatal(err)
		}
		batch = append(batch, protocol.Change{ID: id, Blob: blob})
		if len(batch) == protocol.MaxBatchChanges {
			srv.Push(ctx, k.LibraryID, k.AuthKey, protocol.PushRequest{Changes: batch})
			batch = nil
		}
	}
	for b.Loop() {
		c, _ := sync.NewClient(sync.Options{Transport: srv, Secret: secret, Device: "fresh", PullLimit: protocol.MaxPullLimit})
		rep, err := c.Pull(ctx)
		if err != nil || rep.Pulled != 10_000 {
			b.Fatalf("%+v %v", rep, err)
		}
	}
}
