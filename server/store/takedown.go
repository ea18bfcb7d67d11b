package store

import (
	"context"
	"fmt"
	"strings"

	"unspool/server/library"
)

// Operator takedowns: a share page the deployment's operator removed (a
// page published under someone else's name, say). The row stays as a
// tombstone whose deleted = sharesTakenDown, so its address answers 410
// saying the operator removed it, and the publisher's library no longer
// lists it. Nothing of the page is kept, nor counted in its library's
// quota; the tombstone is not purged with unpublished pages (purge.go).
const sharesTakenDown = 2

// TakeDownSQL is the one statement of a takedown, with the slug as its
// parameter: the native `unspool-server admin unpublish` runs it, and on
// Workers an operator runs it with `wrangler d1 execute` (docs/server.md
// shows it with the slug in place of ?). It matches only where the page
// lives (not a forward left by a move), so running it on every database
// is safe.
var TakeDownSQL = fmt.Sprintf(`UPDATE shares SET deleted = %d, etag = '', html = '', md = '', txt = '', json = '', csp = '', size = 0 WHERE slug = ? AND moved_to IS NULL`, sharesTakenDown)

// ShardBinding is shard i's D1 binding in wrangler.toml (operators name it
// in `wrangler d1 execute`, so it is known natively too).
func ShardBinding(i int) string { return fmt.Sprintf("DB_%d", i) }

// takeDown runs TakeDownSQL here; found says whether this database holds
// the page.
func (s *Store) takeDown(ctx context.Context, slug string) (found bool, err error) {
	res, err := s.db.ExecContext(ctx, TakeDownSQL, slug)
	if err != nil {
		return false, fmt.Errorf("take down %s: %w", slug, err)
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// SlugOf reads a share's slug from what an operator was sent: the slug, its
// path /t/<slug> or its whole address (a query or fragment ignored).
func SlugOf(s string) (string, error) {
	s = strings.TrimSpace(s)
	if i := strings.LastIndex(s, "/t/"); i >= 0 {
		s = s[i+len("/t/"):]
	}
	if i := strings.IndexAny(s, "?#"); i >= 0 {
		s = s[:i]
	}
	if _, _, ok := splitSlug(s); !ok {
		return "", library.Errorf(library.EINVALID, "%q is not a share slug or a /t/<slug> address", s)
	}
	return s, nil
}
