-- Unspool sync server schema. Applied natively by server/store (embedded) and
-- on D1 by `wrangler d1 migrations apply`, both tracked in d1_migrations.
-- Correctness never relies on multi-statement transactions (D1 has none):
-- every write that must be atomic is one statement; the triggers below run
-- inside the statement that fires them.

-- A library is known only by its id (derived from the sync secret) and the
-- SHA-256 of its auth key. created_at (unix ms) doubles as the epoch in pull
-- cursors, so a deleted-then-recreated library never honours an old cursor.
CREATE TABLE libraries (
	id           TEXT PRIMARY KEY,
	key_hash     TEXT NOT NULL,
	created_at   INTEGER NOT NULL,
	record_count INTEGER NOT NULL DEFAULT 0,
	bytes        INTEGER NOT NULL DEFAULT 0
);

-- Records are opaque: id is an HMAC, blob the sealed record (standard
-- base64, as on the wire), size its decoded length for the byte quota.
-- seq is allocated by the statement that writes the row (MAX(seq)+1 inside
-- the INSERT/UPDATE), so sequence order is commit order.
CREATE TABLE records (
	library_id TEXT NOT NULL REFERENCES libraries (id) ON DELETE CASCADE,
	id         TEXT NOT NULL,
	seq        INTEGER NOT NULL,
	deleted    INTEGER NOT NULL,
	blob       TEXT NOT NULL,
	size       INTEGER NOT NULL,
	PRIMARY KEY (library_id, id)
);

-- Pulls read by (library, seq); UNIQUE makes a duplicate seq impossible
-- even if two writers ever raced.
CREATE UNIQUE INDEX records_by_seq ON records (library_id, seq);

-- Per-library counters for the quotas, kept by triggers so they change in
-- the same statement as the records.
CREATE TRIGGER records_count_insert AFTER INSERT ON records BEGIN
	UPDATE libraries SET record_count = record_count + 1, bytes = bytes + NEW.size WHERE id = NEW.library_id;
END;
CREATE TRIGGER records_count_update AFTER UPDATE OF size ON records BEGIN
	UPDATE libraries SET bytes = bytes - OLD.size + NEW.size WHERE id = NEW.library_id;
END;
CREATE TRIGGER records_count_delete AFTER DELETE ON records BEGIN
	UPDATE libraries SET record_count = record_count - 1, bytes = bytes - OLD.size WHERE id = OLD.library_id;
END;

-- Fixed-window request counters. On Workers every request runs in a fresh
-- instance, so the count lives here, bumped by one UPSERT per request.
CREATE TABLE rate_limits (
	key   TEXT PRIMARY KEY,
	win   INTEGER NOT NULL,
	count INTEGER NOT NULL
);
