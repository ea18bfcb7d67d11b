package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"unspool/server/library"
)

// Wrong auth keys are counted per client address, across every library, and
// the count is read before any key is compared: once an address has sent
// Config.KeyGuessLimit wrong keys in a window, every authenticated request
// from it is refused until the window ends — a right guess included, so a
// guesser learns nothing faster than the limit, whichever library it tries.
// Requests without a client address (the store used directly) are not
// limited.

// keyGuessKey is the rate_limits key of an address's wrong keys: an IPv6
// client's whole /64 is one address, as for creating libraries.
func keyGuessKey(client string) string { return "keyguess:" + library.CreatorNetwork(client) }

// checkKeyGuesses refuses a client that has used up its wrong keys in the
// current window. It only reads the count.
func (s *Store) checkKeyGuesses(ctx context.Context, client string) error {
	if client == "" || s.cfg.KeyGuessLimit <= 0 {
		return nil
	}
	now := s.Now()
	win := now / (int64(s.cfg.RateWindow) * 1000)
	n, err := s.peek(ctx, keyGuessKey(client), win)
	if err != nil {
		return fmt.Errorf("wrong-key limit: %w", err)
	}
	if n >= int64(s.cfg.KeyGuessLimit) {
		return s.tooMany(now, fmt.Sprintf("more than %d wrong auth keys from this address in %d s; retry later", s.cfg.KeyGuessLimit, s.cfg.RateWindow))
	}
	return nil
}

// countKeyGuess adds one wrong key to the client's count. A failure to count
// is not the caller's business: the request is refused with 401 anyway.
func (s *Store) countKeyGuess(ctx context.Context, client string) {
	if client == "" || s.cfg.KeyGuessLimit <= 0 {
		return
	}
	_, _ = s.count(ctx, keyGuessKey(client), s.Now()/(int64(s.cfg.RateWindow)*1000))
}

// peekInDB reads key's count in window win without adding to it.
func (s *Store) peekInDB(ctx context.Context, key string, win int64) (int64, error) {
	var n int64
	err := s.rdb.QueryRowContext(ctx, `SELECT count FROM rate_limits WHERE key = ? AND win = ?`, key, win).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return n, err
}

// peek is memoryCounter's read without a count.
func (m *memoryCounter) peek(_ context.Context, key string, win int64) (int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if win != m.win {
		return 0, nil
	}
	return m.counts[key], nil
}

// routedPeek reads where routedCount counts.
func (s *Sharded) routedPeek(i int, self *Store) func(context.Context, string, int64) (int64, error) {
	return s.routed(i, self, (*Store).peekInDB)
}
