-- Share pages: threads a library's owner published as public
-- reader pages. Plaintext by the user's choice; nothing here touches the
-- encrypted records.
--
-- One row per share holds every stored format, so publishing is one
-- statement (D1 has no transactions) and serving is one read of one column.
-- D1 refuses rows over 2 MB; the server caps a share's bodies below that.
--
-- No foreign key to libraries: unpublished and orphaned shares stay as
-- tombstones (deleted = 1, bodies emptied) so their pages answer 410, not 404.
-- thread_key is "<platform>:<thread id>"; live shares are unique per
-- library and thread, so publishing again updates the page in place.
CREATE TABLE shares (
	slug       TEXT PRIMARY KEY,
	library_id TEXT NOT NULL,
	thread_key TEXT NOT NULL,
	platform   TEXT NOT NULL,
	thread_id  TEXT NOT NULL,
	thread_url TEXT NOT NULL,
	title      TEXT NOT NULL,
	indexable  INTEGER NOT NULL,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	deleted    INTEGER NOT NULL DEFAULT 0,
	etag       TEXT NOT NULL,
	html       TEXT NOT NULL,
	md         TEXT NOT NULL,
	txt        TEXT NOT NULL,
	json       TEXT NOT NULL
);

CREATE UNIQUE INDEX shares_live ON shares (library_id, thread_key) WHERE deleted = 0;
CREATE INDEX shares_by_library ON shares (library_id, deleted, created_at);

-- Deleting a library unpublishes its shares in the same statement: the
-- pages answer 410 and their content is gone with the library.
CREATE TRIGGER shares_library_delete AFTER DELETE ON libraries BEGIN
	UPDATE shares SET deleted = 1, etag = '', html = '', md = '', txt = '', json = ''
	WHERE library_id = OLD.id AND deleted = 0;
END;
