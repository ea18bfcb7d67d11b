package store

import (
	"context"
	"crypto/subtle"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"

	"unspool/server/library"
)

// libRow is what authentication reads of a library.
type libRow struct {
	createdAt   int64
	recordCount int64
	bytes       int64
}

// The states of libraries.moving (migrations/0004_moves.sql).
const (
	stateLive     = 0
	stateFrozen   = 1
	stateArriving = 2
	stateMoved    = 3
)

// errElsewhere says the library is not served from this database: it has
// moved out (its new shard serves it) or is still arriving (its old shard
// does). Sharded asks the other one; a lone Store never sees these states.
var errElsewhere = errors.New("library is served by another shard")

// CreateLibrary implements library.LibraryService.
func (s *Store) CreateLibrary(ctx context.Context, a library.Auth, client string) (bool, error) {
	if err := a.Validate(); err != nil {
		return false, err
	}
	if err := s.rateLimit(ctx, "create:"+library.CreatorNetwork(client), s.cfg.CreateLimit); err != nil {
		return false, err
	}
	hash := hex.EncodeToString(library.KeyHash(a.Key))
	// One statement: of two devices creating the same library at once, one
	// inserts and the other sees the row and compares keys. A database
	// whose budget is spent takes no new library (the WHERE).
	var createdAt int64
	err := s.db.QueryRowContext(ctx,
		`INSERT INTO libraries (id, key_hash, created_at)
		 SELECT ?1, ?2, ?3 WHERE (SELECT bytes < ?4 AND rows < ?5 FROM storage_usage)
		 ON CONFLICT (id) DO NOTHING RETURNING created_at`,
		a.LibraryID, hash, s.Now(), s.cfg.BudgetBytes, s.cfg.BudgetRows).Scan(&createdAt)
	if err == nil {
		s.purge(ctx)
		return true, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return false, fmt.Errorf("create library: %w", err)
	}
	if _, err := s.authenticate(ctx, s.db, a); err != nil {
		if library.ErrorCode(err) == library.ENOTFOUND {
			// Not inserted and not there: the budget refused it.
			return false, errStorageFull
		}
		return false, err
	}
	return false, nil
}

// authenticate checks a's key against the stored hash in constant time.
func (s *Store) authenticate(ctx context.Context, db *sql.DB, a library.Auth) (*libRow, error) {
	if err := a.Validate(); err != nil {
		return nil, err
	}
	if err := s.checkKeyGuesses(ctx, a.Client); err != nil {
		return nil, err
	}
	var row libRow
	var stored string
	var state int64
	err := db.QueryRowContext(ctx,
		`SELECT key_hash, created_at, record_count, bytes, moving FROM libraries WHERE id = ?`,
		a.LibraryID).Scan(&stored, &row.createdAt, &row.recordCount, &row.bytes, &state)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, library.Errorf(library.ENOTFOUND, "no such library")
	}
	if err != nil {
		return nil, fmt.Errorf("read library: %w", err)
	}
	if state == stateArriving || state == stateMoved {
		return nil, errElsewhere
	}
	want, err := hex.DecodeString(stored)
	if err != nil {
		return nil, fmt.Errorf("stored key hash is not hex")
	}
	if subtle.ConstantTimeCompare(want, library.KeyHash(a.Key)) != 1 {
		s.countKeyGuess(ctx, a.Client)
		return nil, library.Errorf(library.EUNAUTHORIZED, "wrong auth key for this library")
	}
	return &row, nil
}

// authorize authenticates and then counts the request against the library's
// rate limit (only requests that hold the key spend the library's budget).
func (s *Store) authorize(ctx context.Context, a library.Auth) (*libRow, error) {
	row, err := s.authenticate(ctx, s.rdb, a)
	if err != nil {
		return nil, err
	}
	if err := s.rateLimit(ctx, "lib:"+a.LibraryID, s.cfg.RateLimit); err != nil {
		return nil, err
	}
	return row, nil
}

// servedHere is errElsewhere when the library has moved out of (or not yet
// into) this database since the request authenticated: a write that then
// matched no row must be retried at the library's home, not answered.
func (s *Store) servedHere(ctx context.Context, libID string) error {
	state, _, err := s.libraryState(ctx, libID)
	if err != nil {
		return err
	}
	if state == stateArriving || state == stateMoved {
		return errElsewhere
	}
	return nil
}

// DeleteLibrary implements library.LibraryService. One statement: the
// records go with the library through ON DELETE CASCADE, so no moment exists
// where a re-created library could see the old records.
func (s *Store) DeleteLibrary(ctx context.Context, a library.Auth) error {
	if _, err := s.authorize(ctx, a); err != nil {
		return err
	}
	if _, err := s.db.ExecContext(ctx, `DELETE FROM libraries WHERE id = ?`, a.LibraryID); err != nil {
		return fmt.Errorf("delete library: %w", err)
	}
	// The budget row goes too; a failure here leaves only a counter behind.
	_, _ = s.db.ExecContext(ctx, `DELETE FROM rate_limits WHERE key = ?`, "lib:"+a.LibraryID)
	return nil
}

// libraryState reads id's moving state; ok is false when this database has
// no such library.
func (s *Store) libraryState(ctx context.Context, id string) (state int64, ok bool, err error) {
	err = s.db.QueryRowContext(ctx, `SELECT moving FROM libraries WHERE id = ?`, id).Scan(&state)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	return state, err == nil, err
}
