#!/usr/bin/env bash
# What linking the share pages costs the Worker: builds the server for
# js/wasm three ways from the committed tree (git archive HEAD) and prints
# each one's size (raw, gzip -9), its Go package initialisation
# (bench/share/inittrace.mjs), an isolate's cold start (bench/share/coldstart.mjs)
# and warm start-up in V8 (bench/share/startup.mjs):
#   noshare   the share routes removed (no shared/render, no minify linked)
#   nominify  share pages without the HTML minifier
#   share     as committed
# Usage: bench/share/worker-variants.sh   (from the repository root)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
export GOTOOLCHAIN=local
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

variant() { # NAME EDIT-COMMAND
	local src="$tmp/src-$1"
	mkdir -p "$src" "$tmp/$1"
	git archive HEAD | tar -x -C "$src"
	(cd "$src" && eval "$2")
	(cd "$src" && go run github.com/syumai/workers/cmd/workers-assets-gen -mode=go -o "$tmp/$1" >/dev/null &&
		GOOS=js GOARCH=wasm go build -trimpath -ldflags='-s -w' -o "$tmp/$1/app.wasm" ./server)
	printf '%-9s %9d bytes raw, %9d gzip -9\n' "$1" "$(wc -c <"$tmp/$1/app.wasm")" "$(gzip -9c "$tmp/$1/app.wasm" | wc -c)"
}

variant noshare 'rm server/http/share.go && sed -i "/h.registerShareRoutes()/d" server/http/server.go'
# The minifier call replaced by the unminified page; the import dropped.
variant nominify "sed -i -e '/tdewolff\/minify/d' -e 's/minifier.Bytes(\"text\/html\", raw)/raw, error(nil)/' \
	-e '/^var minifier = func/,/^}()/d' server/sharepage/sharepage.go"
variant share ':'
for v in noshare nominify share; do node "$ROOT/bench/share/inittrace.mjs" "$tmp/$v" 2>/dev/null | grep -v 'd1: database'; done
for v in noshare nominify share; do node "$ROOT/bench/share/coldstart.mjs" "$tmp/$v" 2>/dev/null | grep -v 'd1: database'; done
node "$ROOT/bench/share/startup.mjs" "$tmp/noshare" "$tmp/nominify" "$tmp/share"
