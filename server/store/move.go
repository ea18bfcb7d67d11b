package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Growing N from `from` shards: ShardOf is a jump hash, so a library either
// stays or moves to one of the new shards, never between two old ones.
// Each library whose home changes is moved by single statements (D1 has no
// transactions, and none would span two databases), in an order where every
// intermediate state serves correctly:
//
//  1. freeze it in its old shard (moving = 1): reads go on, every write
//     statement is refused by a trigger (503, Retry-After 1), so what is
//     copied next is everything ever acknowledged;
//  2. copy it to its new shard as arriving (moving = 2, not served): the
//     library row with its created_at, records with their seq (so every
//     device's cursor stays valid), shares with their slugs — idempotent, so
//     a crashed move resumes where it stopped;
//  3. switch: moving = 0 in the new shard, the one statement at which the
//     library moves;
//  4. moved (3) in the old shard, whose shares become forwards and records
//     go.
//
// Routing (Sharded.homes) serves a library from its new shard once it is
// live there, else from its old one; a request that raced a step is told
// errElsewhere and asks the other shard.

// moveBatch is how many rows a move reads at once.
const moveBatch = 200

// errBudget stops a mover that has spent its statements (a Workers
// invocation may run at most 1,000 D1 queries); the next run resumes.
var errBudget = errors.New("statement budget spent")

// Grow moves libraries from their shard over GrowingFrom() shards to their
// shard over N, spending about budget statements, and says whether every
// old shard is done (a whole pass over it moved nothing). Progress is kept
// in each old shard (grow_progress), so any run resumes where the last one
// stopped, in this process or another.
func (s *Sharded) Grow(ctx context.Context, budget int) (moved int, done bool, err error) {
	from, n := s.GrowingFrom(), len(s.shards)
	done = true
	for old := range from {
		src, err := s.get(ctx, old)
		if err != nil {
			return moved, false, err
		}
		k, err := s.growShard(ctx, src, old, n, &budget)
		moved += k
		if errors.Is(err, errBudget) {
			return moved, false, nil
		}
		if err != nil {
			return moved, false, fmt.Errorf("shard %d: %w", old, err)
		}
		var shardDone bool
		if err := src.db.QueryRowContext(ctx, `SELECT done FROM grow_progress WHERE shards = ?`, n).Scan(&shardDone); err != nil {
			return moved, false, err
		}
		done = done && shardDone
	}
	return moved, done, nil
}

// growShard runs the mover over one old shard from its recorded place
// until the shard is done or the budget is spent.
func (s *Sharded) growShard(ctx context.Context, src *Store, old, n int, budget *int) (moved int, err error) {
	if _, err := src.db.ExecContext(ctx, `INSERT INTO grow_progress (shards) VALUES (?) ON CONFLICT DO NOTHING`, n); err != nil {
		return 0, err
	}
	var after string
	var inPass int
	var done bool
	if err := src.db.QueryRowContext(ctx, `SELECT after, moved, done FROM grow_progress WHERE shards = ?`, n).
		Scan(&after, &inPass, &done); err != nil {
		return 0, err
	}
	save := func() error {
		_, err := src.db.ExecContext(ctx, `UPDATE grow_progress SET after = ?, moved = ?, done = ? WHERE shards = ?`,
			after, inPass, done, n)
		return err
	}
	for !done {
		if *budget -= 1; *budget < 0 {
			return moved, errors.Join(errBudget, save())
		}
		ids, err := src.unmovedIDs(ctx, after)
		if err != nil {
			return moved, err
		}
		if len(ids) == 0 {
			// A pass that moved nothing ends the shard's growth; else pass again.
			done, after, inPass = inPass == 0, "", 0
			if err := save(); err != nil {
				return moved, err
			}
			continue
		}
		for _, id := range ids {
			if to := ShardOf(id, n); to != old {
				if err := s.move(ctx, id, src, to, budget); err != nil {
					return moved, errors.Join(err, save())
				}
				moved++
				inPass++
			}
			after = id
		}
		if err := save(); err != nil {
			return moved, err
		}
	}
	return moved, nil
}

