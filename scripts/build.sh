#!/usr/bin/env bash
# Builds the Worker bundle into build/ (wrangler's [build] command; also run
# directly by the test and bench scripts). worker-build writes build/index.js
# (wrangler.toml's `main`), build/index_bg.wasm and, for older configs,
# build/worker/shim.mjs re-exporting index.js.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# The test script builds once up front and starts several runtimes.
if [ "${SKIP_WORKER_BUILD:-0}" = 1 ] && [ -f build/index.js ] && [ -f build/index_bg.wasm ]; then
    exit 0
fi
# shellcheck source=scripts/lib/toolenv.sh
source scripts/lib/toolenv.sh
args=(--release)
# wasm-opt costs ~20 s and only buys size: run it for what is uploaded
# (`wrangler deploy`, including --dry-run, and `wrangler versions upload`) and
# for direct runs (the tested release bundle), skip it for every other
# wrangler command that builds (`dev`, which builds twice at start-up, `types`…).
case "${WRANGLER_COMMAND-}" in
    "" | deploy | "versions upload") ;;
    *) args+=(--no-opt) ;;
esac
exec worker-build "${args[@]}"
