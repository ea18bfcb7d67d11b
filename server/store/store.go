// Package store implements library.LibraryService over database/sql. The
// same SQL runs on SQLite (modernc.org/sqlite, open_sqlite.go) natively and on
// Cloudflare D1 (open_d1.go, js/wasm), so it keeps to what both do alike:
//
//   - no transactions (D1 has none): each write that must be atomic is one
//     statement — sequence numbers are allocated by the statement that writes
//     the row, quota counters are kept by triggers, rate limits are one UPSERT;
//   - integers only for times (a time.Time argument panics in the D1 driver),
//     positional arguments only (D1 ignores sql.Named);
//   - nothing kept in memory between requests (a Worker instance lives for one).
package store

import (
	"context"
	"crypto/subtle"
	"database/sql"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"unspool/server/library"
	"unspool/shared/protocol"
)

// Migrations are the schema, shared with `wrangler d1 migrations apply`
// (server/worker/wrangler.toml points migrations_dir here).
//
//go:embed migrations/*.sql
var Migrations embed.FS

// Config holds the limits a deployment may tune; zero values take the
// defaults in DefaultConfig.
type Config struct {
	// RateLimit is the most requests per RateWindow seconds for one library
	// (and, for creating libraries, for one client address). 0 disables it.
	RateLimit  int
	RateWindow int
	// CreateLimit is the most libraries one client address may create per
	// RateWindow (creating is rare: one per person). 0 disables it.
	CreateLimit int
	// Quotas per library.
	MaxRecords int64
	MaxBytes   int64
	// MaxPullBytes caps one pull page's blobs (at least one record is always
	// sent), so a page of large records stays a reasonable response.
	MaxPullBytes int
}

// DefaultConfig is what production runs with: a syncing device makes a
// handful of requests per minute, so 600 a minute per library only stops
// runaways and abuse.
func DefaultConfig() Config {
	return Config{
		RateLimit:    600,
		RateWindow:   60,
		CreateLimit:  20,
		MaxRecords:   protocol.MaxLibraryRecords,
		MaxBytes:     protocol.MaxLibraryBytes,
		MaxPullBytes: protocol.MaxRequestBytes,
	}
}

// Store is the LibraryService over a database.
type Store struct {
	// db takes the writes; natively it is a single connection so SQLite
	// writers queue in Go instead of failing on a busy lock.
	db *sql.DB
	// rdb takes the reads (natively a pool of WAL readers; on D1 the same db).
	rdb *sql.DB
	cfg Config
	// Now is the clock in unix milliseconds; tests may replace it.
	Now func() int64
	// stop ends what Open started in the background (native checkpoints).
	stop func()
	// count adds one request for key in window win and returns the count so
	// far. On Workers it is the database (nothing in memory survives a
	// request); natively one process serves every request, so Open swaps in
	// memory and spares SQLite's single writer a write per request.
	count func(ctx context.Context, key string, win int64) (int64, error)
	// slugPrefix names this store's shard in the share slugs it gives out
	// ("" for shard 0 and a single database; see slugPrefix in shard.go).
	slugPrefix string
}

var _ library.LibraryService = (*Store)(nil)

func newStore(db, rdb *sql.DB, cfg Config) *Store {
	def := DefaultConfig()
	if cfg.RateWindow <= 0 {
		cfg.RateWindow = def.RateWindow
	}
	if cfg.MaxRecords <= 0 {
		cfg.MaxRecords = def.MaxRecords
	}
	if cfg.MaxBytes <= 0 {
		cfg.MaxBytes = def.MaxBytes
	}
	if cfg.MaxPullBytes <= 0 {
		cfg.MaxPullBytes = def.MaxPullBytes
	}
	s := &Store{db: db, rdb: rdb, cfg: cfg, Now: func() int64 { return time.Now().UnixMilli() }}
	s.count = s.countInDB
	return s
}

// Close closes the database handles.
func (s *Store) Close() error {
	if s.stop != nil {
		s.stop()
	}
	err := s.db.Close()
	if s.rdb != s.db {
		err = errors.Join(err, s.rdb.Close())
	}
	return err
}

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
	if err := s.rateLimit(ctx, "create:"+client, s.cfg.CreateLimit); err != nil {
		return false, err
	}
	hash := hex.EncodeToString(library.KeyHash(a.Key))
	// One statement: of two devices creating the same library at once, one
	// inserts and the other sees the row and compares keys.
	var createdAt int64
	err := s.db.QueryRowContext(ctx,
		`INSERT INTO libraries (id, key_hash, created_at) VALUES (?, ?, ?)
		 ON CONFLICT (id) DO NOTHING RETURNING created_at`,
		a.LibraryID, hash, s.Now()).Scan(&createdAt)
	if err == nil {
		return true, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return false, fmt.Errorf("create library: %w", err)
	}
	if _, err := s.authenticate(ctx, s.db, a); err != nil {
		return false, err
	}
	return false, nil
}

