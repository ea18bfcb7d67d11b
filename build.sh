#!/usr/bin/env bash
# Unspool's one entry point: builds every part, runs the local server, runs every test.
#   ./build.sh run      build everything, then start the local sync server (127.0.0.1)
#   ./build.sh test     install what the tests need, then run every test the project has
#   ./build.sh bench    run the benchmarks (figures go in README.md#benchmarks)
#   ./build.sh build    build only
#   ./build.sh package  zip the extension for the Chrome and Firefox stores
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
	test_wasm
	test_fuzz
	test_browser
	log "all tests passed"
}

# ---------------------------------------------------------------- benchmarks
bench_all() {
	build_all
	go test -run='^$' -bench=. -benchmem ./shared/...
}

# ---------------------------------------------------------------- run
run_all() {
	build_all
	log "extension built: load $ROOT/extension unpacked (chrome://extensions → Developer mode → Load unpacked)"
	log "the sync server is not part of the build yet"
}

case "${1:-}" in
run) run_all ;;
test) test_all ;;
bench) bench_all ;;
build) build_all ;;
*) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
