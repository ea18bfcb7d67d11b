// Package sync is the end-to-end encrypted library sync of Unspool, in pure
// Go so that the extension (through WASM), the server's tests and Go
// programs run one implementation: the Client is the sync engine the
// extension runs (unspool.syncRun) and the reliability tests drive.
//
// A library is a 256-bit secret. Every device derives from it the library
// id and auth key (sent to the server) and the encryption and record-id keys
// (never sent). Each saved thread is a SavedThread whose fields carry hybrid
// logical clocks; it is sealed into an opaque blob stored under the HMAC of
// the thread's canonical id. Devices merge states field by field with rules
// that converge whatever order changes arrive in.
//
// Files:
//   - secret.go  Secret: generate, parse (text or sync code), never print
//   - code.go    the human sync code: Crockford base32 with a check value
//   - keys.go    HKDF derivation of every key, RecordID, CanonicalID
//   - hlc.go     hybrid logical clocks: HLC, NextHLC, Clock
//   - record.go  SavedThread, its edit methods and Validate
//   - merge.go   Merge: the convergence rules
//   - follow.go  keep current: Refresh (a later reading of the source,
//     stored as a capture), NewSinceRead, APIRefresh, APINewPosts
//   - seal.go    Seal and Open: compression and XChaCha20-Poly1305
//   - transport.go  the Transport interface and APIError
//   - http.go    /v1 over a Doer (one request, one answer): the extension's
//     fetch in the WASM, net/http in subpackage synchttp (kept out of this
//     package so the WASM does not carry net/http)
//   - store.go   the Store interface (records, outbox, cursor), in memory
//   - client.go  Client, the engine: local edits, pull, push, conflicts
//   - manifest.go  each device's sealed manifest of its latest writes
//   - audit.go   the checks with the manifests after a pull: what the
//     server rolled back (sent again) or withheld (reported)
//   - backoff.go the sync policy: retries, rounds, waits between syncs
//   - run.go     Run: one operation for the extension, with the words of
//     its errors and when to try again (wasm/syncrun.go exposes it)
//   - api.go     the string-in, string-out functions wasm/sync.go exposes
//
// Subpackage synchttp is the Doer over net/http; synctest holds an
// in-memory server with the protocol's semantics (and fault injection) and
// thread builders, for tests here and in other packages.
package sync
