#!/usr/bin/env bash
# Runs the hardening end-to-end tests on their own (the bad-input battery,
# the hostile store, the soak and, last, the secrets check over every log),
# starting exactly the servers scripts/test.sh starts for them:
#
#   bash scripts/e2e-hardening.sh            # all of it (~3 min)
#   E2E_SOAK_SECONDS=20 bash scripts/e2e-hardening.sh
#   bash scripts/e2e-hardening.sh --serve    # start the servers, print the
#                                            # environment, wait for Ctrl-C
#
# The release bundle must be in build/ (built here if missing).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

step() { printf '\n==> %s\n' "$*" >&2; }

venv="$PWD/.tools/moto-venv"
if [[ ! -x "$venv/bin/moto_server" ]]; then
    step "tools"
    bash scripts/install-tools.sh --test
fi
# shellcheck source=scripts/lib/toolenv.sh
source scripts/lib/toolenv.sh
# shellcheck source=scripts/lib/servers.sh
source scripts/lib/servers.sh
if [[ ! -f build/index_bg.wasm || ! -f build/index.js ]]; then
    step "release bundle"
    bash scripts/build.sh
fi
logs=$(mktemp -d)
trap 'stop_servers' EXIT

step "servers: moto (signatures checked), fault front, workers (logs in $logs)"
start_moto "$venv" "$(free_port)" "$logs/moto.log"
table=trade-matching-system-processing-status
seed_moto "$venv" "$logs/moto.env" \
    --table "$table" --key-attr sessionId \
    --fixtures fixtures/items
start_front "$venv" "$MOTO_URL" "$logs/front.log"
umask 077
: > "$logs/empty.env" # keeps a developer's own .dev.vars out of the tests
umask 022

# As in scripts/test.sh.
start_worker fixtures "$logs" STATUS_STORE=fixtures "@$logs/empty.env"
export E2E_FIXTURES_URL=$WORKER_URL
start_worker front "$logs" STATUS_STORE=dynamodb "DYNAMODB_ENDPOINT=$FRONT_URL" "@$logs/moto.env" \
    CACHE_RUNNING_TTL_SECONDS=2 CACHE_FINISHED_TTL_SECONDS=4 CACHE_PENDING_TTL_SECONDS=1 \
    DYNAMODB_MAX_ATTEMPTS=3 DYNAMODB_ATTEMPT_TIMEOUT_MS=1000 DYNAMODB_DEADLINE_MS=2500 \
    DYNAMODB_BACKOFF_BASE_MS=20 DYNAMODB_BACKOFF_MAX_MS=100
export E2E_FRONT_WORKER_URL=$WORKER_URL
# New for the hardening tests: bare workerd, the fixture store (raw bytes
# reach the Worker unnormalised) and the soak's Worker (its own process, so
# its memory can be read).
start_workerd fixtures "$logs" "$PWD/tests/workerd/hardening-fixtures.capnp" fixtures
export E2E_WORKERD_FIXTURES_URL=$WORKERD_URL
start_workerd soak "$logs" "$PWD/tests/workerd/hardening-soak.capnp" soak \
    "E2E_WORKERD_ENDPOINT=$FRONT_URL" "E2E_WORKERD_ACCESS_KEY_ID=$MOTO_ACCESS_KEY_ID" \
    "E2E_WORKERD_SECRET_ACCESS_KEY=$MOTO_SECRET_ACCESS_KEY"
export E2E_WORKERD_SOAK_URL=$WORKERD_URL E2E_WORKERD_SOAK_PID=$SERVER_PID
export E2E_LOG_DIR=$logs
export MOTO_URL FRONT_URL
export MOTO_ACCESS_KEY_ID MOTO_SECRET_ACCESS_KEY

if [[ "${1:-}" == --serve ]]; then
    env | grep -E '^(E2E_|MOTO_|FRONT_URL)' | sed 's/^/export /' | tee "$logs/env.sh"
    step "servers up; environment in $logs/env.sh; Ctrl-C stops them"
    while sleep 3600; do :; done
fi

step "hardening tests: bad-input battery, hostile store, soak"
status=0
nice -n 10 cargo test --no-fail-fast --test e2e_battery --test e2e_hostile_store --test e2e_soak \
    -- --include-ignored --show-output || status=$?
# Last, over every log line the servers above wrote.
step "secrets: every log line the servers wrote"
nice -n 10 cargo test --test e2e_secrets -- --include-ignored --show-output || status=$?
exit "$status"
