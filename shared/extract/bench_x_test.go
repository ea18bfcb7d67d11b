package extract

import (
	"fmt"
	"testing"
)

// BenchmarkExtractXDOM100 reads the made 100-post page (testdata/x-dom/
// made-bench-100, built from real cell structure); MB/s is page bytes.
func BenchmarkExtractXDOM100(b *testing.B) {
	page := xSource(b, "x-dom", "made-bench-100")
	url := "https://x.com/loom_weaver/status/" + mkID(1000)
	b.SetBytes(int64(len(page)))
	b.ReportAllocs()
	cpu := xCPUTime()
	for b.Loop() {
		th, err := Extract(url, page)
		if err != nil || len(th.Posts) != 100 {
			b.Fatalf("%v, %d posts", err, len(th.Posts))
		}
	}
	xReportCPU(b, cpu, len(page))
}

// xReportCPU adds MB/s by CPU time (see xCPUTime) as "cpu-MB/s".
func xReportCPU(b *testing.B, start float64, size int) {
	if used := xCPUTime() - start; used > 0 && start > 0 {
		b.ReportMetric(float64(size)*float64(b.N)/used/1e6, "cpu-MB/s")
	}
}

// BenchmarkExtractXGraphQL reads the real 4-post TweetDetail with 33 replies.
func BenchmarkExtractXGraphQL(b *testing.B) {
	detail := xSource(b, "x-graphql", "twscrape-raw_tweet_details")
	url := "https://x.com/XDevelopers/status/1649191520250245121"
	b.SetBytes(int64(len(detail)))
	b.ReportAllocs()
	cpu := xCPUTime()
	for b.Loop() {
		if _, err := Extract(url, detail); err != nil {
			b.Fatal(err)
		}
	}
	xReportCPU(b, cpu, len(detail))
}

// BenchmarkXDecodeGraphQL is the decoding alone of the real TweetDetail
// BenchmarkExtractXGraphQL reads: what encoding/json costs (in the WASM
// most of all, where it is ~15× slower than natively).
func BenchmarkXDecodeGraphQL(b *testing.B) {
	detail := xSource(b, "x-graphql", "twscrape-raw_tweet_details")
	b.SetBytes(int64(len(detail)))
	for b.Loop() {
		if _, err := xParseGraphQL(detail); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkXJSONFirst is the work one JSON-first unroll asks of the WASM
// (the extension's x-collector): a look at the captured TweetDetail bodies
// after each answer (XContinuations), then the extraction of all of them.
// The first body holds the chain's first 40 posts and each ShowMore answer
// 40 more, as the made X client of the extension's tests sends them. Each
// unroll starts with nothing decoded. MB/s is the bytes of the bodies.
func BenchmarkXJSONFirst(b *testing.B) {
	for _, n := range []int{20, 64, 200} {
		b.Run(fmt.Sprint(n, "posts"), func(b *testing.B) {
			chain, conv, mod, others := mkLongThread(n, 5000)
			url := xStatusURL(mkWeaver.Handle, chain[0].ID)
			var bodies, cursors []string
			size := 0
			for start := 0; start < n; start += 40 {
				end := min(start+40, n)
				showMore := ""
				if end < n {
					showMore = fmt.Sprint("c-", end)
				}
				if start == 0 {
					bodies = append(bodies, mkConvFirst(conv, "", nil, chain[0], chain[1:end], showMore, others, ""))
				} else {
					bodies = append(bodies, mkConvAppend(conv, mod, chain[start:end], showMore))
				}
				cursors = append(cursors, showMore)
				size += len(bodies[len(bodies)-1])
			}
			b.SetBytes(int64(size))
			b.ReportAllocs()
			for b.Loop() {
				xMemoReset()
				for look := range bodies {
					chain, err := XContinuations(url, Collected{JSON: bodies[:look+1], Followed: cursors[:look]})
					if err != nil || chain.Complete != (look == len(bodies)-1) {
						b.Fatalf("look %d: %v, %+v", look, err, chain)
					}
				}
				th, err := ExtractCollected(url, Collected{JSON: bodies, Followed: cursors})
				if err != nil || len(th.Posts) != n {
					b.Fatalf("%v, %d posts", err, len(th.Posts))
				}
			}
		})
	}
}
