// Command capacity prints docs/capacity.md's tables: shards and the monthly
// Workers + D1 bill for a number of users, from the per-request costs of
// server/store and the prices and limits Cloudflare publishes (each input
// is a flag, its default the figure docs/capacity.md cites).
//
//	go run ./bench/capacity [-stored 4385] [-threads 30] [-hours 8] [-devices 2] [-views 20] [-pullwrites 1]
package main

import (
	"flag"
	"fmt"
	"math"
)

var (
	stored  = flag.Float64("stored", 4385, "bytes stored per record in the database (measured: docs/capacity.md)")
	threads = flag.Float64("threads", 30, "threads saved per user per month (assumption)")
	hours   = flag.Float64("hours", 8, "browser hours per device per day (assumption)")
	devices = flag.Float64("devices", 2, "devices per user (assumption)")
	views   = flag.Float64("views", 20, "share page views per user per month (assumption)")
	months  = flag.Float64("months", 12, "months of saving the storage has accumulated")
	cpuMs   = flag.Float64("cpu", 33, "Worker CPU ms per request (measured: docs/benchmarks.md, Share pages)")
	peak    = flag.Float64("peak", 3, "peak request rate over the mean")
	// Every request now writes its rate-limit counter in D1; 0 models
	// counting them elsewhere (Workers' Rate Limiting binding).
	pullWrites = flag.Float64("pullwrites", 1, "D1 rows written by an idle pull")
)

// Published by Cloudflare (docs/capacity.md links each).
const (
	shardBytes      = 10e9 * 0.7 // 10 GB per D1 database, kept ≤ 70 % full
	queriesPerSec   = 1000.0     // one query at a time, ~1 ms each
	workersBase     = 5.0
	reqIncluded     = 10e6
	reqPrice        = 0.30 / 1e6
	cpuIncluded     = 30e6
	cpuPrice        = 0.02 / 1e6
	readIncluded    = 25e9
	readPrice       = 0.001 / 1e6
	writeIncluded   = 50e6
	writePrice      = 1.00 / 1e6
	storageIncluded = 5.0 // GB
	storagePrice    = 0.75
	accountStorage  = 1e12
)

type bill struct {
	reqs, shards, storageGB, requests, cpu, reads, writes, storage, total float64
}

// What one request costs in D1 on Workers (server/store; docs/capacity.md
// lists each statement): a pull reads the address's wrong-key count, the
// library, bumps the rate-limit counter and reads the records; a push of one
// new record also reads the database's storage usage and writes the record,
// whose triggers update the library's and the database's counters.
const (
	pullQueries, pullReads           = 4, 4 // reads: + the records returned
	pushQueries, pushReads, pushRows = 5, 8, 6
	viewQueries, viewReads           = 1, 1
)

func model(users float64) bill {
	pulls := *devices * *hours * 12 * 30 // every 5 minutes while the browser runs
	pushes := 2 * *threads
	perUser := pulls + pushes + *views
	var b bill
	b.reqs = users * perUser
	writes := users * (pulls**pullWrites + pushes*pushRows)
	reads := users * (pulls*pullReads + pushes*pushReads + *views*viewReads)
	bytes := users * *threads * *months * *stored
	b.storageGB = bytes / 1e9
	queries := users * (pulls*pullQueries + pushes*pushQueries + *views*viewQueries)
	peakQPS := queries / (30 * 86400) * *peak
	b.shards = math.Max(1, math.Ceil(math.Max(bytes/shardBytes, peakQPS/queriesPerSec)))
	b.requests = math.Max(0, b.reqs-reqIncluded) * reqPrice
	b.cpu = math.Max(0, b.reqs**cpuMs-cpuIncluded) * cpuPrice
	b.reads = math.Max(0, reads-readIncluded) * readPrice
	b.writes = math.Max(0, writes-writeIncluded) * writePrice
	b.storage = math.Max(0, b.storageGB-storageIncluded) * storagePrice
	b.total = workersBase + b.requests + b.cpu + b.reads + b.writes + b.storage
	return b
}

func main() {
	flag.Parse()
	fmt.Printf("per user per month: %.0f requests; stored %.0f KB a month\n\n",
		*devices**hours*12*30+2**threads+*views, *threads**stored/1e3)
	fmt.Println("| users | requests / month | stored | shards | Workers requests + CPU | D1 rows read | D1 rows written | D1 storage | **total / month** |")
	fmt.Println("|---|---|---|---|---|---|---|---|---|")
	for _, u := range []float64{1e4, 1e6, 1e7} {
		b := model(u)
		note := ""
		if b.storageGB*1e9 > accountStorage {
			note = " (over 1 TB)"
		}
		fmt.Printf("| %s | %s | %s%s | %.0f | $%s + $%s | $%s | $%s | $%s | **$%s** |\n", count(u), count(b.reqs),
			size(b.storageGB), note, b.shards, money(b.requests), money(b.cpu), money(b.reads), money(b.writes), money(b.storage), money(b.total+0))
	}
}

func count(v float64) string {
	switch {
	case v >= 1e9:
		return fmt.Sprintf("%.1f B", v/1e9)
	case v >= 1e6:
		return fmt.Sprintf("%.1f M", v/1e6)
	case v >= 1e3:
		return fmt.Sprintf("%.0f k", v/1e3)
	}
	return fmt.Sprintf("%.0f", v)
}

func size(gb float64) string {
	if gb >= 1000 {
		return fmt.Sprintf("%.1f TB", gb/1000)
	}
	return fmt.Sprintf("%.0f GB", gb)
}

func money(v float64) string {
	if v >= 100 {
		return fmt.Sprintf("%.0f", math.Round(v))
	}
	return fmt.Sprintf("%.2f", v)
}
