#!/usr/bin/env bash
# Generates the TypeScript types of the API (types/workflow-status.d.ts) from
# openapi.yaml with openapi-typescript (pinned in package.json). Run it after
# changing openapi.yaml and commit both; scripts/check-artifacts.sh fails when
# the checked-in file differs from what this generates.
#
# Usage: bash scripts/gen-types.sh [OUT]   (default: types/workflow-status.d.ts)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
out=${1:-types/workflow-status.d.ts}
[[ -x node_modules/.bin/openapi-typescript ]] || bash scripts/install-tools.sh
# --root-types: `StatusDocument`, `AgentStatus`… exported by name besides
# components["schemas"][…]; --array-length: subSteps (maxItems 0) is `[]`.
node_modules/.bin/openapi-typescript openapi.yaml --root-types --root-types-no-schema-prefix \
    --array-length --output "$out" >/dev/null
