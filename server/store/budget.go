package store

import (
	"context"
	"fmt"

	"unspool/server/library"
	"unspool/shared/protocol"
)

// Limits bound what anyone may store on a public deployment: a budget for
// each database, live shares per library, and how long an unpublished
// share answers 410 before it is purged. Zero values take DefaultLimits.
//
// The budget is per database (each shard enforces its own) rather than one
// total: every write touches exactly one shard, and only a per-shard
// budget can be checked inside the statement that writes (D1 has no
// transaction, let alone one across databases; a global total would cost a
// read of every shard per write and still race). It is also the quantity
// that runs out: each D1 database holds at most 10 GB on its own.
// Libraries are spread evenly by a hash of their id, so N shards hold
// about N times one budget.
type Limits struct {
	// BudgetBytes is the stored payload one database may hold: record
	// blobs as stored (base64) plus share pages. Writes that would pass it
	// are refused with 507; shrinking writes and deletes are not.
	BudgetBytes int64
	// BudgetRows is the most libraries, records and shares (tombstones
	// included) one database may hold.
	BudgetRows int64
	// MaxShares is the most live shares one library may have.
	MaxShares int64
	// GoneSeconds is how long an unpublished share's page answers 410;
	// after it the row is purged and the page is unknown (404).
	GoneSeconds int64
}

// DefaultLimits: 8 GB and 20 million rows per database keep a D1 database
// (10 GB at most, indexes and row overhead included) from filling up; a
// library may publish protocol.MaxLibraryShares pages; an unpublished
// page says so for 30 days.
func DefaultLimits() Limits {
	return Limits{
		BudgetBytes: 8_000_000_000,
		BudgetRows:  20_000_000,
		MaxShares:   protocol.MaxLibraryShares,
		GoneSeconds: 30 * 24 * 3600,
	}
}

func (l Limits) withDefaults() Limits {
	def := DefaultLimits()
	for _, f := range []struct{ v, d *int64 }{
		{&l.BudgetBytes, &def.BudgetBytes},
		{&l.BudgetRows, &def.BudgetRows},
		{&l.MaxShares, &def.MaxShares},
		{&l.GoneSeconds, &def.GoneSeconds},
	} {
		if *f.v <= 0 {
			*f.v = *f.d
		}
	}
	return l
}

// usage reads this database's totals (migrations/0005_budget.sql).
func (s *Store) usage(ctx context.Context) (bytes, rows int64, err error) {
	err = s.db.QueryRowContext(ctx, `SELECT bytes, rows FROM storage_usage`).Scan(&bytes, &rows)
	if err != nil {
		return 0, 0, fmt.Errorf("read storage usage: %w", err)
	}
	return bytes, rows, nil
}

// checkBudget is EFULL when adding addBytes and addRows would pass the
// database's budget. Writes that add nothing always pass: a full server
// still lets people delete and shrink.
func (s *Store) checkBudget(ctx context.Context, addBytes, addRows int64) error {
	if addBytes <= 0 && addRows <= 0 {
		return nil
	}
	bytes, rows, err := s.usage(ctx)
	if err != nil {
		return err
	}
	if (addBytes > 0 && bytes+addBytes > s.cfg.BudgetBytes) || (addRows > 0 && rows+addRows > s.cfg.BudgetRows) {
		return errStorageFull
	}
	return nil
}

// errStorageFull is the one answer for every write the budget refuses.
var errStorageFull = library.Errorf(library.EFULL,
	"this server's storage is full: it takes no new libraries, records or shares until its operator makes room; reading and deleting still work")
