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
	return s.at(ctx, a, func(st *Store, _ int) error { return st.UnpublishShare(ctx, a, slug) })
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
