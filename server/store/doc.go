// Package store implements library.LibraryService and library.ShareService
// over database/sql. The same SQL runs on SQLite (modernc.org/sqlite,
// open_sqlite.go) natively and on Cloudflare D1 (open_d1.go, js/wasm), so it
// keeps to what both do alike:
//
//   - no transactions (D1 has none): each write that must be atomic is one
//     statement — sequence numbers are allocated by the statement that writes
//     the row, quota counters are kept by triggers, rate limits are one UPSERT;
//   - integers only for times (a time.Time argument panics in the D1 driver),
//     positional arguments only (D1 ignores sql.Named);
//   - nothing kept in memory between requests (a Worker instance lives for one).
//
// Files, by what they hold:
//
//   - store.go: Store, its Config and the embedded migrations;
//   - libraries.go: creating, authenticating and deleting a library, and the
//     state a move leaves it in;
//   - records.go: push and pull, and the cursors pulls hand out;
//   - ratelimit.go: the fixed-window limits and their counters (in the
//     database on Workers, in memory natively, routed across shards);
//   - keyguess.go: wrong auth keys counted per client address, read before
//     any key is compared;
//   - budget.go: Limits, each database's storage budget and the check
//     before a write that grows it; share_limits.go: which limit refused a
//     publish;
//   - purge.go: unpublished pages and past rate-limit windows deleted a
//     batch at a time, on the rare writes;
//   - share.go: published threads (library.ShareService); takedown.go and
//     takedown_sqlite.go (native): an operator's takedown of a page;
//   - shard.go: Sharded, the services over N databases, and how a request
//     finds its library's shard; shard_share.go: share slugs that name their
//     shard, and pages that follow their library's moves;
//   - move.go: growing N, moving libraries to their new shards;
//   - open_sqlite.go, shard_sqlite.go (native) and open_d1.go (js/wasm):
//     opening the databases.
package store
