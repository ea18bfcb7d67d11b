package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"

	"unspool/server/library"
	"unspool/shared/protocol"
	"unspool/shared/thread"
)

var _ library.ShareService = (*Store)(nil)

// pageColumns maps a page format to its column; the query text is built
// only from this table, never from the request.
var pageColumns = map[string]string{
	library.PageHTML:     "html",
	library.PageMarkdown: "md",
	library.PageText:     "txt",
	library.PageJSON:     "json",
}

func newSlug() (string, error) {
	b := make([]byte, protocol.ShareSlugBytes)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("slug: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// PublishShare implements library.ShareService. The write is one UPSERT on
// the live (library, thread) index: two devices publishing the same thread
// at once end with one share, and no reader ever sees half a page.
func (s *Store) PublishShare(ctx context.Context, a library.Auth, build func() (*library.SharePage, error)) (protocol.Share, bool, error) {
	var sh protocol.Share
	if _, err := s.authorize(ctx, a); err != nil {
		return sh, false, err
	}
	p, err := build()
	if err != nil {
		return sh, false, err
	}
	if p.Size() > protocol.MaxShareStoredBytes {
		return sh, false, library.Errorf(library.ETOOLARGE, "rendered share is %d bytes, over %d", p.Size(), protocol.MaxShareStoredBytes)
	}
	key := p.Platform + ":" + p.ThreadID
	slug, err := newSlug()
	if err != nil {
		return sh, false, err
	}
	slug = s.slugPrefix + slug
	now := s.Now()
	indexable := 0
	if p.Indexable {
		indexable = 1
	}
	size := int64(p.Size())
	// One statement checks every limit and writes, so two racing publishes
	// cannot both pass a limit: the library's live-share cap (updating a
	// live share in place is always allowed), its byte quota, which counts
	// its pages beside its records, and the database's budget (a page that
	// shrinks passes a spent one). `cur` is what the checks read.
	err = s.db.QueryRowContext(ctx,
		`WITH cur AS (SELECT
		   (SELECT COUNT(*) FROM shares WHERE library_id = ?2 AND deleted = 0) AS live,
		   (SELECT size FROM shares WHERE library_id = ?2 AND thread_key = ?3 AND deleted = 0) AS old,
		   (SELECT bytes FROM libraries WHERE id = ?2) AS lib_bytes,
		   (SELECT bytes FROM storage_usage) AS used_bytes,
		   (SELECT rows FROM storage_usage) AS used_rows)
		 INSERT INTO shares (slug, library_id, thread_key, platform, thread_id, thread_url, title, indexable,
		   created_at, updated_at, etag, html, md, txt, json, csp, size)
		 SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16 FROM cur
		 WHERE (old IS NOT NULL OR (live < ?17 AND used_rows < ?18))
		   AND lib_bytes + ?16 - COALESCE(old, 0) <= ?19
		   AND (?16 <= COALESCE(old, 0) OR used_bytes + ?16 - COALESCE(old, 0) <= ?20)
		 ON CONFLICT (library_id, thread_key) WHERE deleted = 0 DO UPDATE SET
		   thread_url = excluded.thread_url, title = excluded.title, indexable = excluded.indexable,
		   updated_at = excluded.updated_at, etag = excluded.etag, html = excluded.html,
		   md = excluded.md, txt = excluded.txt, json = excluded.json, csp = excluded.csp, size = excluded.size
		 RETURNING slug, created_at, updated_at`,
		slug, a.LibraryID, key, p.Platform, p.ThreadID, p.ThreadURL, p.Title, indexable, now, p.ETag,
		string(p.Bodies[library.PageHTML]), string(p.Bodies[library.PageMarkdown]),
		string(p.Bodies[library.PageText]), string(p.Bodies[library.PageJSON]), p.CSP, size,
		s.cfg.MaxShares, s.cfg.BudgetRows, s.cfg.MaxBytes, s.cfg.BudgetBytes,
	).Scan(&sh.Slug, &sh.CreatedAt, &sh.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return sh, false, s.publishRefusal(ctx, a.LibraryID, key, size)
	}
	if err != nil {
		return sh, false, fmt.Errorf("publish share: %w", err)
	}
	s.purge(ctx)
	sh.URL = protocol.SharePath(sh.Slug)
	sh.Platform, sh.ThreadID, sh.ThreadURL, sh.Title, sh.Indexable = thread.Platform(p.Platform), p.ThreadID, p.ThreadURL, p.Title, p.Indexable
	return sh, sh.Slug == slug, nil
}

// ListShares implements library.ShareService.
func (s *Store) ListShares(ctx context.Context, a library.Auth) ([]protocol.Share, error) {
	if _, err := s.authorize(ctx, a); err != nil {
		return nil, err
	}
	rows, err := s.rdb.QueryContext(ctx,
		`SELECT slug, platform, thread_id, thread_url, title, indexable, created_at, updated_at
		 FROM shares WHERE library_id = ? AND deleted = 0 ORDER BY created_at DESC, slug`, a.LibraryID)
	if err != nil {
		return nil, fmt.Errorf("list shares: %w", err)
	}
	defer rows.Close()
	list := []protocol.Share{}
	for rows.Next() {
		var sh protocol.Share
		var platform string
		var indexable int64
		if err := rows.Scan(&sh.Slug, &platform, &sh.ThreadID, &sh.ThreadURL, &sh.Title, &indexable, &sh.CreatedAt, &sh.UpdatedAt); err != nil {
			return nil, fmt.Errorf("list shares: %w", err)
		}
		sh.URL = protocol.SharePath(sh.Slug)
		sh.Platform, sh.Indexable = thread.Platform(platform), indexable != 0
		list = append(list, sh)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list shares: %w", err)
	}
	return list, nil
}

// UnpublishShare implements library.ShareService: one UPDATE that both
// checks ownership and empties the row, so another library's key changes
// nothing and learns nothing (ENOTFOUND either way).
func (s *Store) UnpublishShare(ctx context.Context, a library.Auth, slug string) error {
	if _, err := s.authorize(ctx, a); err != nil {
		return err
	}
	if _, _, ok := splitSlug(slug); !ok {
		return library.Errorf(library.ENOTFOUND, "no such share")
	}
	res, err := s.db.ExecContext(ctx,
		`UPDATE shares SET deleted = 1, updated_at = ?, etag = '', html = '', md = '', txt = '', json = '', csp = '', size = 0
		 WHERE slug = ? AND library_id = ? AND deleted = 0 AND moved_to IS NULL`, s.Now(), slug, a.LibraryID)
	if err != nil {
		return fmt.Errorf("unpublish share: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("unpublish share: %w", err)
	}
	if n == 0 {
		if err := s.servedHere(ctx, a.LibraryID); err != nil {
			return err
		}
		return library.Errorf(library.ENOTFOUND, "no such share")
	}
	s.purge(ctx)
	return nil
}

// SharePageBody implements library.ShareService: one read of one column.
func (s *Store) SharePageBody(ctx context.Context, slug, format string) (*library.PageBody, error) {
	col, ok := pageColumns[format]
	if !ok {
		return nil, library.Errorf(library.EINVALID, "unknown format %q", format)
	}
	if _, _, ok := splitSlug(slug); !ok {
		return nil, library.Errorf(library.ENOTFOUND, "no such page")
	}
	var deleted, indexable, updatedAt int64
	var movedTo sql.NullInt64
	var etag, csp string
	var body []byte // scanned straight into bytes: one copy of the page, not two
	err := s.rdb.QueryRowContext(ctx,
		`SELECT deleted, indexable, etag, csp, moved_to, updated_at, `+col+` FROM shares WHERE slug = ?`, slug).
		Scan(&deleted, &indexable, &etag, &csp, &movedTo, &updatedAt, &body)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, library.Errorf(library.ENOTFOUND, "no such page")
	}
	if err != nil {
		return nil, fmt.Errorf("read share: %w", err)
	}
	if movedTo.Valid {
		return nil, pageMoved{shard: int(movedTo.Int64)}
	}
	// A takedown keeps saying so: the operator's act, not the publisher's,
	// so it is not purged with the unpublished pages.
	if deleted == sharesTakenDown {
		return nil, library.Errorf(library.ETAKENDOWN, "this page was taken down by the operator")
	}
	if deleted != 0 && s.goneExpired(updatedAt) {
		return nil, library.Errorf(library.ENOTFOUND, "no such page")
	}
	if deleted != 0 {
		return nil, library.Errorf(library.EGONE, "this page was unpublished")
	}
	return &library.PageBody{Body: body, ETag: library.FormatETag(etag, format), Indexable: indexable != 0, CSP: csp}, nil
}
