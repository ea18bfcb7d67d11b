package store

import (
	"context"
	"database/sql"
	"fmt"

	"unspool/server/library"
)

// publishRefusal names the limit that kept a publish of size bytes from
// being written (PublishShare's statement checks them all at once).
func (s *Store) publishRefusal(ctx context.Context, libID, threadKey string, size int64) error {
	if err := s.servedHere(ctx, libID); err != nil {
		return err
	}
	var live, libBytes int64
	var old sql.NullInt64
	if err := s.db.QueryRowContext(ctx,
		`SELECT (SELECT COUNT(*) FROM shares WHERE library_id = ?1 AND deleted = 0),
		   (SELECT size FROM shares WHERE library_id = ?1 AND thread_key = ?2 AND deleted = 0),
		   (SELECT bytes FROM libraries WHERE id = ?1)`,
		libID, threadKey).Scan(&live, &old, &libBytes); err != nil {
		return fmt.Errorf("read share limits: %w", err)
	}
	grow, rows := size-old.Int64, int64(0)
	if !old.Valid {
		rows = 1
		if live >= s.cfg.MaxShares {
			return library.Errorf(library.ETOOLARGE, "at most %d published threads per library: unpublish one first", s.cfg.MaxShares)
		}
	}
	if err := s.checkBudget(ctx, grow, rows); err != nil {
		return err
	}
	if libBytes+grow > s.cfg.MaxBytes {
		return library.Errorf(library.ETOOLARGE, "library quota: at most %d bytes, saved threads and published pages together", s.cfg.MaxBytes)
	}
	// Every limit passes now: another request changed something meanwhile.
	return &library.Error{Code: library.EUNAVAILABLE, RetryAfter: 1, Message: "the library changed meanwhile; retry"}
}
