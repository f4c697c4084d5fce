#!/usr/bin/env bash
# Checks the checked-in artifacts that are not Rust code:
#   1. openapi.yaml is a valid OpenAPI 3.1 document (openapi-spec-validator),
#      and every fixtures/expected/*.json conforms to its schemas;
#   2. types/workflow-status.d.ts is what openapi.yaml generates (no drift);
#   3. the deploy recipe: `wrangler deploy --dry-run` per environment
#      (scripts/check-deploy.sh; SKIP_WORKER_BUILD=1 reuses build/).
# The tools are pinned and installed idempotently (package-lock.json,
# tests/support/api-requirements.txt).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

say() { echo "check-artifacts: $*" >&2; }
timed() { # WHAT CMD...: runs CMD, reporting its time
  local what="$1" started=$SECONDS
  shift
  "$@"
  say "$what OK ($((SECONDS - started)) s)"
}

# --- tools -------------------------------------------------------------------
stamp=node_modules/.install-stamp
if [[ ! -x node_modules/.bin/openapi-typescript ||
  "$(cat "$stamp" 2>/dev/null)" != "$(sha256sum package-lock.json | cut -d' ' -f1)" ]]; then
  bash scripts/install-tools.sh
fi
# shellcheck source=scripts/lib/apitools.sh
source scripts/lib/apitools.sh
ensure_api_venv "$APITOOLS_VENV"
py="$APITOOLS_VENV/bin/python"

# --- 1. the OpenAPI document -------------------------------------------------
check_fixtures() {
  "$py" - <<'PY'
import glob, json, sys

import jsonschema
import referencing.jsonschema
import yaml
from referencing import Registry, Resource

spec = yaml.safe_load(open("openapi.yaml", encoding="utf-8"))
registry = Registry().with_resource(
    "urn:openapi", Resource.from_contents(spec, default_specification=referencing.jsonschema.DRAFT202012)
)
failures = 0
files = sorted(glob.glob("fixtures/expected/*.json"))
for path in files:
    with open(path, encoding="utf-8") as f:
        body = json.load(f)
    schema = "ErrorDetail" if "detail" in body else "StatusDocument"
    validator = jsonschema.Draft202012Validator(
        {"$ref": f"urn:openapi#/components/schemas/{schema}"}, registry=registry
    )
    for error in validator.iter_errors(body):
        failures += 1
        print(f"{path}: not a {schema}: {error.message} at {list(error.absolute_path)}", file=sys.stderr)
if not files or failures:
    sys.exit(f"fixtures vs openapi.yaml: {failures} problem(s) in {len(files)} file(s)")
PY
}
timed "openapi.yaml is valid OpenAPI 3.1" "$APITOOLS_VENV/bin/openapi-spec-validator" openapi.yaml
timed "fixtures/expected/*.json conform to openapi.yaml" check_fixtures

# --- 2. generated TypeScript types ------------------------------------------
check_types() {
  local fresh
  fresh=$(mktemp --suffix=.d.ts)
  bash scripts/gen-types.sh "$fresh"
  if ! diff -u types/workflow-status.d.ts "$fresh" >&2; then
    rm -f -- "$fresh"
    say "FAIL: types/workflow-status.d.ts is stale: run bash scripts/gen-types.sh and commit it"
    return 1
  fi
  rm -f -- "$fresh"
}
timed "types/workflow-status.d.ts matches openapi.yaml" check_types

# --- 3. the deploy recipe ----------------------------------------------------
timed "wrangler deploy --dry-run (staging, production)" bash scripts/check-deploy.sh
