#!/usr/bin/env bash
# Unspool's one entry point: builds every part, runs the local server, runs every test.
#   ./build.sh run      build everything, then start the local sync server (127.0.0.1)
#   ./build.sh test     install what the tests need, then run every test the project has
#   ./build.sh help     every verb, each with one line (read from the dispatch at the end)
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

# Debian's browsers (chromium, firefox-esr), never one downloaded by a test tool.
ensure_apt() {
	local pkg=$1 bin=$2
	[ -x "$bin" ] && return
	log "installing $pkg (apt)"
	command -v apt-get >/dev/null || die "$pkg is missing and apt-get is not available"
	local sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$pkg" >/dev/null
}
ensure_chromium() { ensure_apt chromium /usr/bin/chromium; }
# Firefox must be at least the manifest's strict_min_version, or the add-on
# refuses to install: a machine whose firefox-esr came from an old package
# index gets the current one.
ensure_firefox() {
	ensure_apt firefox-esr /usr/bin/firefox-esr
	local want have
	want=$(node -p 'require("./extension/manifest.json").browser_specific_settings.gecko.strict_min_version')
	have=$(/usr/bin/firefox-esr --version | grep -o '[0-9][0-9.]*' | head -1)
	version_at_least "$have" "$want" && return
	log "firefox-esr $have is older than the extension's minimum $want: upgrading (apt)"
	local sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --only-upgrade firefox-esr >/dev/null
	have=$(/usr/bin/firefox-esr --version | grep -o '[0-9][0-9.]*' | head -1)
	version_at_least "$have" "$want" || die "firefox-esr $have is older than $want (extension/manifest.json strict_min_version), and apt has no newer one"
}

# version_at_least A B: A >= B, comparing dotted numbers.
version_at_least() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -1)" = "$2" ]; }

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

# The WASM is built, and its Go tested under node, against copies of goquery
# and templ without their net/http parts (wasm/trimdeps: −0.43 MB gzip; it
# fails the build if net/http would still be linked).
WASM_DEPS=dist/wasm-deps
wasm_deps() {
	go run ./wasm/trimdeps -out "$WASM_DEPS"
}

build_wasm() {
	log "wasm → extension/unspool.wasm"
	wasm_deps
	GOOS=js GOARCH=wasm go build -modfile "$WASM_DEPS/wasm.mod" -trimpath -ldflags='-s -w' -o extension/unspool.wasm ./wasm
	log "wasm: $(wc -c <extension/unspool.wasm) bytes raw, $(gzip -9c extension/unspool.wasm | wc -c) gzip -9"
	cp "$(go env GOROOT)/lib/wasm/wasm_exec.js" extension/wasm_exec.js
}

# The content scripts as one classic script (what chrome.scripting injects):
# esbuild follows content/main.js's imports, so their order is declared by
# each file's imports, not kept by hand. esbuild runs as a Go tool (go.mod).
build_content() {
	log "content scripts → extension/content.bundle.js"
	go tool esbuild extension/content/main.js --bundle --format=iife --target=es2022 --charset=utf8 \
		--log-level=warning --outfile=extension/content.bundle.js
}

