package sync

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"
)

// The sync policy: the numbers the extension runs with and the tests prove.
// A sync runs in a browser's background context, which the browser stops
// after about 30 s without events (a Chrome service worker) and which holds
// the WASM while it runs; so a sync waits briefly in place for a failure
// that passes quickly and leaves anything longer to the next sync, which
// the extension schedules (chrome.alarms) after RetryIn.
const (
	// MaxAttempts is how often one request is tried in a sync: a dropped
	// connection or a restarting server is over within seconds.
	MaxAttempts = 4
	// MaxRounds bounds the push rounds of one sync. Each round after the
	// first only sends records another device changed meanwhile (merged,
	// sent again); eight lost races in a row mean heavy contention, and
	// the next sync carries on rather than keep the worker busy.
	MaxRounds = 8
	// firstWait doubles after each failed attempt up to maxWait: the waits
	// of one request add up to a few seconds.
	firstWait = 500 * time.Millisecond
	maxWait   = 4 * time.Second
	// maxRetryAfter is the longest Retry-After waited out inside a sync
	// (a 429's window); a longer one ends the sync, and the next one is
	// scheduled after it.
	maxRetryAfter = 10 * time.Second
	// Between syncs that failed: 15 s after the first failure, doubling up
	// to half an hour, so an offline laptop or a server down for a day
	// costs a handful of requests an hour.
	firstRetryIn = 15 * time.Second
	maxRetryIn   = 30 * time.Minute
)

// DefaultBackoff waits firstWait, twice that, … up to maxWait before retry
// attempt n (1-based), each drawn uniformly from [d/2, d] ("equal
// jitter"): devices that failed together do not retry together, and a wait
// never collapses to zero.
func DefaultBackoff(attempt int) time.Duration {
	d := firstWait << min(max(attempt-1, 0), 10)
	d = min(d, maxWait)
	return d/2 + rand.N(d/2+1)
}

// RetryIn is how long the extension waits before the next sync after
// failures syncs in a row failed, the last with err: doubling from
// firstRetryIn up to maxRetryIn, plus up to a fifth at random so that
// devices do not come back together, and never sooner than the server's
// Retry-After.
func RetryIn(failures int, err error) time.Duration {
	d := min(firstRetryIn<<min(max(failures-1, 0), 20), maxRetryIn)
	d += rand.N(d/5 + 1)
	var ae *APIError
	if errors.As(err, &ae) && ae.RetryAfter > d {
		d = ae.RetryAfter
	}
	return d
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// retry runs fn until it succeeds, fails for good (see Retryable), or has
// been tried MaxAttempts times, waiting between attempts as the client's
// backoff says, or as the server's Retry-After says if longer — unless that
// is longer than maxRetryAfter: then the sync ends, and RetryIn honours it.
func (c *Client) retry(ctx context.Context, rep *Report, fn func() error) error {
	for attempt := 1; ; attempt++ {
		err := fn()
		if err == nil || !Retryable(err) || attempt >= c.opts.MaxAttempts || ctx.Err() != nil {
			return err
		}
		d := c.opts.Backoff(attempt)
		var ae *APIError
		if errors.As(err, &ae) && ae.RetryAfter > d {
			if ae.RetryAfter > maxRetryAfter {
				return err
			}
			d = ae.RetryAfter
		}
		rep.Retries++
		if err := c.opts.Sleep(ctx, d); err != nil {
			return err
		}
	}
}
