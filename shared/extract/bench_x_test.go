package extract

import (
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
