#!/usr/bin/env bash
# Validates the deploy recipe offline: `wrangler deploy --dry-run` for each
# deployed environment of wrangler.toml (no Cloudflare login needed). Fails
# when wrangler fails, when it warns (an unknown or misplaced key in
# wrangler.toml is only a warning to wrangler), when the bundle lacks the
# Worker's wasm, or when an environment lacks a binding it should have.
#
# Usage: bash scripts/check-deploy.sh [ENV...]   (default: staging production)
# SKIP_WORKER_BUILD=1 reuses the bundle already in build/ (scripts/test.sh has
# just built it); otherwise wrangler builds it, with wasm-opt, as a deploy does.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/lib/toolenv.sh
source scripts/lib/toolenv.sh

envs=("$@")
((${#envs[@]})) || envs=(staging production)
# What each deployed environment must bind (wrangler lists them as env.NAME).
expected=(METRICS RATE_LIMITER VERSION STATUS_STORE DYNAMODB_PROCESSING_STATUS_TABLE
  AWS_REGION STATUS_KEY_ATTRIBUTE CORS_ORIGINS)

out=$(mktemp -d)
trap 'rm -rf -- "$out"' EXIT

say() { echo "check-deploy: $*" >&2; }
failed=0
for env in "${envs[@]}"; do
  started=$SECONDS
  log="$out/$env.log"
  # NO_COLOR: plain text to search; CI=1: no interactive prompts.
  if ! NO_COLOR=1 CI=1 timeout 900 node_modules/.bin/wrangler deploy --dry-run \
    --outdir "$out/$env" --env "$env" >"$log" 2>&1; then
    cat "$log" >&2
    say "FAIL: --env $env: wrangler deploy --dry-run failed"
    failed=1
    continue
  fi
  problems=()
  if grep -Eq '\[(WARNING|ERROR)\]' "$log"; then
    problems+=("wrangler warned")
  fi
  if ! compgen -G "$out/$env/*.wasm" >/dev/null; then
    problems+=("no .wasm module in the bundle")
  fi
  for name in "${expected[@]}"; do
    grep -Eq "^env\.$name([[:space:]]|$)" "$log" || problems+=("no binding env.$name")
  done
  if ((${#problems[@]})); then
    cat "$log" >&2
    for problem in "${problems[@]}"; do say "FAIL: --env $env: $problem"; done
    failed=1
    continue
  fi
  say "--env $env OK ($(grep -m1 '^Total Upload' "$log"), $((SECONDS - started)) s)"
done
exit "$failed"
