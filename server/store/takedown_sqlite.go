//go:build !js

package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// TakeDownShare takes a share page down in the data directory dir, whose
// server may be running (SQLite serialises the write with the server's).
// Every shard file is tried: a library may have moved since it published,
// and the statement matches only where the page lives. It returns the shard
// that held the page, or an error when no shard did.
func TakeDownShare(ctx context.Context, dir, slug string) (int, error) {
	if _, err := os.Stat(ShardFile(dir, 0)); err != nil {
		return 0, fmt.Errorf("no database in %s: %w", dir, err)
	}
	for i := 0; i < MaxShards; i++ {
		file := ShardFile(dir, i)
		if _, err := os.Stat(file); errors.Is(err, fs.ErrNotExist) {
			break
		}
		st, err := Open(ctx, file, Config{})
		if err != nil {
			return 0, err
		}
		found, err := st.takeDown(ctx, slug)
		st.Close()
		if err != nil || found {
			return i, err
		}
	}
	return 0, fmt.Errorf("no share %s in %s", slug, dir)
}
