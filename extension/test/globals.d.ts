// The globals the extension's scripts share across files, for tsc
// (tsconfig.json). Each is a namespace one file fills and others read.

/** The content scripts' namespace (content/core.js creates it; each content file adds to it). */
declare var unspoolContent: any;
/** The reader's media behaviour (content/reader-media.js). */
declare var unspoolMedia: any;
/** The Go WASM's API (docs/wasm-api.md), registered by unspool.wasm. */
declare var unspool: any;
/** The throwing wrapper the Go side wants (shared/wasm-host.js). */
declare var unspoolWrap: any;
/** What tests and the console reach in the background (background/main.js). */
declare var unspoolBackground: any;
/** Go's WASM loader (wasm_exec.js). */
declare var Go: any;
/** The vendored HLS player (vendor/hls.light.min.js). */
declare var Hls: any;
