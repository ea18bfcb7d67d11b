package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"unspool/server/library"
	"unspool/shared/protocol"
)

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
	if err := s.checkBudget(ctx, newStoredBytes(changes), newCount); err != nil {
		return nil, err
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
		// New record: applies only if no row exists (DO NOTHING), the
		// library is under its quotas and the database under its budget
		// (the WHERE reads the trigger-kept counters).
		err = s.db.QueryRowContext(ctx,
			`INSERT INTO records (library_id, id, seq, deleted, blob, size)
			 SELECT ?1, ?2, COALESCE((SELECT MAX(seq) FROM records WHERE library_id = ?1), 0) + 1, ?3, ?4, ?5
			 WHERE (SELECT record_count < ?6 AND bytes + ?5 <= ?7 FROM libraries WHERE id = ?1)
			   AND (SELECT bytes + length(?4) <= ?8 AND rows < ?9 FROM storage_usage)
			 ON CONFLICT (library_id, id) DO NOTHING
			 RETURNING seq`,
			libID, c.ID, deleted, c.Blob, size, s.cfg.MaxRecords, s.cfg.MaxBytes,
			s.cfg.BudgetBytes, s.cfg.BudgetRows).Scan(&seq)
	} else {
		// A change that does not grow the record (a delete's small
		// tombstone) passes a spent budget.
		err = s.db.QueryRowContext(ctx,
			`UPDATE records SET
			   seq = (SELECT MAX(seq) FROM records WHERE library_id = ?1) + 1,
			   deleted = ?3, blob = ?4, size = ?5
			 WHERE library_id = ?1 AND id = ?2 AND seq = ?6
			   AND ?5 - size <= ?7 - (SELECT bytes FROM libraries WHERE id = ?1)
			   AND (length(?4) <= length(blob) OR (SELECT bytes FROM storage_usage) + length(?4) - length(blob) <= ?8)
			 RETURNING seq`,
			libID, c.ID, deleted, c.Blob, size, c.BaseSeq, s.cfg.MaxBytes, s.cfg.BudgetBytes).Scan(&seq)
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
	if (cur == nil && c.BaseSeq != 0) || (cur != nil && cur.Seq != c.BaseSeq) {
		return protocol.PushResult{ID: c.ID, Status: protocol.Conflict, Current: cur}, nil
	}
	// Not a conflict: the database's budget or the library's quota.
	grow, rows := int64(len(c.Blob)), int64(1)
	if cur != nil {
		grow, rows = grow-int64(len(cur.Blob)), 0
	}
	if err := s.checkBudget(ctx, grow, rows); err != nil {
		return protocol.PushResult{}, err
	}
	return protocol.PushResult{}, library.Errorf(library.ETOOLARGE, "library quota reached (%d records, %d bytes)", s.cfg.MaxRecords, s.cfg.MaxBytes)
}

// newStoredBytes is what the new records of a push add to the database, as
// stored (base64): the budget counts what fills the database.
func newStoredBytes(changes []protocol.Change) int64 {
	var n int64
	for _, c := range changes {
		if c.BaseSeq == 0 {
			n += int64(len(c.Blob))
		}
	}
	return n
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
