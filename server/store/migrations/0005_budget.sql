-- Storage limits of a public deployment (docs/server.md, Storage limits).
--
-- shares.size: the stored bytes of a share's bodies. A live share counts in
-- its library's byte quota (libraries.bytes) like its records do; a
-- tombstone or a forward holds no body and counts 0.
ALTER TABLE shares ADD COLUMN size INTEGER NOT NULL DEFAULT 0;
UPDATE shares SET size = length(CAST(html AS BLOB)) + length(CAST(md AS BLOB))
	+ length(CAST(txt AS BLOB)) + length(CAST(json AS BLOB));
UPDATE libraries SET bytes = bytes + (SELECT COALESCE(SUM(size), 0) FROM shares WHERE library_id = libraries.id);

-- storage_usage: this database's one row of totals, what the deployment's
-- budget (UNSPOOL_BUDGET_BYTES, UNSPOOL_BUDGET_ROWS) is checked against
-- inside each write statement. bytes are the stored payloads (record blobs
-- as stored, share bodies); rows count libraries, records and shares,
-- tombstones included. Kept by the triggers below, in the statement that
-- changes them, so no write can slip past the budget between a read and
-- its write.
CREATE TABLE storage_usage (
	id    INTEGER PRIMARY KEY CHECK (id = 0),
	bytes INTEGER NOT NULL,
	rows  INTEGER NOT NULL
);
INSERT INTO storage_usage (id, bytes, rows) SELECT 0,
	(SELECT COALESCE(SUM(length(blob)), 0) FROM records) + (SELECT COALESCE(SUM(size), 0) FROM shares),
	(SELECT COUNT(*) FROM records) + (SELECT COUNT(*) FROM shares) + (SELECT COUNT(*) FROM libraries);

CREATE TRIGGER usage_records_insert AFTER INSERT ON records BEGIN
	UPDATE storage_usage SET bytes = bytes + length(NEW.blob), rows = rows + 1;
END;
CREATE TRIGGER usage_records_update AFTER UPDATE OF blob ON records BEGIN
	UPDATE storage_usage SET bytes = bytes - length(OLD.blob) + length(NEW.blob);
END;
CREATE TRIGGER usage_records_delete AFTER DELETE ON records BEGIN
	UPDATE storage_usage SET bytes = bytes - length(OLD.blob), rows = rows - 1;
END;
CREATE TRIGGER usage_libraries_insert AFTER INSERT ON libraries BEGIN
	UPDATE storage_usage SET rows = rows + 1;
END;
CREATE TRIGGER usage_libraries_delete AFTER DELETE ON libraries BEGIN
	UPDATE storage_usage SET rows = rows - 1;
END;

-- A share's bytes count in the deployment's total and in its library's quota.
CREATE TRIGGER shares_size_insert AFTER INSERT ON shares BEGIN
	UPDATE storage_usage SET bytes = bytes + NEW.size, rows = rows + 1;
	UPDATE libraries SET bytes = bytes + NEW.size WHERE id = NEW.library_id;
END;
CREATE TRIGGER shares_size_update AFTER UPDATE OF size ON shares BEGIN
	UPDATE storage_usage SET bytes = bytes - OLD.size + NEW.size;
	UPDATE libraries SET bytes = bytes - OLD.size + NEW.size WHERE id = NEW.library_id;
END;
CREATE TRIGGER shares_size_delete AFTER DELETE ON shares BEGIN
	UPDATE storage_usage SET bytes = bytes - OLD.size, rows = rows - 1;
	UPDATE libraries SET bytes = bytes - OLD.size WHERE id = OLD.library_id;
END;

-- Deleting a library unpublishes its shares (as in 0002) and now also
-- zeroes their size and stamps the time, from which their 410 period runs.
DROP TRIGGER shares_library_delete;
CREATE TRIGGER shares_library_delete AFTER DELETE ON libraries BEGIN
	UPDATE shares SET deleted = 1, etag = '', html = '', md = '', txt = '', json = '', csp = '', size = 0,
		updated_at = CAST(strftime('%s', 'now') AS INTEGER) * 1000
	WHERE library_id = OLD.id AND deleted = 0;
END;

-- Unpublished shares past their 410 period are purged a few at a time by
-- writes (store/purge.go); this finds them without reading live shares.
CREATE INDEX shares_tombstones ON shares (updated_at) WHERE deleted = 1 AND moved_to IS NULL;
