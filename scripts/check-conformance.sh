#!/usr/bin/env bash
# Checks a running Worker's real answers against openapi.yaml with
# Schemathesis (pinned in tests/support/api-requirements.txt): generated
# requests for every documented operation (examples, boundary values, fuzzed
# and invalid inputs, undocumented methods), and for each answer its status
# code, content type, headers and body against the document. Bounded: a fixed
# number of cases per operation, a fixed seed (the same cases every run) and
# a hard time limit. Settings for the checks that need them:
# tests/support/schemathesis.toml.
#
# Usage: bash scripts/check-conformance.sh URL
#   e.g. a fixture-store Worker: npx wrangler dev --var STATUS_STORE:fixtures
# Environment: CONFORMANCE_MAX_EXAMPLES (cases per operation and phase,
#   default 25), CONFORMANCE_TIMEOUT (s, default 180), CONFORMANCE_SEED
#   (default 1).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD
url=${1:?usage: bash scripts/check-conformance.sh URL}
url=${url%/}

say() { echo "check-conformance: $*" >&2; }

# shellcheck source=scripts/lib/apitools.sh
source scripts/lib/apitools.sh
ensure_api_venv "$APITOOLS_VENV"

if ! curl -sf -o /dev/null --max-time 5 "$url/health"; then
  say "FAIL: no Worker answers at $url/health"
  exit 1
fi

# Schemathesis keeps caches (.hypothesis, .schemathesis) in its working
# directory: give it a scratch one.
work=$(mktemp -d)
trap 'rm -rf -- "$work"' EXIT
started=$SECONDS
status=0
(
  cd "$work"
  timeout "${CONFORMANCE_TIMEOUT:-180}" "$APITOOLS_VENV/bin/schemathesis" \
    --config-file "$root/tests/support/schemathesis.toml" --no-color \
    run "$root/openapi.yaml" --url "$url" \
    --max-examples "${CONFORMANCE_MAX_EXAMPLES:-25}" --seed "${CONFORMANCE_SEED:-1}" \
    --request-timeout 10 --generation-database none
) || status=$?
if ((status == 124)); then
  say "FAIL: timed out after ${CONFORMANCE_TIMEOUT:-180} s"
elif ((status)); then
  say "FAIL: answers from $url do not conform to openapi.yaml (see above; each failure has a curl line to reproduce it)"
else
  say "answers from $url conform to openapi.yaml ($((SECONDS - started)) s)"
fi
exit "$status"
