#!/usr/bin/env bash
# Bench-only tools, installed into bench/.tools (git-ignored), idempotently:
#   twiggy  (cargo install, pinned) — code-size profiler for the wasm bundle
# Usage: bash bench/tools.sh   → prints the twiggy binary's path on stdout.
# Not part of scripts/install-tools.sh: only the bench and size analysis
# (bench/size.sh) need it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
twiggy_version=0.8.0
root=bench/.tools/cargo
twiggy=$root/bin/twiggy
# (it prints "twiggy-opt 0.8.0")
if [[ $("$twiggy" --version 2>/dev/null || true) != *" $twiggy_version" ]]; then
  echo "bench/tools.sh: installing twiggy $twiggy_version into $root (cargo install --locked, ~3 min)" >&2
  PATH="$HOME/.cargo/bin:$PATH" timeout 1200 cargo install --quiet --locked --force \
    --root "$root" twiggy --version "$twiggy_version" >&2
fi
echo "$PWD/$twiggy"
