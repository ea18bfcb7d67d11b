// Package thread is the centre of Unspool: the Thread a page turns into, the
// Post, Media, Card and Poll it holds, and the structured text (Runs) every
// renderer builds from.
//
// The JSON field names are a published interface (the extension, the sync
// records, share pages and checks outside this repository read them): add
// fields freely, never rename one.
//
// Files:
//   - thread.go   the types and their JSON shape
//   - runs.go     structured, escape-safe post text and its plain-text form
//   - validate.go Validate and the error codes
//   - url.go      which URLs may be emitted (http/https only)
//   - legacy.go   CurrentPlatform: the platform a thread saved by an earlier
//     version has now
//   - follow.go   Follow: a saved thread brought up to date with a later
//     reading of its source (new posts marked, edits noted, posts gone at
//     the source kept and marked), and PostOrder
package thread
