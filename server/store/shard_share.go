package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"unspool/server/library"
	"unspool/shared/protocol"
)

// Share slugs carry the shard they were published in, so a public page is
// one read of one database (plus a forward per move of its library):
// "<shard>.<random>" for shards 1…N-1, the bare random part for shard 0 —
// the slugs of a single-database server, which keep working when it is
// given more shards. The stored slug is the public one.
func slugPrefix(i int) string {
	if i == 0 {
		return ""
	}
	return strconv.Itoa(i) + "."
}

// splitSlug reads the shard out of a public slug; ok is false for anything
// no store could have given out.
func splitSlug(slug string) (int, string, bool) {
	prefix, raw, found := strings.Cut(slug, ".")
	if !found {
		return 0, slug, library.ValidSlug(slug)
	}
	i, err := strconv.Atoi(prefix)
	if err != nil || i < 1 || i >= MaxShards || strconv.Itoa(i) != prefix {
		return 0, "", false
	}
	return i, raw, library.ValidSlug(raw)
}

// PublishShare implements library.ShareService.
func (s *Sharded) PublishShare(ctx context.Context, a library.Auth, build func() (*library.SharePage, error)) (sh protocol.Share, created bool, err error) {
	err = s.at(ctx, a, func(st *Store, _ int) (err error) {
		sh, created, err = st.PublishShare(ctx, a, func() (*library.SharePage, error) {
			p, err := build()
			if err != nil {
				return nil, notDatabase{err}
			}
			return p, nil
		})
		return err
	})
	return sh, created, err
}

// ListShares implements library.ShareService.
func (s *Sharded) ListShares(ctx context.Context, a library.Auth) (list []protocol.Share, err error) {
	err = s.at(ctx, a, func(st *Store, _ int) (err error) {
		list, err = st.ListShares(ctx, a)
		return err
	})
	return list, err
}

// UnpublishShare implements library.ShareService. The library's own shard
// holds every share it published, moved ones under their first slugs; a
// slug of another library matches no row there.
func (s *Sharded) UnpublishShare(ctx context.Context, a library.Auth, slug string) error {
	home := -1
	err := s.at(ctx, a, func(st *Store, i int) error {
		home = i
		return st.UnpublishShare(ctx, a, slug)
	})
	if err != nil {
		return err
	}
	if from, _, ok := splitSlug(slug); ok {
		s.retireForwards(ctx, from, home, forwardsOfSlug, slug)
	}
	return nil
}

// originsOf lists the shards other than home that library's pages were
// published in (their slugs say so): where the forwards of its moves start.
func (st *Store) originsOf(ctx context.Context, libraryID string, home int) []int {
	rows, err := st.rdb.QueryContext(ctx, `SELECT slug FROM shares WHERE library_id = ? AND moved_to IS NULL`, libraryID)
	if err != nil {
		return nil
	}
	defer rows.Close()
	seen := map[int]bool{}
	var out []int
	for rows.Next() {
		var slug string
		if rows.Scan(&slug) != nil {
			return out
		}
		if from, _, ok := splitSlug(slug); ok && from != home && !seen[from] {
			seen[from] = true
			out = append(out, from)
		}
	}
	return out
}

// What retireForwards matches: the constant text of a WHERE clause.
const (
	forwardsOfSlug    = `slug = ?`
	forwardsOfLibrary = `library_id = ?`
)

// retireForwards marks as unpublished, now, the forwards matching which
// from shard `from` along their moves to shard home, the pages behind them
// having just been unpublished there. Each forward is then purged when its
// page's 410 period ends (purge.go), at about the moment the page's own
// tombstone is: both answer 404 from then on. A forward that was a
// tombstone when its library moved is one already. Best effort: a shard
// that fails keeps its forwards (they lead to a page answering 410, then
// 404, as before) and the rest of the chain with them.
func (s *Sharded) retireForwards(ctx context.Context, from, home int, which string, arg string) {
	for i, n := from, 0; i != home && n < maxForwards; n++ {
		if i < 0 || i >= len(s.shards) {
			return
		}
		st, err := s.get(ctx, i)
		if err != nil {
			return
		}
		// A library moves out of a shard once (to one of the new shards
		// of a growth, never back), so its forwards there share moved_to.
		var next int
		if err := st.rdb.QueryRowContext(ctx,
			`SELECT moved_to FROM shares WHERE `+which+` AND moved_to IS NOT NULL LIMIT 1`, arg).Scan(&next); err != nil {
			return
		}
		if _, err := st.db.ExecContext(ctx,
			`UPDATE shares SET deleted = 1, updated_at = ? WHERE `+which+` AND moved_to IS NOT NULL AND deleted = 0`,
			st.Now(), arg); err != nil {
			return
		}
		i = next
	}
}

// maxForwards bounds how many moves a page's address follows: one per
// growth of N its library went through.
const maxForwards = 8

// SharePageBody implements library.ShareService: one read of the shard the
// slug names, and one more for each move of its library since.
func (s *Sharded) SharePageBody(ctx context.Context, slug, format string) (*library.PageBody, error) {
	i, _, ok := splitSlug(slug)
	if !ok || i >= len(s.shards) {
		return nil, library.Errorf(library.ENOTFOUND, "no such page")
	}
	for range maxForwards {
		st, err := s.get(ctx, i)
		if err != nil {
			return nil, err
		}
		body, err := st.SharePageBody(ctx, slug, format)
		var moved pageMoved
		if !errors.As(err, &moved) {
			return body, s.unavailable(err)
		}
		if moved.shard < 0 || moved.shard >= len(s.shards) {
			break
		}
		i = moved.shard
	}
	return nil, fmt.Errorf("share %s: forwards lead nowhere", slug)
}

// pageMoved is a share page's forward: its library moved to shard.
type pageMoved struct{ shard int }

func (e pageMoved) Error() string { return fmt.Sprintf("page moved to shard %d", e.shard) }
