#!/usr/bin/env bash
# Runs the Worker under wrangler dev against a local DynamoDB-compatible
# server (moto, with SigV4 signature checking on) seeded from fixtures/items:
# the production store code path, signed requests and all, with no AWS account.
# PORT picks the port (default 8787); extra arguments go to `wrangler dev`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/install-tools.sh --test
# shellcheck source=scripts/lib/toolenv.sh
source scripts/lib/toolenv.sh
# shellcheck source=scripts/lib/servers.sh
source scripts/lib/servers.sh
venv="$PWD/.tools/moto-venv"
state=$(mktemp -d)
trap 'stop_servers; rm -rf "$state"' EXIT

start_moto "$venv" "${MOTO_PORT:-8000}" "$state/moto.log"
# moto's generated keys go in a secrets file, as real keys would in .dev.vars.
seed_moto "$venv" "$state/secrets.env" \
    --table trade-matching-system-processing-status --key-attr sessionId \
    --fixtures fixtures/items
echo "moto at $MOTO_URL holds the fixture sessions; the Worker reads it with signed GetItem." >&2
node_modules/.bin/wrangler dev --ip 127.0.0.1 --port "${PORT:-8787}" \
    --var STATUS_STORE:dynamodb --var "DYNAMODB_ENDPOINT:$MOTO_URL" \
    --env-file "$state/secrets.env" "$@"
