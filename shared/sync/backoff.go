package sync

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"
)

// DefaultBackoff waits 250 ms, 500 ms, 1 s, … up to 30 s before retry
// attempt n (1-based), each drawn uniformly from [d/2, d] ("equal
// jitter"): devices that failed together do not retry together, and a wait
// never collapses to zero.
func DefaultBackoff(attempt int) time.Duration {
	d := 250 * time.Millisecond << min(max(attempt-1, 0), 7)
	d = min(d, 30*time.Second)
	return d/2 + rand.N(d/2+1)
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
// been tried maxAttempts times, waiting between attempts as the client's
// backoff says (or as the server's Retry-After says, if longer).
func (c *Client) retry(ctx context.Context, rep *Report, fn func() error) error {
	for attempt := 1; ; attempt++ {
		err := fn()
		if err == nil || !Retryable(err) || attempt >= c.opts.MaxAttempts || ctx.Err() != nil {
			return err
		}
		rep.Retries++
		d := c.opts.Backoff(attempt)
		var ae *APIError
		if errors.As(err, &ae) && ae.RetryAfter > d {
			d = ae.RetryAfter
		}
		if err := c.opts.Sleep(ctx, d); err != nil {
			return err
		}
	}
}
