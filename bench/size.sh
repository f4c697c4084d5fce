#!/usr/bin/env bash
# Where the bytes of the release bundle are: prints markdown (the measured
# part of bench/SIZE.md) for a worker-build output directory.
#
# Usage: bash bench/size.sh [BUNDLE_DIR]   (default build/; a release build
# with wasm-opt, e.g. bench/.tools/build-head from `scripts/bench.sh --head`)
#
# Uses twiggy (installed into bench/.tools by bench/tools.sh, pinned).
# Shallow size = the item's own bytes; retained = the bytes that would go
# with it (everything only it reaches). LTO inlines most of the Worker into a
# few big async closures, so per-function names undercount our crate and
# overcount js_sys::futures (the closures wasm-bindgen-futures wraps).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
dir=${1:-build}
wasm=$dir/index_bg.wasm
[[ -f $wasm ]] || { echo "bench/size.sh: $wasm missing" >&2; exit 2; }
twiggy=$(bash bench/tools.sh)
tmp=$(mktemp -d)
trap 'rm -rf -- "$tmp"' EXIT

gz() { gzip -9 -c "$1" | wc -c; }
echo "## Bundle: \`$wasm\`"
echo
echo "- index_bg.wasm: $(stat -c %s "$wasm") bytes, $(gz "$wasm") gzipped (\`gzip -9\`); index.js: $(stat -c %s "$dir/index.js") bytes, $(gz "$dir/index.js") gzipped"
echo "- sha256 $(sha256sum "$wasm" | cut -c1-12), built $(stat -c %y "$wasm" | cut -d. -f1)"
echo
echo "### Wasm sections"
echo
python3 - "$wasm" <<'PY'
import gzip, sys
b = open(sys.argv[1], "rb").read()
def leb(i):
    r = s = 0
    while True:
        x = b[i]; i += 1; r |= (x & 0x7F) << s; s += 7
        if x < 0x80:
            return r, i
names = {0: "custom", 1: "type", 2: "import", 3: "function", 4: "table", 5: "memory", 6: "global", 7: "export",
         8: "start", 9: "element", 10: "code", 11: "data", 12: "data count"}
i, rows = 8, []
while i < len(b):
    sid = b[i]; size, j = leb(i + 1)
    label = names.get(sid, str(sid))
    if sid == 0:
        n, k = leb(j); label = f'custom "{b[k:k + n].decode()}"'
    rows.append((label, j + size - i, len(gzip.compress(b[i:j + size], 9))))
    i = j + size
print("| section | bytes | gzip -9 alone |")
print("|---|---:|---:|")
for label, size, z in rows:
    if size > 100:
        print(f"| {label} | {size:,} | {z:,} |")
PY
echo
echo "### \`twiggy top -n 40\` (shallow size)"
echo
echo '```'
"$twiggy" top -n 40 "$wasm"
echo '```'
echo
echo "### \`twiggy top --retained -n 25\`"
echo
echo '```'
"$twiggy" top --retained -n 25 "$wasm"
echo '```'
echo
echo "### \`twiggy dominators -d 4 -r 30\` (summary)"
echo
echo "Nearly all code hangs off the indirect-call table (async closures); the \"unreachable items\" are the data segments and the name section, which twiggy cannot attribute to a function."
echo
echo '```'
"$twiggy" dominators -d 4 -r 30 "$wasm"
echo '```'
echo
echo "### By crate (shallow sizes of \`twiggy top\` summed by the crate each name starts with: bench/size-by-crate.py)"
echo
"$twiggy" top -n 1000000 -f csv "$wasm" >"$tmp/top.csv"
python3 bench/size-by-crate.py "$tmp/top.csv" groups
