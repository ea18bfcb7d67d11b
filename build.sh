#!/usr/bin/env bash
# Unspool's one entry point: builds every part, runs the local server, runs every test.
#   ./build.sh run      build everything, then start the local sync server (127.0.0.1)
#   ./build.sh test     install what the tests need, then run every test the project has
#   ./build.sh bench    run the benchmarks (figures go in README.md#benchmarks)
#   ./build.sh build    build only
#   ./build.sh package  zip the extension for the Chrome and Firefox stores
#   ./build.sh deploy   the sync server to Cloudflare Workers + D1 (see README)
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$PWD
OUT=$ROOT/dist            # build outputs that are not part of the unpacked extension
FUZZTIME=${FUZZTIME:-8s}  # per fuzz target in ./build.sh test; raise it for a real fuzzing session
export GOTOOLCHAIN=local

log() { printf '\033[1m== %s\033[0m\n' "$*" >&2; }
die() { printf 'build.sh: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------- installs
ensure_go() {
	command -v go >/dev/null || die "Go 1.26 is needed (https://go.dev/dl)"
	go mod download
}

# Debian's chromium, never a browser downloaded by a test tool.
ensure_chromium() {
	[ -x /usr/bin/chromium ] && return
	log "installing chromium (apt)"
	command -v apt-get >/dev/null || die "chromium is missing and apt-get is not available"
	local sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
}

# npm packages of one folder, from its lock file when there is one.
ensure_npm() {
	local dir=$1
	command -v npm >/dev/null || die "Node.js 20 and npm are needed"
	[ -d "$dir/node_modules" ] && [ "$dir/node_modules/.package-lock.json" -nt "$dir/package-lock.json" ] && return
	log "npm install in ${dir#$ROOT/}"
	if [ -f "$dir/package-lock.json" ]; then
		(cd "$dir" && NO_UPDATE_NOTIFIER=1 npm ci --no-audit --no-fund --loglevel=error)
	else
		(cd "$dir" && NO_UPDATE_NOTIFIER=1 npm install --no-audit --no-fund --loglevel=error)
	fi
}

# ---------------------------------------------------------------- builds
build_generate() {
	go tool templ generate -path shared >/dev/null 2>&1 || go tool templ generate -path shared
	go generate ./shared/...
}

build_wasm() {
	log "wasm → extension/unspool.wasm"
	GOOS=js GOARCH=wasm go build -trimpath -ldflags='-s -w' -o extension/unspool.wasm ./wasm
	cp "$(go env GOROOT)/lib/wasm/wasm_exec.js" extension/wasm_exec.js
}

build_all() {
	ensure_go
	build_generate
	build_wasm
	build_server
}

# ---------------------------------------------------------------- store zips
# dist/unspool-{chrome,firefox}.zip: the shipping files of extension/ (never
# test/ or node_modules), each with its store's manifest (see
# extension/test/store-manifest.mjs). Staged in dist/stage-<browser>.
package_extension() {
	build_all
	ensure_npm "$ROOT/extension/test"
	local browser stage
	for browser in chrome firefox; do
		stage=$OUT/stage-$browser
		rm -rf "$stage" && mkdir -p "$stage"
		tar -C extension --exclude=./test --exclude=node_modules --exclude=./icons/make-icons.mjs -cf - . | tar -C "$stage" -xf -
		node extension/test/store-manifest.mjs "$browser" extension/manifest.json >"$stage/manifest.json"
		(cd extension/test && NO_UPDATE_NOTIFIER=1 npx web-ext build --no-config-discovery --source-dir "$stage" \
			--artifacts-dir "$OUT" --filename "unspool-$browser.zip" --overwrite-dest >/dev/null)
		log "dist/unspool-$browser.zip ($(du -k "$OUT/unspool-$browser.zip" | cut -f1) KB)"
	done
}

# Firefox's linter on exactly what goes to addons.mozilla.org; errors fail.
test_lint_extension() {
	package_extension
	log "web-ext lint (the Firefox package)"
	(cd extension/test && NO_UPDATE_NOTIFIER=1 npx web-ext lint --no-config-discovery --source-dir "$OUT/stage-firefox")
}

# ---------------------------------------------------------------- tests
test_go() {
	log "go vet + go test (native)"
	go vet ./...
	go test -count=1 ./...
}

test_wasm() {
	log "go test under node (GOOS=js GOARCH=wasm)"
	GOOS=js GOARCH=wasm go vet ./wasm/...
	local exec="$(go env GOROOT)/lib/wasm/go_js_wasm_exec"
	GOOS=js GOARCH=wasm go test -count=1 -exec="$exec" ./shared/... ./wasm/...
	log "wasm API from node"
	node --test wasm/test/*.test.mjs
}

# Every Fuzz target, briefly: enough to catch a regression on the seed corpus
# and a little beyond. Targets are found, not listed, so new ones are run too.
test_fuzz() {
	log "fuzz (${FUZZTIME} per target)"
	local file pkg target
	while IFS= read -r file; do
		pkg=./$(dirname "$file")
		for target in $(grep -oE '^func (Fuzz[A-Za-z0-9_]+)' "$file" | cut -d' ' -f2); do
			go test -run='^$' -fuzz="^${target}\$" -fuzztime="$FUZZTIME" "$pkg" >/dev/null ||
				die "fuzz target $target in $pkg failed (see testdata/fuzz/$target)"
		done
	done < <(grep -rl --include='*_test.go' '^func Fuzz' shared server wasm 2>/dev/null || true)
}

# Every *.test.mjs under extension/test, in Debian's chromium. One file at a
# time: two cores cannot run several browsers without timing noise.
test_browser() {
	ensure_chromium
	ensure_npm "$ROOT/extension/test"
	log "browser tests (chromium)"
	shopt -s nullglob
	local files=(extension/test/*.test.mjs)
	shopt -u nullglob
	[ ${#files[@]} -gt 0 ] || return 0
	node --test --test-concurrency=1 "${files[@]}"
}

test_all() {
	build_all
	test_go
	test_workers
	test_wasm
	test_fuzz
	test_lint_extension
	test_browser
	log "all tests passed"
}

# ---------------------------------------------------------------- sync server
SERVER_BIN=$OUT/unspool-server
WORKER_DIR=$ROOT/server/worker
# Wrangler runs offline here: no telemetry, no fetches from Cloudflare.
export WRANGLER_SEND_METRICS=false CLOUDFLARE_CF_FETCH_ENABLED=false

# dist/unspool-server (native), and the Worker: syumai/workers' JS shim and
# the Go wasm in server/build/ (wrangler.toml's main).
build_server() {
	log "server → dist/unspool-server, server/build/ (worker)"
	go build -trimpath -o "$SERVER_BIN" ./server
	go run github.com/syumai/workers/cmd/workers-assets-gen -mode=go -o server/build >/dev/null
	GOOS=js GOARCH=wasm go build -trimpath -ldflags='-s -w' -o server/build/app.wasm ./server
}

wr() { (cd "$WORKER_DIR" && NO_UPDATE_NOTIFIER=1 npx --no-install wrangler "$@"); }

# A free loopback port from $1 up to 18399 (the range local workers use here).
free_port() {
	local p
	for p in $(seq "${1:-18300}" 18399); do
		(exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
	done
	die "no free port in ${1:-18300}–18399"
}

# start_worker DIR PORT STATE LOG [wrangler dev args…]: applies DIR's D1
# migrations to a local database in STATE, starts `wrangler dev --local` on
# 127.0.0.1:PORT in its own process group and waits until it answers.
# Every worker started is stopped when the script exits, however it exits.
WORKER_PIDS=()
stop_workers() {
	local pid
	for pid in "${WORKER_PIDS[@]}"; do
		kill -TERM -- "-$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	WORKER_PIDS=()
}
trap stop_workers EXIT
start_worker() {
	local dir=$1 port=$2 state=$3 logf=$4 i
	shift 4
	(cd "$dir" && NO_UPDATE_NOTIFIER=1 npx --no-install wrangler d1 migrations apply DB --local --persist-to "$state" >"$logf.migrate" 2>&1) ||
		{ cat "$logf.migrate" >&2; die "wrangler d1 migrations apply failed in ${dir#"$ROOT"/}"; }
	# setsid: wrangler, workerd and npm in one group, stopped together.
	(cd "$dir" && NO_UPDATE_NOTIFIER=1 exec setsid npx --no-install wrangler dev --local --persist-to "$state" \
		--ip 127.0.0.1 --port "$port" --show-interactive-dev-session=false "$@" >"$logf" 2>&1) &
	WORKER_PIDS+=("$!")
	for i in $(seq 1 120); do
		curl -s -o /dev/null "http://127.0.0.1:$port/" && return 0
		kill -0 "$!" 2>/dev/null || { cat "$logf" >&2; die "wrangler dev (${dir#"$ROOT"/}) exited"; }
		sleep 0.5
	done
	cat "$logf" >&2
	die "wrangler dev (${dir#"$ROOT"/}) did not answer on port $port within 60 s"
}

# The Worker's upload size as wrangler reports it (offline dry run).
worker_size() {
	local out=$1
	wr deploy --dry-run --outdir "$out" 2>&1 | grep -E 'Total Upload' || die "wrangler deploy --dry-run failed"
	log "server/build/app.wasm: $(wc -c <"$ROOT/server/build/app.wasm") bytes raw, $(gzip -9c "$ROOT/server/build/app.wasm" | wc -c) gzip -9"
}

# The HTTP suite (server/suite) against the Go worker under workerd + local
# D1, with the limits the suite expects (server/suite/main_test.go TestEnv).
test_workers() {
	ensure_npm "$WORKER_DIR"
	build_server
	local port tmp
	port=$(free_port 18300)
	tmp=$(mktemp -d)
	log "HTTP suite against wrangler dev --local (workerd + D1) on 127.0.0.1:$port"
	start_worker "$WORKER_DIR" "$port" "$tmp/state" "$tmp/wrangler.log" \
		--var UNSPOOL_RATE_LIMIT:400 --var UNSPOOL_RATE_WINDOW:10 \
		--var UNSPOOL_MAX_RECORDS:300 --var UNSPOOL_MAX_BYTES:2500000
	UNSPOOL_TEST_SERVER="http://127.0.0.1:$port" UNSPOOL_TEST_SERVER_LOG="$tmp/wrangler.log" \
		go test -count=1 ./server/suite ||
		{ tail -40 "$tmp/wrangler.log" >&2; die "the HTTP suite failed under wrangler dev (log: $tmp/wrangler.log)"; }
	stop_workers
	worker_size "$tmp/dry-run"
	rm -rf "$tmp"
}

# ./build.sh deploy: the schema to the remote D1 database, then the Worker.
# Needs `npx wrangler login` (or CLOUDFLARE_API_TOKEN) and the database id in
# server/worker/wrangler.toml; never run by tests.
deploy_worker() {
	ensure_go
	ensure_npm "$WORKER_DIR"
	build_server
	log "D1 migrations (remote), then wrangler deploy"
	wr d1 migrations apply DB --remote
	wr deploy
}

# ---------------------------------------------------------------- benchmarks
bench_all() {
	build_all
	go test -run='^$' -bench=. -benchmem ./shared/...
	node bench/render-wasm.mjs
}

# ---------------------------------------------------------------- run
run_all() {
	build_all
	log "extension built: load $ROOT/extension unpacked (chrome://extensions → Developer mode → Load unpacked)"
	log "sync server: http://127.0.0.1:8787 (data in ./data; Ctrl-C stops it)"
	exec "$SERVER_BIN" -addr "${UNSPOOL_ADDR:-127.0.0.1:8787}" -data "${UNSPOOL_DATA:-$ROOT/data}"
}

case "${1:-}" in
run) run_all ;;
test) test_all ;;
bench) bench_all ;;
build) build_all ;;
deploy) deploy_worker ;;
test-workers) ensure_go && test_workers ;; # only the HTTP suite under wrangler dev
package) package_extension ;;
*) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