// DoneGrowing routes every library by ShardOf(id, N) alone from now on.
func (s *Sharded) DoneGrowing() { s.from.Store(0) }

// unmovedIDs pages through the ids of the libraries this shard serves or is
// moving out, in id order after after.
func (s *Store) unmovedIDs(ctx context.Context, after string) ([]string, error) {
	rows, err := s.rdb.QueryContext(ctx,
		`SELECT id FROM libraries WHERE id > ? AND moving IN (?, ?) ORDER BY id LIMIT ?`,
		after, stateLive, stateFrozen, moveBatch)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// spend takes k statements from the budget, errBudget when there are not
// that many left.
func spend(budget *int, k int) error {
	if *budget < k {
		return errBudget
	}
	*budget -= k
	return nil
}

// move takes library id from src to shard to (steps 1–4 above); run again
// after a failure at any step, it finishes the move.
func (s *Sharded) move(ctx context.Context, id string, src *Store, to int, budget *int) error {
	// The statements of a move besides its rows.
	if err := spend(budget, 10); err != nil {
		return err
	}
	dst, err := s.get(ctx, to)
	if err != nil {
		return err
	}
	if _, err := src.db.ExecContext(ctx,
		`UPDATE libraries SET moving = ? WHERE id = ? AND moving = ?`, stateFrozen, id, stateLive); err != nil {
		return fmt.Errorf("freeze: %w", err)
	}
	var keyHash string
	var createdAt, state int64
	err = src.db.QueryRowContext(ctx, `SELECT key_hash, created_at, moving FROM libraries WHERE id = ?`, id).
		Scan(&keyHash, &createdAt, &state)
	if errors.Is(err, sql.ErrNoRows) {
		return nil // deleted before the freeze: nothing to move
	}
	if err != nil {
		return err
	}
	if state == stateFrozen {
		if err := copyLibrary(ctx, src, dst, id, keyHash, createdAt, budget); err != nil {
			return err
		}
		if _, err := src.db.ExecContext(ctx, `UPDATE libraries SET moving = ? WHERE id = ?`, stateMoved, id); err != nil {
			return fmt.Errorf("mark moved: %w", err)
		}
	}
	// What stays in the old shard: a forward for each share page, the
	// library row (so a late request learns where to go), no records.
	if _, err := src.db.ExecContext(ctx,
		`UPDATE shares SET moved_to = ?, etag = '', html = '', md = '', txt = '', json = '', csp = '', size = 0
		 WHERE library_id = ? AND moved_to IS NULL`, to, id); err != nil {
		return fmt.Errorf("forward shares: %w", err)
	}
	if _, err := src.db.ExecContext(ctx, `DELETE FROM records WHERE library_id = ?`, id); err != nil {
		return fmt.Errorf("drop moved records: %w", err)
	}
	return nil
}

// copyLibrary copies a frozen library into dst as arriving and switches it
// live there; already live there (an earlier run switched it), it does
// nothing.
func copyLibrary(ctx context.Context, src, dst *Store, id, keyHash string, createdAt int64, budget *int) error {
	if _, err := dst.db.ExecContext(ctx,
		`INSERT INTO libraries (id, key_hash, created_at, moving) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
		id, keyHash, createdAt, stateArriving); err != nil {
		return fmt.Errorf("arrive: %w", err)
	}
	var state, dstCreated int64
	if err := dst.db.QueryRowContext(ctx, `SELECT moving, created_at FROM libraries WHERE id = ?`, id).
		Scan(&state, &dstCreated); err != nil {
		return err
	}
	if dstCreated != createdAt {
		// Creations go to the new shard only when the old has no such
		// library, so this is a bug or a hand edit: stop, lose nothing.
		return fmt.Errorf("a different library with this id is already in the new shard")
	}
	if state == stateLive {
		return nil
	}
	if err := copyRecords(ctx, src, dst, id, budget); err != nil {
		return err
	}
	if err := copyShares(ctx, src, dst, id, budget); err != nil {
		return err
	}
	if _, err := dst.db.ExecContext(ctx,
		`UPDATE libraries SET moving = ? WHERE id = ? AND moving = ?`, stateLive, id, stateArriving); err != nil {
		return fmt.Errorf("switch: %w", err)
	}
	return nil
}

// copyRecords copies the frozen records in seq order, resuming after the
// highest seq already copied; the triggers in dst count them for the quota.
func copyRecords(ctx context.Context, src, dst *Store, id string, budget *int) error {
	var last int64
	if err := dst.db.QueryRowContext(ctx,
		`SELECT COALESCE(MAX(seq), 0) FROM records WHERE library_id = ?`, id).Scan(&last); err != nil {
		return err
	}
	type rec struct {
		id, blob           string
		seq, deleted, size int64
	}
	for {
		rows, err := src.rdb.QueryContext(ctx,
			`SELECT id, seq, deleted, blob, size FROM records WHERE library_id = ? AND seq > ? ORDER BY seq LIMIT ?`,
			id, last, moveBatch)
		if err != nil {
			return fmt.Errorf("read records: %w", err)
		}
		var batch []rec
		for rows.Next() {
			var r rec
			if err := rows.Scan(&r.id, &r.seq, &r.deleted, &r.blob, &r.size); err != nil {
				rows.Close()
				return err
			}
			batch = append(batch, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if len(batch) == 0 {
			return nil
		}
		for _, r := range batch {
			if err := spend(budget, 1); err != nil {
				return err
			}
			if _, err := dst.db.ExecContext(ctx,
				`INSERT INTO records (library_id, id, seq, deleted, blob, size) VALUES (?, ?, ?, ?, ?, ?)
				 ON CONFLICT DO NOTHING`, id, r.id, r.seq, r.deleted, r.blob, r.size); err != nil {
				return fmt.Errorf("copy record: %w", err)
			}
		}
		last = batch[len(batch)-1].seq
	}
}

// shareColumns are the shares columns a move copies (all but moved_to).
const shareColumns = `slug, library_id, thread_key, platform, thread_id, thread_url, title, indexable,
	created_at, updated_at, deleted, etag, html, md, txt, json, csp, size`

// copyShares copies the library's share rows, live and unpublished, with
// the slugs they were published under.
func copyShares(ctx context.Context, src, dst *Store, id string, budget *int) error {
	rows, err := src.rdb.QueryContext(ctx,
		`SELECT `+shareColumns+` FROM shares WHERE library_id = ? AND moved_to IS NULL`, id)
	if err != nil {
		return fmt.Errorf("read shares: %w", err)
	}
	var all [][]any
	for rows.Next() {
		var (
			slug, lib, key, platform, threadID, threadURL, title, etag, csp string
			indexable, created, updated, deleted, size                      int64
			html, md, txt, js                                               []byte
		)
		if err := rows.Scan(&slug, &lib, &key, &platform, &threadID, &threadURL, &title, &indexable,
			&created, &updated, &deleted, &etag, &html, &md, &txt, &js, &csp, &size); err != nil {
			rows.Close()
			return err
		}
		all = append(all, []any{slug, lib, key, platform, threadID, threadURL, title, indexable,
			created, updated, deleted, etag, string(html), string(md), string(txt), string(js), csp, size})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, args := range all {
		if err := spend(budget, 1); err != nil {
			return err
		}
		if _, err := dst.db.ExecContext(ctx,
			`INSERT INTO shares (`+shareColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			 ON CONFLICT DO NOTHING`, args...); err != nil {
			return fmt.Errorf("copy share: %w", err)
		}
	}
	return nil
}
