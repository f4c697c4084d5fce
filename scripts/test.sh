#!/usr/bin/env bash
# Runs the whole test suite: formatting and lints (host and wasm), unit and
# fixture tests natively and in wasm, then end-to-end tests against the real
# Workers runtime (wrangler dev / workerd) on the fixture store and on
# DynamoDB, played by moto with signature checking on, behind a
# fault-injecting front. Installs what it needs first.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

step() { printf '\n==> %s\n' "$*" >&2; }

step "tools"
bash scripts/install-tools.sh --test
# shellcheck source=scripts/lib/toolenv.sh
source scripts/lib/toolenv.sh
# shellcheck source=scripts/lib/servers.sh
source scripts/lib/servers.sh
venv="$PWD/.tools/moto-venv"
logs=$(mktemp -d)
trap 'stop_servers' EXIT

step "format, lints (host and wasm32) and the core/shell boundary"
bash scripts/check-boundaries.sh
cargo fmt --check
cargo clippy --all-targets -- -D warnings
cargo clippy --all-targets --target wasm32-unknown-unknown -- -D warnings

step "unit, fixture and service tests (host)"
cargo test

step "fuzz smoke: every parser that sees outside bytes, 5 s each (libFuzzer)"
bash scripts/fuzz.sh --smoke

step "unit, fixture and service tests (wasm32 under Node)"
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
    cargo test --target wasm32-unknown-unknown

step "release bundle"
bash scripts/build.sh
ls -l build/index_bg.wasm >&2
bash scripts/check-size.sh

step "artifacts: openapi.yaml, generated types, deploy recipe (dry run per environment)"
SKIP_WORKER_BUILD=1 bash scripts/check-artifacts.sh

step "servers: moto (signatures checked), fault front, workers"
start_moto "$venv" "$(free_port)" "$logs/moto.log"
table=trade-matching-system-processing-status
# Secrets reach the workers as a deployed Worker gets them: not as vars but
# from a secrets file (the role .dev.vars plays for `wrangler dev`).
seed_moto "$venv" "$logs/moto.env" \
    --table "$table" --key-attr sessionId \
    --table status-by-processing-id --key-attr processing_id \
    --fixtures fixtures/items --replica-region eu-west-1
start_front "$venv" "$MOTO_URL" "$logs/front.log"
# A second region's endpoint: the same moto (which keeps a store per
# region, seeded alike: a global table's replica) behind its own front.
front_us=$FRONT_URL
start_front "$venv" "$MOTO_URL" "$logs/front-eu.log"
export FRONT_EU_URL=$FRONT_URL
FRONT_URL=$front_us

umask 077
printf 'AWS_ACCESS_KEY_ID=%s\nAWS_SECRET_ACCESS_KEY=not-the-secret\n' "$MOTO_ACCESS_KEY_ID" > "$logs/bad-secret.env"
: > "$logs/empty.env" # keeps a developer's own .dev.vars out of the tests
umask 022
dynamo=(STATUS_STORE=dynamodb "DYNAMODB_ENDPOINT=$MOTO_URL")
no_cache=(CACHE_RUNNING_TTL_SECONDS=0 CACHE_FINISHED_TTL_SECONDS=0 CACHE_PENDING_TTL_SECONDS=0)

start_worker fixtures "$logs" STATUS_STORE=fixtures "@$logs/empty.env"
export E2E_FIXTURES_URL=$WORKER_URL
step "the fixture Worker's answers against openapi.yaml (Schemathesis)"
bash scripts/check-conformance.sh "$E2E_FIXTURES_URL"
start_worker dynamodb "$logs" "${dynamo[@]}" "@$logs/moto.env" "${no_cache[@]}"
export E2E_DYNAMODB_URL=$WORKER_URL
start_worker bad-secret "$logs" "${dynamo[@]}" "@$logs/bad-secret.env" "${no_cache[@]}"
export E2E_BAD_SECRET_URL=$WORKER_URL
# Every optional binding (rate limit 5/min, Analytics Engine, version metadata).
start_worker operations "$logs" --env=e2e "@$logs/empty.env"
export E2E_OPERATIONS_URL=$WORKER_URL
start_worker no-credentials "$logs" "${dynamo[@]}" "@$logs/empty.env"
export E2E_NO_CREDENTIALS_URL=$WORKER_URL
start_worker front "$logs" STATUS_STORE=dynamodb "DYNAMODB_ENDPOINT=$FRONT_URL" "@$logs/moto.env" \
    CACHE_RUNNING_TTL_SECONDS=2 CACHE_FINISHED_TTL_SECONDS=4 CACHE_PENDING_TTL_SECONDS=1 \
    DYNAMODB_MAX_ATTEMPTS=3 DYNAMODB_ATTEMPT_TIMEOUT_MS=1000 DYNAMODB_DEADLINE_MS=2500 \
    DYNAMODB_BACKOFF_BASE_MS=20 DYNAMODB_BACKOFF_MAX_MS=100
