-- A moved share's forward (moved_to set, in the shard its address names)
-- is purged with the unpublished pages once it is unpublished and its 410
-- period is over (store/purge.go): a forward copied as a tombstone is one
-- already, and unpublishing or deleting the library marks the forwards its
-- pages' addresses pass through (store/shard_share.go). The index that
-- finds the purge's rows therefore covers forwards too.
DROP INDEX shares_tombstones;
CREATE INDEX shares_tombstones ON shares (updated_at) WHERE deleted = 1;
