//go:build js && wasm

package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/syumai/workers/cloudflare/d1"
)

// OpenD1Shards returns the store over n D1 databases bound as DB_0…DB_{n-1},
// growing from `from` shards unless from is 0 (Sharded.Grow moves the
// libraries, on a cron event). A shard's binding is looked up only when a
// request needs that shard, so a missing or failing binding makes only its
// libraries unavailable.
func OpenD1Shards(n, from int, cfg Config) (*Sharded, error) {
	if n < 1 || n > MaxShards {
		return nil, fmt.Errorf("UNSPOOL_SHARDS must be 1..%d, not %d", MaxShards, n)
	}
	var s *Sharded
	opens := make([]func(context.Context) (*Store, error), n)
	for i := range opens {
		opens[i] = func(context.Context) (*Store, error) {
			c, err := d1.OpenConnector(ShardBinding(i))
			if err != nil {
				return nil, fmt.Errorf("binding %s: %w", ShardBinding(i), err)
			}
			db := sql.OpenDB(c)
			st := newStore(db, db, cfg)
			st.count, st.peek = s.routedCount(i, st), s.routedPeek(i, st)
			return st, nil
		}
	}
	s = newSharded(opens)
	s.from.Store(int64(from))
	return s, nil
}