// authenticate checks a's key against the stored hash in constant time.
func (s *Store) authenticate(ctx context.Context, db *sql.DB, a library.Auth) (*libRow, error) {
	if err := a.Validate(); err != nil {
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

// rateLimit counts one request for key in the current fixed window and
// refuses it past limit.
func (s *Store) rateLimit(ctx context.Context, key string, limit int) error {
	if limit <= 0 {
		return nil
	}
	now := s.Now()
	windowMs := int64(s.cfg.RateWindow) * 1000
	win := now / windowMs
	count, err := s.count(ctx, key, win)
	if err != nil {
		return fmt.Errorf("rate limit: %w", err)
	}
	if count > int64(limit) {
		retry := int(((win+1)*windowMs - now + 999) / 1000)
		return &library.Error{Code: library.ERATELIMITED, RetryAfter: max(retry, 1),
			Message: fmt.Sprintf("more than %d requests in %d s; retry later", limit, s.cfg.RateWindow)}
	}
	return nil
}

// countInDB counts in one UPSERT, so concurrent requests on separate
// Worker instances share the count.
func (s *Store) countInDB(ctx context.Context, key string, win int64) (int64, error) {
	var count int64
	err := s.db.QueryRowContext(ctx,
		`INSERT INTO rate_limits (key, win, count) VALUES (?, ?, 1)
		 ON CONFLICT (key) DO UPDATE SET
		   count = CASE WHEN rate_limits.win = excluded.win THEN rate_limits.count + 1 ELSE 1 END,
		   win = excluded.win
		 RETURNING count`, key, win).Scan(&count)
	return count, err
}

// memoryCounter is the native server's rate-limit counter: the same fixed
// windows as countInDB, held in the one process that serves every request.
type memoryCounter struct {
	mu  sync.Mutex
	win int64
	// counts holds only the current window's keys: a new window starts empty,
	// so memory stays bounded by one window's distinct clients.
	counts map[string]int64
}

func (m *memoryCounter) count(_ context.Context, key string, win int64) (int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	// A request that read the clock just before the window turned counts
	// in the new one rather than bringing the old one back.
	if win > m.win || m.counts == nil {
		m.win, m.counts = win, map[string]int64{}
	}
	m.counts[key]++
	return m.counts[key], nil
}

// Cursors are "<seq>.<library created_at>": the epoch makes a cursor from a
// deleted library's previous life start over instead of skipping records.
func formatCursor(seq, epoch int64) string {
	return strconv.FormatInt(seq, 10) + "." + strconv.FormatInt(epoch, 10)
}

func parseCursor(c string, epoch int64) (int64, error) {
	if c == "" {
		return 0, nil
	}
	seqStr, epochStr, ok := strings.Cut(c, ".")
	seq, err1 := strconv.ParseInt(seqStr, 10, 64)
	ep, err2 := strconv.ParseInt(epochStr, 10, 64)
	if !ok || err1 != nil || err2 != nil || seq < 0 {
		return 0, library.Errorf(library.EINVALID, "malformed cursor")
	}
	if ep != epoch {
		return 0, nil
	}
	return seq, nil
}

// Pull implements library.LibraryService.
func (s *Store) Pull(ctx context.Context, a library.Auth, p library.PullPage) (*protocol.PullResponse, error) {
	if p.Limit <= 0 || p.Limit > protocol.MaxPullLimit {
		return nil, library.Errorf(library.EINVALID, "limit must be 1..%d", protocol.MaxPullLimit)
	}
	lib, err := s.authorize(ctx, a)
	if err != nil {
		return nil, err
	}
	since, err := parseCursor(p.Since, lib.createdAt)
	if err != nil {
		return nil, err
	}
	// One more row than asked tells whether there is more.
	rows, err := s.rdb.QueryContext(ctx,
		`SELECT id, seq, deleted, blob FROM records
		 WHERE library_id = ? AND seq > ? ORDER BY seq LIMIT ?`,
		a.LibraryID, since, p.Limit+1)
	if err != nil {
		return nil, fmt.Errorf("pull: %w", err)
	}
	defer rows.Close()
	resp := &protocol.PullResponse{Changes: []protocol.Record{}}
	cursor, size := since, 0
	for rows.Next() {
		var r protocol.Record
		var deleted int64
		if err := rows.Scan(&r.ID, &r.Seq, &deleted, &r.Blob); err != nil {
			return nil, fmt.Errorf("pull: %w", err)
		}
		if len(resp.Changes) == p.Limit || (len(resp.Changes) > 0 && size+len(r.Blob) > s.cfg.MaxPullBytes) {
			resp.More = true
			break
		}
		r.Deleted = deleted != 0
		size += len(r.Blob)
		resp.Changes = append(resp.Changes, r)
		cursor = r.Seq
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("pull: %w", err)
	}
	resp.Cursor = formatCursor(cursor, lib.createdAt)
	return resp, nil
}

// Push implements library.LibraryService. Each change is one statement that
// checks BaseSeq, allocates the next seq and writes the row together, so a
// replayed or stale change can only come back as a conflict.
func (s *Store) Push(ctx context.Context, a library.Auth, changes []protocol.Change) ([]protocol.PushResult, error) {
	sizes, err := library.ValidatePush(changes)
	if err != nil {
		return nil, err
	}
	lib, err := s.authorize(ctx, a)
	if err != nil {
		return nil, err
	}
	// Refuse up front what would certainly break a quota, so such a request
	// changes nothing; the statements below enforce the exact quota anyway.
	var newCount, newBytes int64
	for i, c := range changes {
		if c.BaseSeq == 0 {
			newCount++
			newBytes += int64(sizes[i])
		}
	}
	if lib.recordCount+newCount > s.cfg.MaxRecords {
		return nil, library.Errorf(library.ETOOLARGE, "library quota: at most %d records", s.cfg.MaxRecords)
	}
	if lib.bytes+newBytes > s.cfg.MaxBytes {
		return nil, library.Errorf(library.ETOOLARGE, "library quota: at most %d bytes", s.cfg.MaxBytes)
	}
	results := make([]protocol.PushResult, len(changes))
	for i, c := range changes {
		res, err := s.apply(ctx, a.LibraryID, c, int64(sizes[i]))
		if err != nil {
			return nil, err
		}
		results[i] = res
	}
	return results, nil
}

func (s *Store) apply(ctx context.Context, libID string, c protocol.Change, size int64) (protocol.PushResult, error) {
	deleted := 0
	if c.Deleted {
		deleted = 1
	}
	var seq int64
	var err error
	if c.BaseSeq == 0 {
		// New record: applies only if no row exists (DO NOTHING) and the
		// library is under its quotas (the WHERE reads the trigger-kept counters).
		err = s.db.QueryRowContext(ctx,
			`INSERT INTO records (library_id, id, seq, deleted, blob, size)
			 SELECT ?1, ?2, COALESCE((SELECT MAX(seq) FROM records WHERE library_id = ?1), 0) + 1, ?3, ?4, ?5
			 WHERE (SELECT record_count < ?6 AND bytes + ?5 <= ?7 FROM libraries WHERE id = ?1)
			 ON CONFLICT (library_id, id) DO NOTHING
			 RETURNING seq`,
			libID, c.ID, deleted, c.Blob, size, s.cfg.MaxRecords, s.cfg.MaxBytes).Scan(&seq)
	} else {
		err = s.db.QueryRowContext(ctx,
			`UPDATE records SET
			   seq = (SELECT MAX(seq) FROM records WHERE library_id = ?1) + 1,
			   deleted = ?3, blob = ?4, size = ?5
			 WHERE library_id = ?1 AND id = ?2 AND seq = ?6
			   AND ?5 - size <= ?7 - (SELECT bytes FROM libraries WHERE id = ?1)
			 RETURNING seq`,
			libID, c.ID, deleted, c.Blob, size, c.BaseSeq, s.cfg.MaxBytes).Scan(&seq)
	}
	if err == nil {
		return protocol.PushResult{ID: c.ID, Status: protocol.Applied, Seq: seq}, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return protocol.PushResult{}, fmt.Errorf("push: %w", err)
	}
	// Not applied: tell a conflict (the stored seq is not BaseSeq) from a quota.
	cur, err := s.record(ctx, libID, c.ID)
	if err != nil {
		return protocol.PushResult{}, err
	}
	// Read after the record: if the library moved out in between, its
	// records are gone here and this is no conflict.
	if err := s.servedHere(ctx, libID); err != nil {
		return protocol.PushResult{}, err
	}
	switch {
	case cur == nil && c.BaseSeq != 0, cur != nil && cur.Seq != c.BaseSeq:
		return protocol.PushResult{ID: c.ID, Status: protocol.Conflict, Current: cur}, nil
	default:
		return protocol.PushResult{}, library.Errorf(library.ETOOLARGE, "library quota reached (%d records, %d bytes)", s.cfg.MaxRecords, s.cfg.MaxBytes)
	}
}

// record reads one stored record, nil when there is none.
func (s *Store) record(ctx context.Context, libID, id string) (*protocol.Record, error) {
	var r protocol.Record
	var deleted int64
	err := s.db.QueryRowContext(ctx,
		`SELECT id, seq, deleted, blob FROM records WHERE library_id = ? AND id = ?`,
		libID, id).Scan(&r.ID, &r.Seq, &deleted, &r.Blob)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read record: %w", err)
	}
	r.Deleted = deleted != 0
	return &r, nil
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
