package store

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"unspool/server/library"
)

// rateLimit counts one request for key in the current fixed window and
// refuses it past limit.
func (s *Store) rateLimit(ctx context.Context, key string, limit int) error {
	if limit <= 0 {
		return nil
	}
	now := s.Now()
	windowMs := int64(s.cfg.RateWindow) * 1000
	win := now / windowMs
	count, err := s.count(ctx, key, win)
	if err != nil {
		return fmt.Errorf("rate limit: %w", err)
	}
	if count > int64(limit) {
		return s.tooMany(now, fmt.Sprintf("more than %d requests in %d s; retry later", limit, s.cfg.RateWindow))
	}
	return nil
}

// tooMany is a 429 whose Retry-After is the end of the window now is in.
func (s *Store) tooMany(now int64, msg string) error {
	windowMs := int64(s.cfg.RateWindow) * 1000
	retry := int(((now/windowMs+1)*windowMs - now + 999) / 1000)
	return &library.Error{Code: library.ERATELIMITED, RetryAfter: max(retry, 1), Message: msg}
}

// countInDB counts in one UPSERT, so concurrent requests on separate
// Worker instances share the count.
func (s *Store) countInDB(ctx context.Context, key string, win int64) (int64, error) {
	var count int64
	err := s.db.QueryRowContext(ctx,
		`INSERT INTO rate_limits (key, win, count) VALUES (?, ?, 1)
		 ON CONFLICT (key) DO UPDATE SET
		   count = CASE WHEN rate_limits.win = excluded.win THEN rate_limits.count + 1 ELSE 1 END,
		   win = excluded.win
		 RETURNING count`, key, win).Scan(&count)
	return count, err
}

// memoryCounter is the native server's rate-limit counter: the same fixed
// windows as countInDB, held in the one process that serves every request.
type memoryCounter struct {
	mu  sync.Mutex
	win int64
	// counts holds only the current window's keys: a new window starts empty,
	// so memory stays bounded by one window's distinct clients.
	counts map[string]int64
}

func (m *memoryCounter) count(_ context.Context, key string, win int64) (int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	// A request that read the clock just before the window turned counts
	// in the new one rather than bringing the old one back.
	if win > m.win || m.counts == nil {
		m.win, m.counts = win, map[string]int64{}
	}
	m.counts[key]++
	return m.counts[key], nil
}

// counterShard is the shard that keeps key's counts, for a request served
// by shard i: a library's own, or the one a client address hashes to.
func (s *Sharded) counterShard(i int, key string) int {
	if strings.HasPrefix(key, "lib:") {
		return i
	}
	return ShardOf(key, len(s.shards))
}

// routedCount is shard i's rate-limit counter on Workers, where counts live
// in the databases: a library's budget is counted in its own shard (the
// request touches no other), a client address's creations in the shard the
// address hashes to, so the limit holds across shards. If that shard is
// down the creation is counted in the library's shard instead: a per-shard
// limit for the while, rather than refusing a healthy shard's libraries.
func (s *Sharded) routedCount(i int, self *Store) func(context.Context, string, int64) (int64, error) {
	return s.routed(i, self, (*Store).countInDB)
}

// routed runs a counter operation op in the shard that keeps key's counts,
// falling back to shard i (self) when that one cannot answer.
func (s *Sharded) routed(i int, self *Store, op func(*Store, context.Context, string, int64) (int64, error)) func(context.Context, string, int64) (int64, error) {
	return func(ctx context.Context, key string, win int64) (int64, error) {
		if j := s.counterShard(i, key); j != i {
			if other, err := s.get(ctx, j); err == nil {
				if n, err := op(other, ctx, key, win); err == nil {
					return n, nil
				}
			}
		}
		return op(self, ctx, key, win)
	}
}
