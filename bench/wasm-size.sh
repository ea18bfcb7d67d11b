#!/usr/bin/env bash
# What makes extension/unspool.wasm big, measured: builds a ladder of small
# GOOS=js GOARCH=wasm programs with ./build.sh's flags, each adding one part
# of the real ./wasm, then the real ./wasm and variants of it that answer
# "what would it take to shrink it" (split modules, wasm-opt) and what
# wasm/trimdeps saves (the dependencies as released):
# raw and gzip -9 bytes, and what each step adds. Then the Go packages that
# weigh most in the real wasm's code section and what imports the heavy ones.
# Usage: bench/wasm-size.sh   (from the repository root; no network: the
# module cache must hold the dependencies, as after ./build.sh build)
# Figures and conclusions: docs/benchmarks.md, "The WASM's size".
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export GOTOOLCHAIN=local GOOS=js GOARCH=wasm GOPROXY=off GOFLAGS=-mod=readonly
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The ladder's programs and the variants' edits live only in go build's
# -overlay, under paths that do not exist in the tree, so the tree is never
# written to (but for dist/wasm-deps, which ./build.sh writes the same way). STEPS is the virtual package directory of the ladder.
STEPS=$ROOT/bench/wasm-size.ladder

# Each ladder step adds imports and main's lines to the step before; every
# import is used the way ./wasm uses it, so the linker keeps what ./wasm's
# use keeps (step 3 alone only imports: it is what goquery and templ make
# the program carry without calling into net/http).
step_name=(
	"1 empty main, syscall/js"
	"2 + encoding/json"
	"3 + import _ net/http"
	"4 + goquery"
	"5 + shared/extract"
	"6 + shared/render"
	"7 + shared/sync"
)
step_imports=(
	''
	'"encoding/json"'
	'_ "net/http"'
	'"strings"; "github.com/PuerkitoBio/goquery"'
	'"unspool/shared/extract"'
	'"unspool/shared/render"; "unspool/shared/thread"'
	'usync "unspool/shared/sync"'
)
step_code=(
	'api["echo"] = func(a []js.Value) any { return a[0].String() }'
	'api["json"] = func(a []js.Value) any {
		var v any
		if err := json.Unmarshal([]byte(a[0].String()), &v); err != nil {
			return err.Error()
		}
		b, _ := json.Marshal(v)
		return string(b)
	}'
	''
	'api["goquery"] = func(a []js.Value) any {
		doc, err := goquery.NewDocumentFromReader(strings.NewReader(a[0].String()))
		if err != nil {
			return err.Error()
		}
		return doc.Find(a[1].String()).Text()
	}'
	'api["extract"] = func(a []js.Value) any {
		t, err := extract.Extract(a[0].String(), []byte(a[1].String()))
		var c extract.Collected
		if err != nil && json.Unmarshal([]byte(a[1].String()), &c) == nil {
			t, err = extract.ExtractCollected(a[0].String(), c)
		}
		if err != nil {
			return err.Error()
		}
		b, _ := json.Marshal(t)
		return string(b)
	}'
	'api["render"] = func(a []js.Value) any {
		var t thread.Thread
		var b strings.Builder
		o, err := render.ParseOptions(a[1].String())
		f, err2 := render.ParseFormat(a[2].String())
		if err = errors.Join(err, err2, json.Unmarshal([]byte(a[0].String()), &t)); err == nil {
			err = errors.Join(render.Render(&b, &t, o), render.Export(&b, &t, f, o))
		}
		if err != nil {
			return err.Error()
		}
		return b.String()
	}'
	'for name, fn := range map[string]func(a, b string) (string, error){
		"seal": usync.APISeal, "open": usync.APIOpen, "merge": usync.APIMerge,
		"edit": usync.APIEdit, "recordId": usync.APIRecordID,
		"keys":     func(a, _ string) (string, error) { return usync.APIKeys(a) },
		"maxClock": func(a, _ string) (string, error) { return usync.APIMaxClock(a) },
		"clock":    func(a, b string) (string, error) { return usync.APIClockNext(a, b, 0) },
		"secret":   func(_, _ string) (string, error) { return usync.APINewSecret() },
		"device":   func(_, _ string) (string, error) { return usync.NewDeviceID() },
	} {
		api[name] = func(a []js.Value) any {
			s, err := fn(a[0].String(), a[1].String())
			if err != nil {
				return err.Error()
			}
			return s
		}
	}'
)

