package store

import "context"

// purgeBatch bounds what one write purges: the cost rides on a request, so
// it stays a few index reads and deletes however much has piled up.
const purgeBatch = 50

// purge deletes, a batch at a time, what this database keeps for nothing:
// unpublished shares past their 410 period (their pages answer 404 from
// then on anyway, see SharePageBody), the forwards moves left for such
// pages (an unpublished forward leads only to a purged page; see
// Sharded.retireForwards) and rate-limit counters of past windows (on
// Workers every client address leaves one).
//
// It runs on the writes that are rare next to pushes — creating a library,
// publishing and unpublishing — in the database being written. That works
// the same natively and on Workers with no scheduler to set up (a Worker's
// cron trigger is optional and off by default, see wrangler.toml), and
// a database nobody writes to does not grow, so what it keeps can wait.
// Failures only leave the rows for the next write: the answer to the
// request does not depend on them.
func (s *Store) purge(ctx context.Context) {
	now := s.Now()
	_, _ = s.db.ExecContext(ctx,
		`DELETE FROM shares WHERE slug IN (
		   SELECT slug FROM shares WHERE deleted = 1 AND updated_at < ? LIMIT ?)`,
		now-s.cfg.GoneSeconds*1000, purgeBatch)
	_, _ = s.db.ExecContext(ctx,
		`DELETE FROM rate_limits WHERE key IN (SELECT key FROM rate_limits WHERE win < ? LIMIT ?)`,
		now/(int64(s.cfg.RateWindow)*1000), purgeBatch)
}

// goneExpired tells an unpublished share whose 410 period is over, purged
// or not yet: its page is unknown, as after the purge.
func (s *Store) goneExpired(updatedAt int64) bool {
	return updatedAt < s.Now()-s.cfg.GoneSeconds*1000
}
