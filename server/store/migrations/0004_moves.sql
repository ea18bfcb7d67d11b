-- Moving a library to another shard when their number grows
-- (docs/scaling.md, Re-sharding). D1 has no transactions and none span two
-- databases, so a move is a sequence of single statements whose every
-- intermediate state is served correctly; these columns and triggers are
-- what makes that so.
--
-- libraries.moving: 0 live; 1 frozen (its old shard, being copied out:
-- read, never written); 2 arriving (its new shard, being copied in: not
-- served); 3 moved (its old shard after the switch: records gone, requests
-- go to the new shard).
ALTER TABLE libraries ADD COLUMN moving INTEGER NOT NULL DEFAULT 0;

-- A moved library's shares leave a forward in the old shard: public slugs
-- name the shard a page was published in, so its address outlives moves.
ALTER TABLE shares ADD COLUMN moved_to INTEGER;

-- The freeze is enforced inside each write statement, not by the request
-- that authenticated before it: a push that read "live" and writes after
-- the freeze fails here (503, retried at the new home) rather than landing
-- in a copy that is already taken — so nothing acknowledged is lost.
CREATE TRIGGER records_frozen_insert BEFORE INSERT ON records
WHEN (SELECT moving FROM libraries WHERE id = NEW.library_id) IN (1, 3) BEGIN
	SELECT RAISE(ABORT, 'unspool: library is moving');
END;
CREATE TRIGGER records_frozen_update BEFORE UPDATE ON records
WHEN (SELECT moving FROM libraries WHERE id = NEW.library_id) IN (1, 3) BEGIN
	SELECT RAISE(ABORT, 'unspool: library is moving');
END;
CREATE TRIGGER shares_frozen_insert BEFORE INSERT ON shares
WHEN (SELECT moving FROM libraries WHERE id = NEW.library_id) IN (1, 3) BEGIN
	SELECT RAISE(ABORT, 'unspool: library is moving');
END;
-- The mover's own update (turning rows into forwards) sets moved_to.
CREATE TRIGGER shares_frozen_update BEFORE UPDATE ON shares
WHEN NEW.moved_to IS NULL AND (SELECT moving FROM libraries WHERE id = NEW.library_id) IN (1, 3) BEGIN
	SELECT RAISE(ABORT, 'unspool: library is moving');
END;
CREATE TRIGGER libraries_frozen_delete BEFORE DELETE ON libraries
WHEN OLD.moving IN (1, 3) BEGIN
	SELECT RAISE(ABORT, 'unspool: library is moving');
END;

-- The mover's place in this (old) shard while N grows to `shards`: the last
-- library id it got past, how many it moved in the current pass over the
-- shard, and done once a whole pass moved none (so a library created here
-- by a request of the previous deployment, during the switch to the new
-- one, is caught by the next pass). On Workers a mover invocation is a cron
-- event that may stop anywhere; the next resumes from here.
CREATE TABLE grow_progress (
	shards INTEGER PRIMARY KEY,
	after  TEXT NOT NULL DEFAULT '',
	moved  INTEGER NOT NULL DEFAULT 0,
	done   INTEGER NOT NULL DEFAULT 0
);