# ladder_program N: the Go source of step N (1-based).
ladder_program() {
	local i imports="" code=""
	for ((i = 0; i < $1; i++)); do
		imports+="${step_imports[i]//; /$'\n\t'}"$'\n\t'
		code+="${step_code[i]}"$'\n\t'
	done
	[ "$1" -ge 6 ] && imports+='"errors"'
	cat <<EOF
//go:build js && wasm

package main

import (
	"syscall/js"
	$imports
)

var api = map[string]func(a []js.Value) any{}

func main() {
	$code
	obj := js.Global().Get("Object").New()
	for name, fn := range api {
		obj.Set(name, js.FuncOf(func(_ js.Value, a []js.Value) any { return fn(a) }))
	}
	js.Global().Set("unspool", obj)
	select {}
}
EOF
}

# overlay NAME PATH=FILE... writes $tmp/NAME.json, go build's -overlay: each
# PATH read from FILE instead ("-" for FILE: PATH deleted). Go refuses
# overlays inside the module cache: dependencies are edited in copies.
overlay() {
	local name=$1 pair sep="" json='{"Replace":{'
	shift
	for pair in "$@"; do
		local file=${pair#*=}
		[ "$file" = - ] && file=""
		json+="$sep\"${pair%%=*}\":\"$file\""
		sep=,
	done
	printf '%s}}\n' "$json" >"$tmp/$name.json"
}

# build NAME PKG [GO-BUILD-FLAGS...]: $tmp/NAME.wasm, built as ./build.sh
# builds (a later -ldflags replaces the first).
build() { go build -trimpath -ldflags='-s -w' "${@:3}" -o "$tmp/$1.wasm" "$2"; }

declare -A raw gz
measure() { raw[$1]=$(wc -c <"$tmp/$1.wasm"); gz[$1]=$(gzip -9c "$tmp/$1.wasm" | wc -c); }
kb() { awk -v b="$1" 'BEGIN { printf "%d", b / 1000 + 0.5 }'; }
delta() { awk -v b="$1" 'BEGIN { printf "%+d", b / 1000 + (b < 0 ? -0.5 : 0.5) }'; }
row() { # LABEL NAME BASE
	printf '| %s | %s | %s | %s |\n' "$1" "$(kb "${raw[$2]}")" "$(kb "${gz[$2]}")" \
		"$([ -n "${3:-}" ] && delta $((gz[$2] - gz[$3])))"
}

echo "# bench/wasm-size.sh — $(go version | cut -d' ' -f3), $(date -u '+%Y-%m-%d %H:%M UTC'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| program (GOOS=js GOARCH=wasm, -trimpath -ldflags='-s -w') | raw KB | gzip -9 KB | Δ gzip KB |"
echo "|---|---:|---:|---:|"
prev=""
for ((n = 1; n <= ${#step_name[@]}; n++)); do
	mkdir -p "$tmp/step$n"
	ladder_program "$n" >"$tmp/step$n/main.go"
	overlay "step$n" "$STEPS/main.go=$tmp/step$n/main.go"
	build "step$n" "$STEPS" -overlay "$tmp/step$n.json"
	measure "step$n"
	row "${step_name[n - 1]}" "step$n" "$prev"
	prev=step$n
done
# The real ./wasm as ./build.sh builds it: against wasm/trimdeps' copies of
# goquery and templ (no net/http, no html/template), in dist/wasm-deps.
env -u GOOS -u GOARCH go run ./wasm/trimdeps -out dist/wasm-deps
SHIPPED=(-modfile dist/wasm-deps/wasm.mod)
build wasm ./wasm "${SHIPPED[@]}"
measure wasm
row "8 the real \`./wasm\` as shipped (goquery, templ trimmed by wasm/trimdeps)" wasm "$prev"
echo
echo "| variant of the real ./wasm | raw KB | gzip -9 KB | Δ gzip KB vs ./wasm |"
echo "|---|---:|---:|---:|"

# variant NAME LABEL [GO-BUILD-FLAGS...]: one row of the second table.
variant() { build "$1" ./wasm "${@:3}" && measure "$1" && row "$2" "$1" wasm; }

variant released "goquery and templ as released (net/http, html/template linked)"

# Split: extract alone (the thread memo, wasm/thread.go, stays with it),
# and render + sync, the module a reader page would load afterwards.
overlay extract "$ROOT/wasm/render.go=-" "$ROOT/wasm/sync.go=-" "$ROOT/wasm/syncrun.go=-" "$ROOT/wasm/library.go=-"
variant extract "split: extract only (no render, no sync)" "${SHIPPED[@]}" -overlay "$tmp/extract.json"
overlay render "$ROOT/wasm/extract.go=-" "$ROOT/wasm/author.go=-"
variant render "split: render + sync (no extract)" "${SHIPPED[@]}" -overlay "$tmp/render.json"

if command -v wasm-opt >/dev/null; then
	# Go's wasm uses these post-MVP features; binaryen refuses the module without them.
	wasm-opt --enable-bulk-memory --enable-sign-ext --enable-nontrapping-float-to-int \
		-Oz "$tmp/wasm.wasm" -o "$tmp/wasm-opt.wasm"
	measure wasm-opt
	row "./wasm after $(wasm-opt --version | cut -d' ' -f1-3) -Oz" wasm-opt wasm
else
	echo "(wasm-opt not installed: apt-get install binaryen)"
fi

# Where the real wasm's bytes are, by package: the same build without -s
# keeps the wasm "name" section (one name per function); each function's
# body in the code section is counted under the package that defines it.
# The linker writes names with every character outside [A-Za-z0-9_.] as _,
# so a name is matched against ./wasm's dependencies written the same way,
# the longest first; generic code counts under the package of the generic
# function (slices.SortFunc[…] under slices). The data section (strings,
# type descriptors, pclntab) is not split: its size is printed as a whole.
build named ./wasm "${SHIPPED[@]}" -ldflags=-w
go list "${SHIPPED[@]}" -deps ./wasm >"$tmp/deps.txt"
cat >"$tmp/pkgs.mjs" <<'JS'
import fs from 'node:fs';
const [file, depsFile, top] = process.argv.slice(2);
const b = fs.readFileSync(file);
let p = 8; // after the magic number and version
const uleb = () => { let r = 0, s = 0, c; do { c = b[p++]; r += (c & 0x7f) * 2 ** s; s += 7; } while (c & 0x80); return r; };
const str = () => { const n = uleb(); p += n; return b.toString('utf8', p - n, p); };
let imported = 0, code = 0, data = 0;
const bodies = [], names = new Map();
while (p < b.length) {
  const id = b[p++], end = uleb() + p;
  if (id === 2) { // imports: function indices count imported functions first
    for (let n = uleb(); n > 0; n--) {
      str(); str();
      const kind = b[p++];
      if (kind === 0) { uleb(); imported++; } else if (kind === 1) { p++; if (b[p++] & 1) uleb(); uleb(); } else if (kind === 2) { if (b[p++] & 1) uleb(); uleb(); } else p += 2;
    }
  } else if (id === 10) {
    code = end - p;
    for (let n = uleb(); n > 0; n--) { const size = uleb(); bodies.push(size); p += size; }
  } else if (id === 11) data = end - p;
  else if (id === 0 && str() === 'name') {
    while (p < end) {
      const sub = b[p++], subEnd = uleb() + p;
      if (sub === 1) for (let n = uleb(); n > 0; n--) { const i = uleb(); names.set(i, str()); }
      p = subEnd;
    }
  }
  p = end;
}
const pkgs = fs.readFileSync(depsFile, 'utf8').split('\n').filter(Boolean)
  .map((path) => [path.replace(/[^\w.]/g, '_') + '.', path]).sort((x, y) => y[0].length - x[0].length);
const byPkg = new Map();
bodies.forEach((size, i) => {
  const name = names.get(imported + i) ?? '';
  const pkg = name.startsWith('type_.') ? '(compiler-made type equality/hash)'
    : pkgs.find(([prefix]) => name.startsWith(prefix))?.[1] ?? '(other)';
  byPkg.set(pkg, (byPkg.get(pkg) ?? 0) + size);
});
const kb = (n) => Math.round(n / 1000).toLocaleString('en');
console.log(`\nSections of ./wasm built without -s: code ${kb(code)} KB raw, data ${kb(data)} KB raw.`);
console.log(`\n| package (code section, raw) | KB | share of code |\n|---|---:|---:|`);
for (const [pkg, size] of [...byPkg].sort((x, y) => y[1] - x[1]).slice(0, Number(top))) {
  console.log(`| ${pkg} | ${kb(size)} | ${(100 * size / code).toFixed(1)} % |`);
}
JS
node "$tmp/pkgs.mjs" "$tmp/named.wasm" "$tmp/deps.txt" 25

# What brings the heavy packages in: their importers among ./wasm's
# dependencies as released (wasm/trimdeps' copies import neither net/http
# nor html/template) (std's own internal links left out where a listed
# package already explains them).
echo
echo "| linked package | imported by (in ./wasm's dependencies) |"
echo "|---|---|"
go list -deps -f '{{.ImportPath}} {{join .Imports " "}}' ./wasm >"$tmp/imports.txt"
for pkg in net/http crypto/tls crypto/x509 html/template text/template math/big regexp compress/flate; do
	printf '| %s | %s |\n' "$pkg" "$(awk -v p="$pkg" '{ for (i = 2; i <= NF; i++) if ($i == p) print $1 }' "$tmp/imports.txt" |
		grep -v '^internal/\|/internal/' | paste -sd' ')"
done
