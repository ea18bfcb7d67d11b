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
	"time"
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

// shardCountFile records how many shards the data directory was made for
// ("4"), or that it is growing ("4 from 2"): started with another N, every
// library would be looked for in the wrong file.
const shardCountFile = "shards"

// OpenShards opens the n SQLite files of dir (ShardFile) as one Sharded
// store. A shard that cannot be opened is served as unavailable (its
// libraries get 503) and opened again on a request after RetryAfter; if no
// shard opens, it is an error. The rate-limit counts are kept in memory,
// one counter for all shards, as for a single file.
//
// A directory made with fewer shards grows to n: the store serves while
// GrowingFrom() > 0, and FinishGrowing moves the libraries.
func OpenShards(ctx context.Context, dir string, n int, cfg Config) (*Sharded, []error, error) {
	if n < 1 || n > MaxShards {
		return nil, nil, fmt.Errorf("shards must be 1..%d, not %d", MaxShards, n)
	}
	from, err := checkShardCount(dir, n)
	if err != nil {
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
			st.count, st.peek = counter.count, counter.peek
			return st, nil
		}
	}
	s := newSharded(opens)
	s.from.Store(int64(from))
	errs := s.OpenAll(ctx)
	for _, err := range errs {
		if err == nil {
			return s, errs, nil
		}
	}
	s.Close()
	return nil, nil, fmt.Errorf("no shard could be opened: %w", errors.Join(errs...))
}

// nativeGrowBudget is the statements of one Grow call natively, between
// which the mover checks ctx and logs nothing: any size works.
const nativeGrowBudget = 10_000

// FinishGrowing moves every library of a growing directory to its shard
// while the store serves (retrying after a failure, e.g. a shard down),
// then records the new count. It returns when done or when ctx ends.
func (s *Sharded) FinishGrowing(ctx context.Context, dir string, logf func(string, ...any)) error {
	from, total := s.GrowingFrom(), 0
	if from == 0 {
		return nil
	}
	for {
		moved, done, err := s.Grow(ctx, nativeGrowBudget)
		total += moved
		if err != nil {
			logf("growing from %d to %d shards: %v (retrying in %d s)", from, s.N(), err, s.RetryAfter)
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(time.Duration(s.RetryAfter) * time.Second):
			}
			continue
		}
		if done {
			break
		}
	}
	// Natively every request goes through this process, which has routed
	// creations to the new shards since it started: nothing is left behind.
	if err := writeShardCount(dir, s.N(), 0); err != nil {
		return err
	}
	s.DoneGrowing()
	logf("grew from %d to %d shards: %d libraries moved", from, s.N(), total)
	return nil
}

// checkShardCount compares n with the count recorded in dir, recording it
// the first time, and returns the count a growth to n starts from (0 when
// not growing). A directory from before shards were recorded holds one
// file, unspool.db.
func checkShardCount(dir string, n int) (int, error) {
	path := filepath.Join(dir, shardCountFile)
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		had := 0
		if _, err := os.Stat(ShardFile(dir, 0)); err == nil {
			had = 1
		}
		if had == 0 || had == n {
			return 0, writeShardCount(dir, n, 0)
		}
		b = []byte("1")
	} else if err != nil {
		return 0, err
	}
	var had, from int
	if k, _ := fmt.Sscanf(string(b), "%d from %d", &had, &from); k < 1 {
		return 0, fmt.Errorf("%s: not a shard count: %q", path, b)
	}
	switch {
	case from != 0 && had != n:
		return 0, fmt.Errorf("%s is growing from %d to %d shards: start it with %d until that is done", dir, from, had, had)
	case from != 0:
		return from, nil
	case had == n:
		return 0, nil
	case had > n:
		return 0, fmt.Errorf("%s holds %d shards, not %d: shards can be added, not removed", dir, had, n)
	}
	return had, writeShardCount(dir, n, had)
}

// writeShardCount records n (growing from from, unless 0), replacing the
// file in one rename so a crash leaves the old record or the new one.
func writeShardCount(dir string, n, from int) error {
	text := strconv.Itoa(n)
	if from != 0 {
		text += " from " + strconv.Itoa(from)
	}
	tmp := filepath.Join(dir, shardCountFile+".tmp")
	if err := os.WriteFile(tmp, []byte(text+"\n"), 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(dir, shardCountFile))
}
