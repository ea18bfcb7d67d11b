package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
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
	// KeyGuessLimit is the most wrong auth keys one client address may
	// send per RateWindow, whatever libraries they name; past it every
	// authenticated request from the address is refused before its key is
	// checked. 0 disables it.
	KeyGuessLimit int
	// Quotas per library.
	MaxRecords int64
	MaxBytes   int64
	// MaxPullBytes caps one pull page's blobs (at least one record is always
	// sent), so a page of large records stays a reasonable response.
	MaxPullBytes int
	// The storage limits of a public deployment (budget.go, purge.go).
	Limits
}

// DefaultConfig is what production runs with: a syncing device makes a
// handful of requests per minute, so 600 a minute per library only stops
// runaways and abuse.
func DefaultConfig() Config {
	return Config{
		RateLimit:     600,
		RateWindow:    60,
		CreateLimit:   20,
		KeyGuessLimit: 30,
		MaxRecords:    protocol.MaxLibraryRecords,
		MaxBytes:      protocol.MaxLibraryBytes,
		MaxPullBytes:  protocol.MaxRequestBytes,
		Limits:        DefaultLimits(),
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
	// peek reads key's count in window win without adding to it (from
	// wherever count keeps it).
	peek func(ctx context.Context, key string, win int64) (int64, error)
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
	cfg.Limits = cfg.Limits.withDefaults()
	s := &Store{db: db, rdb: rdb, cfg: cfg, Now: func() int64 { return time.Now().UnixMilli() }}
	s.count, s.peek = s.countInDB, s.peekInDB
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
