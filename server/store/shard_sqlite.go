//go:build !js

package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// ShardFile is shard i's SQLite file in the data directory: shard 0 is the
// single-database server's unspool.db, so one file is the default and a
// server started with -shards 1 reads what it always read.
func ShardFile(dir string, i int) string {
	if i == 0 {
		return filepath.Join(dir, "unspool.db")
	}
	return filepath.Join(dir, fmt.Sprintf("unspool-%d.db", i))
}

// shardCountFile records how many shards the data directory was made for:
// started with another N, every library would be looked for in the wrong
// file, so Open refuses rather than serve empty libraries.
const shardCountFile = "shards"

// OpenShards opens the n SQLite files of dir (ShardFile) as one Sharded
// store. A shard that cannot be opened is served as unavailable (its
// libraries get 503) and opened again on a request after RetryAfter; if no
// shard opens, it is an error. The rate-limit counts are kept in memory,
// one counter for all shards, as for a single file.
func OpenShards(ctx context.Context, dir string, n int, cfg Config) (*Sharded, []error, error) {
	if n < 1 || n > MaxShards {
		return nil, nil, fmt.Errorf("shards must be 1..%d, not %d", MaxShards, n)
	}
	if err := checkShardCount(dir, n); err != nil {
		return nil, nil, err
	}
	counter := &memoryCounter{}
	opens := make([]func(context.Context) (*Store, error), n)
	for i := range opens {
		opens[i] = func(ctx context.Context) (*Store, error) {
			st, err := Open(ctx, ShardFile(dir, i), cfg)
			if err != nil {
				return nil, err
			}
			st.count = counter.count
			return st, nil
		}
	}
	s := newSharded(opens)
	errs := s.OpenAll(ctx)
	for _, err := range errs {
		if err == nil {
			return s, errs, nil
		}
	}
	s.Close()
	return nil, nil, fmt.Errorf("no shard could be opened: %w", errors.Join(errs...))
}

// checkShardCount compares n with the count recorded in dir, recording it
// the first time. A directory from before shards were recorded holds one
// file, unspool.db.
func checkShardCount(dir string, n int) error {
	path := filepath.Join(dir, shardCountFile)
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		if _, err := os.Stat(ShardFile(dir, 0)); err == nil && n != 1 {
			return fmt.Errorf("%s holds one database (unspool.db), not %d shards: growing it is a re-sharding (docs/scaling.md)", dir, n)
		}
		return os.WriteFile(path, []byte(strconv.Itoa(n)+"\n"), 0o600)
	}
	if err != nil {
		return err
	}
	had, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		return fmt.Errorf("%s: not a shard count: %q", path, b)
	}
	if had != n {
		return fmt.Errorf("%s holds %d shards, not %d: changing the count is a re-sharding (docs/scaling.md)", dir, had, n)
	}
	return nil
}
