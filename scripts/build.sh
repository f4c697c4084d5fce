#!/usr/bin/env bash
# Builds the Worker bundle into build/ (wrangler's [build] command).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# The test script builds once up front and starts several runtimes.
if [ "${SKIP_WORKER_BUILD:-0}" = 1 ] && [ -f build/worker/shim.mjs ]; then
    exit 0
fi
# shellcheck source=scripts/lib/toolenv.sh
source scripts/lib/toolenv.sh
args=(--release)
# wasm-opt costs ~20 s and only buys size; `wrangler dev` runs this twice.
if [ "${WRANGLER_COMMAND:-}" = dev ]; then
    args+=(--no-opt)
fi
exec worker-build "${args[@]}"
