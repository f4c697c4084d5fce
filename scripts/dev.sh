#!/usr/bin/env bash
# Runs the Worker locally in the real Workers runtime (wrangler dev / workerd)
# on the embedded fixture store: no AWS account needed.
# PORT picks the port (default 8787); extra arguments go to `wrangler dev`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/install-tools.sh
# shellcheck source=scripts/lib/toolenv.sh
source scripts/lib/toolenv.sh
exec node_modules/.bin/wrangler dev --ip 127.0.0.1 --port "${PORT:-8787}" \
    --var STATUS_STORE:fixtures "$@"