export E2E_FRONT_WORKER_URL=$WORKER_URL
# Cognito authentication against local fake issuers (one stays up, one is
# taken down by the tests for the 503 path).
start_issuer "$venv" "$logs/issuer.log"
export E2E_ISSUER_BASE=$ISSUER_BASE
cognito=(COGNITO_USER_POOL_ID=local_pool COGNITO_APP_CLIENT_ID=local-client "COGNITO_ISSUER_URL=$ISSUER_URL")
start_worker auth "$logs" STATUS_STORE=dynamodb "DYNAMODB_ENDPOINT=$FRONT_URL" "@$logs/moto.env" \
    AUTH_MODE=optional "${cognito[@]}"
export E2E_AUTH_URL=$WORKER_URL
start_worker auth-required "$logs" STATUS_STORE=fixtures "@$logs/empty.env" AUTH_MODE=required "${cognito[@]}"
export E2E_AUTH_REQUIRED_URL=$WORKER_URL
start_issuer "$venv" "$logs/issuer-down.log"
export E2E_ISSUER_DOWN_BASE=$ISSUER_BASE
start_worker auth-down "$logs" STATUS_STORE=fixtures "@$logs/empty.env" AUTH_MODE=optional \
    COGNITO_USER_POOL_ID=local_pool COGNITO_APP_CLIENT_ID=local-client "COGNITO_ISSUER_URL=$ISSUER_URL"
export E2E_AUTH_DOWN_URL=$WORKER_URL
start_workerd front "$logs" "$PWD/tests/workerd/e2e.capnp" front \
    "E2E_WORKERD_ENDPOINT=$FRONT_URL" "E2E_WORKERD_ACCESS_KEY_ID=$MOTO_ACCESS_KEY_ID" \
    "E2E_WORKERD_SECRET_ACCESS_KEY=$MOTO_SECRET_ACCESS_KEY"
export E2E_WORKERD_URL=$WORKERD_URL
start_workerd budget "$logs" "$PWD/tests/workerd/budget.capnp" budget \
    "E2E_WORKERD_ENDPOINT=$FRONT_URL" "E2E_WORKERD_ACCESS_KEY_ID=$MOTO_ACCESS_KEY_ID" \
    "E2E_WORKERD_SECRET_ACCESS_KEY=$MOTO_SECRET_ACCESS_KEY"
export E2E_BUDGET_URL=$WORKERD_URL
start_workerd regions "$logs" "$PWD/tests/workerd/regions.capnp" regions \
    "E2E_REGIONS_ENDPOINTS=us-east-1=$FRONT_URL,eu-west-1=$FRONT_EU_URL" \
    "E2E_WORKERD_ACCESS_KEY_ID=$MOTO_ACCESS_KEY_ID" "E2E_WORKERD_SECRET_ACCESS_KEY=$MOTO_SECRET_ACCESS_KEY"
export E2E_REGIONS_URL=$WORKERD_URL
# The hardening tests: a fixture worker for the raw-bytes battery, and a
# soak worker behind the front (its pid, to watch its memory).
start_workerd fixtures "$logs" "$PWD/tests/workerd/hardening-fixtures.capnp" fixtures
export E2E_WORKERD_FIXTURES_URL=$WORKERD_URL
start_workerd soak "$logs" "$PWD/tests/workerd/hardening-soak.capnp" soak \
    "E2E_WORKERD_ENDPOINT=$FRONT_URL" "E2E_WORKERD_ACCESS_KEY_ID=$MOTO_ACCESS_KEY_ID" \
    "E2E_WORKERD_SECRET_ACCESS_KEY=$MOTO_SECRET_ACCESS_KEY"
export E2E_WORKERD_SOAK_URL=$WORKERD_URL E2E_WORKERD_SOAK_PID=$SERVER_PID
export E2E_LOG_DIR=$logs
export MOTO_URL FRONT_URL
export MOTO_ACCESS_KEY_ID MOTO_SECRET_ACCESS_KEY

step "store tests against moto and the fault front; end-to-end tests against workerd"
# These tests need the servers above, so they are #[ignore]d in a plain
# `cargo test` and included here.
cargo test --test dynamodb_store --test e2e_fixtures --test e2e_dynamodb --test e2e_cache \
    --test e2e_workerd --test e2e_operations --test e2e_auth \
    --test e2e_battery --test e2e_hostile_store --test e2e_soak --test e2e_regions \
    -- --include-ignored --show-output

step "secrets: no credential, token or signature in any log line the servers wrote"
cargo test --test e2e_secrets -- --include-ignored --show-output
