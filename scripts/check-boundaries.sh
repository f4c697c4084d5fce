#!/usr/bin/env bash
# Fails when anything but the Worker shell touches the runtime: the core
# must build and test on the host, so only src/worker_shell/ may name the
# `worker`, `web_sys`, `js_sys` or `wasm_bindgen` crates; and the shell's
# entry stays small.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
pattern='(^|[^a-z_])(worker|web_sys|js_sys|wasm_bindgen|wasm_bindgen_futures)::'
if offenders=$(grep -rnE "$pattern" src --include='*.rs' | grep -v '^src/worker_shell/' | grep -vE '^\S+:\s*//'); then
    echo "check-boundaries: only src/worker_shell/ may use the Workers runtime crates:" >&2
    echo "$offenders" >&2
    exit 1
fi
lines=$(wc -l < src/worker_shell/mod.rs)
if (( lines >= 200 )); then
    echo "check-boundaries: src/worker_shell/mod.rs has $lines lines; it stays under 200" >&2
    exit 1
fi
echo "check-boundaries: runtime crates only in src/worker_shell/ (mod.rs: $lines lines)" >&2
