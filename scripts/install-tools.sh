#!/usr/bin/env bash
# Installs, idempotently and at pinned versions, every tool the Worker needs
# to build and run: the wasm target, worker-build, the wasm-bindgen CLI that
# matches Cargo.lock, and the npm tools (wrangler, wasm-opt, esbuild).
# With --test, also the Python venv with moto for the DynamoDB tests.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

WORKER_BUILD_VERSION=0.8.7
# The CLI must match the wasm-bindgen crate exactly; Cargo.lock is the truth.
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)

say() { printf '[install-tools] %s\n' "$*" >&2; }

export PATH="$HOME/.cargo/bin:$PATH"

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
fi
for component in clippy rustfmt; do
    if ! rustup component list --installed | grep -q "^$component"; then
        rustup component add "$component"
    fi
done

installed() { cargo install --list | grep -qx "$1 v$2:"; }

if ! installed worker-build "$WORKER_BUILD_VERSION"; then
    # --debug: ~1.3 min instead of ~7.5, and builds only ~1 s slower.
    say "installing worker-build $WORKER_BUILD_VERSION"
    cargo install worker-build --version "$WORKER_BUILD_VERSION" --locked --debug
fi
if ! installed wasm-bindgen-cli "$WASM_BINDGEN_VERSION"; then
    # No --locked: its lockfile wants a webpki-roots release the registry here lacks.
    # Release mode: a debug test runner adds ~20 s to every wasm test run.
    say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION"
    cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

stamp=node_modules/.install-stamp
lock_sum=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -x node_modules/.bin/wrangler ] || [ "$(cat "$stamp" 2>/dev/null)" != "$lock_sum" ]; then
    say "installing npm tools from package-lock.json"
    npm ci --no-audit --no-fund
    echo "$lock_sum" > "$stamp"
fi

if [ "${1:-}" = "--test" ]; then
    # shellcheck source=scripts/lib/servers.sh
    source scripts/lib/servers.sh
    ensure_moto_venv "$PWD/.tools/moto-venv"
fi
say "tools ready"