build_all() {
	ensure_go
	build_generate
	build_wasm
	build_content
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

# Firefox's linter on exactly what goes to addons.mozilla.org; errors and
# warnings fail (AMO shows warnings to reviewers).
# Then ESLint and tsc on the extension's own JavaScript (extension/test/).
test_lint_extension() {
	package_extension
	log "web-ext lint (the Firefox package)"
	(cd extension/test && NO_UPDATE_NOTIFIER=1 npx web-ext lint --no-config-discovery --warnings-as-errors --source-dir "$OUT/stage-firefox")
	log "eslint (extension/)"
	(cd extension && NO_UPDATE_NOTIFIER=1 npx --prefix test eslint --config test/eslint.config.mjs .)
	log "tsc --noEmit (extension/test/tsconfig.json: the extension's JavaScript)"
	local unchecked
	unchecked=$(cd extension && find background content main-world pages shared -name '*.js' ! -name '*.gen.js' \
		-exec grep -L '^// @ts-check' {} +)
	[ -z "$unchecked" ] || die "not type-checked (no // @ts-check on line 1): $unchecked"
	(cd extension/test && NO_UPDATE_NOTIFIER=1 npx tsc -p tsconfig.json)
}

# ---------------------------------------------------------------- tests
# Captures whose licence forbids a copy are read from the fixture set beside
# the repository, ../shared/fixtures (a golden case's source.txt names the
# file). Missing, their tests fail, so this stops first and says why; with
# UNSPOOL_FIXTURES_ABSENT=1 (the set knowingly absent) the Go and WASM tests
# skip those cases and this counts them. The browser suite builds its X
# pages from those captures and needs the set either way.
check_fixtures() {
	local missing=() ref file
	for ref in shared/extract/testdata/*/*/source.txt; do
		read -r file <"$ref" || true # a last line without its newline still reads
		[ -e "$file" ] || missing+=("${ref#shared/extract/testdata/}")
	done
	[ ${#missing[@]} -gt 0 ] || return 0
	[ -n "${UNSPOOL_FIXTURES_ABSENT:-}" ] ||
		die "${#missing[@]} golden cases read captures that are not here (${missing[*]%/source.txt}): put the fixture set at ../shared/fixtures, or set UNSPOOL_FIXTURES_ABSENT=1 to test without it"
	log "NOT CHECKED (UNSPOOL_FIXTURES_ABSENT=1): ${#missing[@]} golden cases whose capture is absent: ${missing[*]%/source.txt}"
}

test_go() {
	log "gofmt + go vet + go test (native)"
	local unformatted
	unformatted=$(gofmt -l shared server wasm bench docs)
	[ -z "$unformatted" ] || die "not gofmt-formatted: $unformatted"
	go mod tidy -diff || die "go.mod/go.sum are not tidy: run go mod tidy"
	check_fixtures
	go vet ./...
	go test -count=1 ./...
	log "the HTTP suite again, natively with 4 shards (-shards 4: four SQLite files)"
	UNSPOOL_TEST_SHARDS=4 go test -count=1 ./server/suite
}

test_wasm() {
	log "go test under node (GOOS=js GOARCH=wasm)"
	wasm_deps
	GOOS=js GOARCH=wasm go vet -modfile "$WASM_DEPS/wasm.mod" ./wasm/...
	local exec="$(go env GOROOT)/lib/wasm/go_js_wasm_exec"
	GOOS=js GOARCH=wasm go test -modfile "$WASM_DEPS/wasm.mod" -count=1 -exec="$exec" ./shared/... ./wasm/...
	log "wasm API from node"
	node --test wasm/test/*.test.mjs
	check_wasm_size
}

# The gzipped WASM's budget: what it weighed (2.49 MB) before every part it
# carries now; what would shrink it further is in docs/benchmarks.md.
WASM_GZIP_BUDGET=2490000
check_wasm_size() {
	local gz
	gz=$(gzip -9c extension/unspool.wasm | wc -c)
	[ "$gz" -le "$WASM_GZIP_BUDGET" ] ||
		die "extension/unspool.wasm is $gz bytes gzipped, over its $WASM_GZIP_BUDGET budget: bench/wasm-size.sh shows what each part weighs"
	log "wasm size: $gz bytes gzip -9 (budget $WASM_GZIP_BUDGET)"
}

# Every Fuzz target, briefly: enough to catch a regression on the seed corpus
# and a little beyond. Targets are found, not listed, so new ones are run too.
# fuzz_one runs one target. A failing input is written to the package's
# testdata/fuzz/<target>: that is a bug, and fails the build. A run that stops
# without one (seen once: the fuzzer itself gave up on a loaded machine, and
# the same target passed on every rerun) is tried once more before failing.
corpus_size() { if [ -d "$1" ]; then find "$1" -type f | wc -l; else echo 0; fi; }

fuzz_one() {
	local pkg=$1 target=$2 corpus="$1/testdata/fuzz/$2" before out
	before=$(corpus_size "$corpus")
	for attempt in 1 2; do
		out=$(go test -run='^$' -fuzz="^${target}\$" -fuzztime="$FUZZTIME" "$pkg" 2>&1) && return 0
		printf '%s\n' "$out" | grep -v '^fuzz: elapsed' | tail -20 >&2
		[ "$(corpus_size "$corpus")" -gt "$before" ] &&
			die "fuzz target $target in $pkg found a failing input (kept in $corpus)"
		[ $attempt = 1 ] && log "fuzz target $target stopped without a failing input; once more"
	done
	die "fuzz target $target in $pkg failed twice without a failing input"
}

test_fuzz() {
	log "fuzz (${FUZZTIME} per target)"
	local file pkg target
	while IFS= read -r file; do
		pkg=./$(dirname "$file")
		for target in $(grep -oE '^func (Fuzz[A-Za-z0-9_]+)' "$file" | cut -d' ' -f2); do
			fuzz_one "$pkg" "$target"
		done
	done < <(grep -rl --include='*_test.go' '^func Fuzz' shared server wasm 2>/dev/null || true)
}

# Every *.test.mjs under extension/test, in Debian's chromium, then in
# firefox-esr those whose header says "// Browsers: chromium, firefox" (the
# others say why not: the reason is printed). A file that drives both
# browsers at once ("// Browsers: both at once") runs in the Firefox pass
# only. One file at a time: two cores cannot run several browsers without
# timing noise.
test_browser() {
	ensure_chromium
	ensure_firefox
	ensure_npm "$ROOT/extension/test"
	shopt -s nullglob
	local files=(extension/test/*.test.mjs)
	shopt -u nullglob
	[ ${#files[@]} -gt 0 ] || return 0
	local f chromium=() firefox=()
	for f in "${files[@]}"; do
		if grep -q '^// Browsers: both at once' "$f"; then
			firefox+=("$f")
			continue
		fi
		chromium+=("$f")
		if grep -q '^// Browsers: chromium, firefox' "$f"; then
			firefox+=("$f")
		else
			log "not in firefox: ${f##*/} — $(sed -n 's|^// Browsers: chromium only — ||p' "$f" | head -1)"
		fi
	done
	local t0=$SECONDS
	log "browser tests (chromium)"
	BROWSER=chromium node --test --test-concurrency=1 "${chromium[@]}"
	log "browser tests (chromium): $((SECONDS - t0)) s"
	t0=$SECONDS
	log "browser tests (firefox)"
	BROWSER=firefox node --test --test-concurrency=1 "${firefox[@]}"
	log "browser tests (firefox): $((SECONDS - t0)) s"
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

# dist/unspool-server (native), and the Worker in server/build/
# (wrangler.toml's main).
build_server() {
	log "server → dist/unspool-server, server/build/ (worker)"
	go build -trimpath -o "$SERVER_BIN" ./server
	build_worker "$ROOT/server/build"
}

# build_worker DIR: syumai/workers' JS shim and the Go wasm in DIR.
build_worker() {
	go run github.com/syumai/workers/cmd/workers-assets-gen -mode=go -o "$1" >/dev/null
	GOOS=js GOARCH=wasm go build -trimpath -ldflags='-s -w' -o "$1/app.wasm" ./server
}

# private_worker DIR [N [MISSING]]: the Worker built into DIR/build with a
# copy of wrangler.toml pointing at it (DIR/wrangler.toml), so a test run is
# not disturbed by anyone rebuilding server/build meanwhile (wrangler dev
# watches its files and rebuilds). With N, the copy has N local D1 shards
# DB_0…DB_{N-1} and UNSPOOL_SHARDS = N; shard MISSING has no binding (a
# failing shard, for the fault test).
private_worker() {
	mkdir -p "$1"
	build_worker "$1/build"
	worker_config "$1/wrangler.toml" "$1/build" "${2:-}" "${3:-}"
}

# worker_config OUT BUILD [N [MISSING [FROM]]]: the wrangler config of
# private_worker; with FROM, the N shards are growing from FROM
# (UNSPOOL_SHARDS_FROM: the mover runs on cron events).
worker_config() {
	local out=$1 build=$2 n=${3:-} missing=${4:-} from=${5:-} i
	sed -e "s|^main = .*|main = \"$build/worker.mjs\"|" \
		-e "s|^migrations_dir = .*|migrations_dir = \"$ROOT/server/store/migrations\"|" \
		"$WORKER_DIR/wrangler.toml" >"$out"
	[ -n "$n" ] || return 0
	# The template's D1 blocks are the file's tail; the shards replace them.
	sed -i -e '/^\[\[d1_databases\]\]/,$d' -e "s|^UNSPOOL_SHARDS = .*|UNSPOOL_SHARDS = \"$n\"|" "$out"
	[ -z "$from" ] || sed -i "s|^UNSPOOL_SHARDS = .*|&\nUNSPOOL_SHARDS_FROM = \"$from\"|" "$out"
	for i in $(seq 0 $((n - 1))); do
		[ "$i" = "$missing" ] && continue
		printf '\n[[d1_databases]]\nbinding = "DB_%d"\ndatabase_name = "unspool-%d"\ndatabase_id = "00000000-0000-0000-0000-%012d"\nmigrations_dir = "%s"\n' \
			"$i" "$i" "$i" "$ROOT/server/store/migrations" >>"$out"
	done
}

# shard_bindings CONFIG: the D1 bindings of a wrangler config, one a line.
shard_bindings() { sed -n 's/^binding = "\(DB[_0-9]*\)"/\1/p' "$1"; }

wr() { (cd "$WORKER_DIR" && NO_UPDATE_NOTIFIER=1 npx --no-install wrangler "$@"); }

# A free loopback port from $1 up to 18399 (the range local workers use here).
# Other sessions on this machine use the same range: starting at a random
# port from $1 makes two of them less likely to pick the same free port
# before either binds it.
free_port() {
	local from=${1:-18300} p
	for p in $(seq $((from + RANDOM % 40)) 18399) $(seq "$from" 18399); do
		(exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
	done
	die "no free port in $from–18399"
}

# answers URL: whether an HTTP server answers there (any status). Node, not
# curl: Node is needed anyway, curl may not be installed.
answers() { node -e 'fetch(process.argv[1]).then(() => process.exit(0), () => process.exit(1))' "$1"; }

# start_worker CONFIG PORT STATE LOG [wrangler dev args…]: applies the D1
# migrations of wrangler config CONFIG to its local databases in STATE, starts
# `wrangler dev --local` on 127.0.0.1:PORT in its own process group and
# waits until it answers.
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
	local config=$1 port=$2 state=$3 logf=$4 i db
	shift 4
	for db in $(shard_bindings "$config"); do
		wr d1 migrations apply "$db" --local --config "$config" --persist-to "$state" >"$logf.migrate" 2>&1 ||
			{ cat "$logf.migrate" >&2; die "wrangler d1 migrations apply $db failed for $config"; }
	done
	# setsid: wrangler, workerd and npm in one group, stopped together.
	(cd "$WORKER_DIR" && NO_UPDATE_NOTIFIER=1 exec setsid npx --no-install wrangler dev --local --config "$config" \
		--persist-to "$state" --ip 127.0.0.1 --port "$port" --show-interactive-dev-session=false "$@" >"$logf" 2>&1) &
	WORKER_PIDS+=("$!")
	for i in $(seq 1 240); do
		# Ours, not another session's server that took the port first.
		grep -q "Ready on http://127.0.0.1:$port" "$logf" && answers "http://127.0.0.1:$port/" && return 0
		kill -0 "$!" 2>/dev/null || { cat "$logf" >&2; die "wrangler dev ($config) exited"; }
		sleep 0.5
	done
	cat "$logf" >&2
	die "wrangler dev ($config) did not answer on port $port within 120 s"
}

# worker_size DIR: the upload size of DIR's Worker (private_worker) as
# wrangler reports it (offline dry run), and its wasm raw and gzipped.
worker_size() {
	wr deploy --dry-run --config "$1/wrangler.toml" --outdir "$1/dry-run" 2>&1 | grep -E 'Total Upload' ||
		die "wrangler deploy --dry-run failed"
	log "worker wasm: $(wc -c <"$1/build/app.wasm") bytes raw, $(gzip -9c "$1/build/app.wasm" | wc -c) gzip -9"
}

# The HTTP suite (server/suite) against the Go worker under workerd + local
# D1, with the limits the suite expects (server/suite/main_test.go TestEnv).
# The whole suite runs once, against N shards (default 4: four local D1
# databases, so every test goes through the partitioned code, share slugs
# that name their shard and rate counts kept across shards), next to a
# 4-shard worker whose DB_2 binding is missing (the shard-fault test). One
# shard is the same Go code with N = 1, which the native suite runs in full;
# under workerd it gets only the protocol's core tests (SUITE_ONE_SHARD),
# not a second full run. `./build.sh test-workers 1` runs it all with one.
SUITE_VARS=(--var UNSPOOL_RATE_LIMIT:400 --var UNSPOOL_RATE_WINDOW:5 --var UNSPOOL_CREATE_LIMIT:25 --var UNSPOOL_KEY_GUESS_LIMIT:12
	--var UNSPOOL_MAX_RECORDS:300 --var UNSPOOL_MAX_BYTES:2500000)
# A private deployment's storage limits (server/suite/limits_test.go
# LimitsEnv, which this list must equal), on a Worker of their own.
LIMITS_VARS=(--var UNSPOOL_RATE_WINDOW:3600 --var UNSPOOL_CREATE_LIMIT:2
	--var UNSPOOL_CREATE_TOKEN:suite-creation-token-5f3a9c1e --var UNSPOOL_MAX_SHARES:2 --var UNSPOOL_MAX_BYTES:400000
	--var UNSPOOL_GONE_SECONDS:2 --var UNSPOOL_BUDGET_BYTES:2000000 --var UNSPOOL_CLIENT_IP_HEADER:CF-Connecting-IP)
SUITE_ONE_SHARD='^(TestCreateLibrary|TestPushPull|TestPushConflicts|TestDeleteLibrary|TestSharePublishAndFormats|TestEveryShardServes)$'
test_workers() {
	ensure_npm "$WORKER_DIR"
	local n=${1:-4} port fport tmp
	tmp=$(mktemp -d)
	private_worker "$tmp/worker" "$n"
	mkdir -p "$tmp/faulty" && cp -r "$tmp/worker/build" "$tmp/faulty/build"
	worker_config "$tmp/faulty/wrangler.toml" "$tmp/faulty/build" 4 2
	port=$(free_port 18300)
	log "HTTP suite against wrangler dev --local (workerd + $n local D1 shards) on 127.0.0.1:$port"
	start_worker "$tmp/worker/wrangler.toml" "$port" "$tmp/state" "$tmp/wrangler.log" "${SUITE_VARS[@]}"
	fport=$(free_port $((port + 1)))
	start_worker "$tmp/faulty/wrangler.toml" "$fport" "$tmp/state-faulty" "$tmp/faulty.log" "${SUITE_VARS[@]}"
	suite_against "$port" "$tmp/wrangler.log" "$n" "" UNSPOOL_TEST_FAULT_SERVER="http://127.0.0.1:$fport" UNSPOOL_TEST_FAULT_SHARD=2 \
		UNSPOOL_TEST_D1_CONFIG="$tmp/worker/wrangler.toml" UNSPOOL_TEST_D1_STATE="$tmp/state"
	stop_workers
	test_workers_limits "$tmp"
	if [ "$n" != 1 ]; then
		mkdir -p "$tmp/one" && worker_config "$tmp/one/wrangler.toml" "$tmp/worker/build" 1
		port=$(free_port 18300)
		log "HTTP suite, core tests, against one D1 shard on 127.0.0.1:$port"
		start_worker "$tmp/one/wrangler.toml" "$port" "$tmp/state-one" "$tmp/one.log" "${SUITE_VARS[@]}"
		suite_against "$port" "$tmp/one.log" 1 "$SUITE_ONE_SHARD"
		stop_workers
	fi
	test_workers_grow "$tmp"
	worker_size "$tmp/worker"
	rm -rf "$tmp"
}

# test_workers_limits TMP: the storage limits of a private deployment
# (LIMITS_VARS: budget, share cap, 410 period, creation token, creation
# limit per /64) against a one-shard Worker of their own: the test fills
# its database. TMP holds the worker built by test_workers.
test_workers_limits() {
	local tmp=$1 port
	mkdir -p "$tmp/limits" && worker_config "$tmp/limits/wrangler.toml" "$tmp/worker/build" 1
	port=$(free_port 18300)
	log "HTTP suite, storage limits (LIMITS_VARS), against one D1 shard on 127.0.0.1:$port"
	start_worker "$tmp/limits/wrangler.toml" "$port" "$tmp/state-limits" "$tmp/limits.log" "${SUITE_VARS[@]}" "${LIMITS_VARS[@]}"
	suite_against "$port" "$tmp/limits.log" 1 '^TestHostileClientsStorageLimits$' UNSPOOL_TEST_LIMITS=1
	stop_workers
}

# test_workers_grow TMP: growing from 2 to 4 D1 shards under load
# (server/suite/grow_test.go): libraries written through a 2-shard worker,
# then the same local databases served by a 4-shard worker growing from 2,
# whose mover's cron events the test fires (--test-scheduled) while its
# devices write; at most 60 D1 statements an event (UNSPOOL_GROW_BUDGET,
# the free plan allows 50 queries an invocation), so the moves span several
# events and resume. TMP holds the worker built by test_workers.
test_workers_grow() {
	local tmp=$1 port
	mkdir -p "$tmp/grow2" "$tmp/grow4"
	worker_config "$tmp/grow2/wrangler.toml" "$tmp/worker/build" 2
	worker_config "$tmp/grow4/wrangler.toml" "$tmp/worker/build" 4 "" 2
	port=$(free_port 18300)
	log "growing from 2 to 4 D1 shards under load: seeding through 2 on 127.0.0.1:$port"
	start_worker "$tmp/grow2/wrangler.toml" "$port" "$tmp/state-grow" "$tmp/grow2.log" "${SUITE_VARS[@]}"
	suite_against "$port" "$tmp/grow2.log" 2 '^TestGrowShardsUnderLoad$' UNSPOOL_TEST_GROW="seed:$tmp/grow.json"
	stop_workers
	port=$(free_port 18300)
	log "growing from 2 to 4 D1 shards under load: 4 growing from 2 on 127.0.0.1:$port"
	start_worker "$tmp/grow4/wrangler.toml" "$port" "$tmp/state-grow" "$tmp/grow4.log" "${SUITE_VARS[@]}" \
		--var UNSPOOL_GROW_BUDGET:60 --test-scheduled
	suite_against "$port" "$tmp/grow4.log" 4 '^TestGrowShardsUnderLoad$' UNSPOOL_TEST_GROW="grow:$tmp/grow.json" \
		UNSPOOL_TEST_GROW_LOG="$tmp/grow4.log"
	stop_workers
}

# suite_against PORT LOG SHARDS RUN [VAR=value…]: go test ./server/suite
# against the worker on PORT (RUN: a -run pattern, "" for all).
suite_against() {
	local port=$1 logf=$2 n=$3 run=$4
	shift 4
	env "$@" UNSPOOL_TEST_SERVER="http://127.0.0.1:$port" UNSPOOL_TEST_SERVER_LOG="$logf" UNSPOOL_TEST_SHARDS="$n" \
		go test -count=1 -timeout=30m ${run:+-run "$run"} ./server/suite ||
		{ tail -40 "$logf" >&2; die "the HTTP suite failed under wrangler dev with $n shards (log: $logf)"; }
}

# ./build.sh deploy: the schema to the remote D1 database, then the Worker.
# Needs `npx wrangler login` (or CLOUDFLARE_API_TOKEN) and the database id in
# server/worker/wrangler.toml; never run by tests.
deploy_worker() {
	ensure_go
	ensure_npm "$WORKER_DIR"
	build_server
	log "D1 migrations (remote, every shard), then wrangler deploy"
	local db
	for db in $(shard_bindings "$WORKER_DIR/wrangler.toml"); do
		wr d1 migrations apply "$db" --remote
	done
	wr deploy
}

# ./build.sh bench, the sync server (figures in docs/benchmarks.md): the
# native server under 200 devices, a 10,000-thread first pull and idle
# re-sync, then the Go worker next to the plain-JS baseline worker
# (bench/jsworker) under wrangler dev, and the worker's size. Every server
# runs on 127.0.0.1 with a rate limit too high to reach (its UPSERT is part
# of every request; the load is one client address) and is stopped at the end.
bench_server() {
	ensure_npm "$WORKER_DIR"
	local tmp port port2 load=$OUT/syncload i
	tmp=$(mktemp -d)
	go build -o "$load" ./bench/syncload
	go build -trimpath -o "$SERVER_BIN" ./server
	log "store alone (no HTTP): push + pull of a 2.5 KB record"
	go test -run '^$' -bench . -benchtime 2000x ./server/store
	port=$(free_port 18300)
	log "native server on 127.0.0.1:$port (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
	(UNSPOOL_RATE_LIMIT=100000000 UNSPOOL_CREATE_LIMIT=0 exec setsid "$SERVER_BIN" -addr "127.0.0.1:$port" -data "$tmp/data" \
		>"$tmp/native.log" 2>&1) &
	WORKER_PIDS+=("$!")
	for i in $(seq 1 50); do answers "http://127.0.0.1:$port/" && break; sleep 0.2; done
	"$load" -url "http://127.0.0.1:$port" -devices 200 -interval 500ms -duration 10s devices
	"$load" -url "http://127.0.0.1:$port" -devices 200 -interval 0 -duration 5s devices
	"$load" -url "http://127.0.0.1:$port" -threads 10000 bigpull
	stop_workers

	private_worker "$tmp/worker"
	port=$(free_port 18300)
	port2=$(free_port $((port + 1)))
	log "Go worker on 127.0.0.1:$port, plain-JS worker on 127.0.0.1:$port2 (wrangler dev --local)"
	start_worker "$tmp/worker/wrangler.toml" "$port" "$tmp/state-go" "$tmp/go.log" \
		--var UNSPOOL_RATE_LIMIT:100000000 --var UNSPOOL_CREATE_LIMIT:0
	start_worker "$ROOT/bench/jsworker/wrangler.toml" "$port2" "$tmp/state-js" "$tmp/js.log" \
		--var UNSPOOL_RATE_LIMIT:100000000
	"$load" -url "http://127.0.0.1:$port" -url2 "http://127.0.0.1:$port2" -n 200 compare
	stop_workers
	worker_size "$tmp/worker"
	rm -rf "$tmp"
}

# ./build.sh bench-shards (figures in docs/scaling.md): 1,000 devices over
# 200 libraries against one database and against 4, same run — natively
# (1 vs 4 SQLite files) and under wrangler dev (1 vs 4 local D1 databases).
# Workers get a slower sync rate: workerd runs every request's Go instance
# on this machine's 2 cores.
bench_shards() {
	ensure_npm "$WORKER_DIR"
	local tmp load=$OUT/syncload p1 p2 i
	tmp=$(mktemp -d)
	go build -o "$load" ./bench/syncload
	go build -trimpath -o "$SERVER_BIN" ./server
	p1=$(free_port 18300)
	p2=$(free_port $((p1 + 1)))
	(UNSPOOL_RATE_LIMIT=0 UNSPOOL_CREATE_LIMIT=0 exec setsid "$SERVER_BIN" -addr "127.0.0.1:$p1" -data "$tmp/one" >"$tmp/one.log" 2>&1) &
	WORKER_PIDS+=("$!")
	(UNSPOOL_RATE_LIMIT=0 UNSPOOL_CREATE_LIMIT=0 exec setsid "$SERVER_BIN" -addr "127.0.0.1:$p2" -data "$tmp/four" -shards 4 >"$tmp/four.log" 2>&1) &
	WORKER_PIDS+=("$!")
	for i in $(seq 1 50); do answers "http://127.0.0.1:$p1/" && answers "http://127.0.0.1:$p2/" && break; sleep 0.2; done
	for interval in 2s 1s; do
		log "native, 1 file (127.0.0.1:$p1) then 4 files (127.0.0.1:$p2), load average: $(cut -d' ' -f1-3 /proc/loadavg)"
		"$load" -url "http://127.0.0.1:$p1" -url2 "http://127.0.0.1:$p2" -devices 1000 -libraries 200 -interval "$interval" -duration 20s shared
	done
	stop_workers

	# Two copies, each in its own folder: wrangler dev watches its project.
	private_worker "$tmp/w4" 4
	mkdir -p "$tmp/w1" && cp -r "$tmp/w4/build" "$tmp/w1/build"
	worker_config "$tmp/w1/wrangler.toml" "$tmp/w1/build" 1
	p1=$(free_port 18300)
	start_worker "$tmp/w1/wrangler.toml" "$p1" "$tmp/state-1" "$tmp/w1.log" --var UNSPOOL_RATE_LIMIT:0 --var UNSPOOL_CREATE_LIMIT:0
	p2=$(free_port $((p1 + 1)))
	start_worker "$tmp/w4/wrangler.toml" "$p2" "$tmp/state-4" "$tmp/w4.log" --var UNSPOOL_RATE_LIMIT:0 --var UNSPOOL_CREATE_LIMIT:0
	log "wrangler dev, 1 D1 database (127.0.0.1:$p1) then 4 (127.0.0.1:$p2), load average: $(cut -d' ' -f1-3 /proc/loadavg)"
	"$load" -url "http://127.0.0.1:$p1" -url2 "http://127.0.0.1:$p2" -devices 1000 -libraries 200 -interval 30s -duration 60s -seeders 2 -inflight 3 shared
	stop_workers
	# The alternative: a Durable Object per library. Same JS handlers over a
	# D1 database and over each library's object, so only storage differs.
	p1=$(free_port 18300)
	start_worker "$ROOT/bench/jsworker/wrangler.toml" "$p1" "$tmp/state-js" "$tmp/js.log" --var UNSPOOL_RATE_LIMIT:0
	p2=$(free_port $((p1 + 1)))
	start_worker "$ROOT/bench/doworker/wrangler.toml" "$p2" "$tmp/state-do" "$tmp/do.log" --var UNSPOOL_RATE_LIMIT:0
	log "plain JS over D1 (127.0.0.1:$p1) vs over a Durable Object per library (127.0.0.1:$p2), load average: $(cut -d' ' -f1-3 /proc/loadavg)"
	"$load" -url "http://127.0.0.1:$p1" -url2 "http://127.0.0.1:$p2" -n 300 compare
	"$load" -url "http://127.0.0.1:$p1" -url2 "http://127.0.0.1:$p2" -devices 1000 -libraries 200 -interval 30s -duration 60s -seeders 2 -inflight 3 shared
	log "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
	stop_workers
	rm -rf "$tmp"
}

# ./build.sh bench, share pages (figures in docs/benchmarks.md):
# the page's size before/after minify and GET /t/<slug> natively (open-loop
# 1,000 req/s), then under wrangler dev (sequential), then the worker's
# start-up in V8 (instance + main() per request).
bench_share() {
	ensure_npm "$WORKER_DIR"
	local tmp port
	tmp=$(mktemp -d)
	log "share pages, native (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
	go run ./bench/share -rate 1000 -c 64 -n 20000
	private_worker "$tmp/worker"
	port=$(free_port 18300)
	start_worker "$tmp/worker/wrangler.toml" "$port" "$tmp/state" "$tmp/share.log" --var UNSPOOL_RATE_LIMIT:0
	log "share pages under wrangler dev on 127.0.0.1:$port (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
	go run ./bench/share -server "http://127.0.0.1:$port" -rate 0 -c 1 -n 300 -warm 20
	stop_workers
	node bench/share/startup.mjs "$tmp/worker/build"
	rm -rf "$tmp"
}

# ---------------------------------------------------------------- benchmarks
bench_all() {
	build_all
	go test -run='^$' -bench=. -benchmem ./shared/...
	node bench/extract-wasm.mjs
	bench_server
	bench_share
	bench_shards
	node bench/render-wasm.mjs
	ensure_chromium && ensure_npm "$ROOT/extension/test" && node bench/library-bench.mjs
	node bench/library-redraw.mjs
	node bench/extension-unroll.mjs
}

# ---------------------------------------------------------------- run
run_all() {
	build_all
	log "extension built: load $ROOT/extension unpacked (chrome://extensions → Developer mode → Load unpacked)"
	local addr=${UNSPOOL_ADDR:-127.0.0.1:8787} data=${UNSPOOL_DATA:-$ROOT/data}
	log "sync server: http://$addr (data in $data; Ctrl-C stops it)"
	exec "$SERVER_BIN" -addr "$addr" -data "$data"
}

# ---------------------------------------------------------------- verbs
# usage prints every arm of the dispatch below with the comment after its
# ";;": the one list of verbs, so none is hidden (docs/docs_test.go fails a
# verb without its line, and a document naming a verb build.sh lacks).
usage() {
	echo "usage: ./build.sh VERB"
	sed -n -e '/^case "${1:-}" in$/,/^esac$/{' -e 's/^\([a-z][a-z0-9-]*\)) .*;; *# *\(.*\)$/\1\t\2/p;t' \
		-e 's/^\([a-z][a-z0-9-]*\)) .*$/\1\t(no description)/p;}' "$0" |
		while IFS=$'\t' read -r verb what; do printf '  %-13s %s\n' "$verb" "$what"; done
}

case "${1:-}" in
run) run_all ;; # build everything, then start the local sync server on 127.0.0.1:8787 (UNSPOOL_ADDR, UNSPOOL_DATA)
test) test_all ;; # install what the tests need (apt chromium + firefox-esr, npm, Go modules), then run every test (CI)
build) build_all ;; # build only: extension/unspool.wasm, dist/unspool-server, the Worker in server/build/
package) package_extension ;; # zip the extension for the Chrome and Firefox stores: dist/unspool-{chrome,firefox}.zip
deploy) deploy_worker ;; # the sync server to Cloudflare Workers + D1 (docs/server.md; needs wrangler login)
test-browser) build_all && test_browser ;; # only the browser suite, Chromium then Firefox
test-workers) ensure_go && test_workers "${2:-4}" ;; # only the HTTP suite under wrangler dev [with N shards, default 4]
test-fuzz) ensure_go && test_fuzz ;; # only the fuzz targets, FUZZTIME (default 8s) each
bench) bench_all ;; # every benchmark (figures in docs/benchmarks.md, each with the command that made it)
bench-server) ensure_go && bench_server ;; # only the sync server benchmarks (native, then Go vs plain-JS worker)
bench-share) ensure_go && bench_share ;; # only the share page benchmarks
bench-shards) ensure_go && bench_shards ;; # only the sharded-vs-single load runs (docs/scaling.md)
help) usage ;; # this list
*)
	[ -z "${1:-}" ] || echo "build.sh: unknown verb '$1'" >&2
	usage >&2
	exit 2
	;;
esac
