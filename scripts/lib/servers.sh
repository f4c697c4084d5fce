# shellcheck shell=bash
# Local servers for the end-to-end tests: moto_server (a DynamoDB that checks
# SigV4 signatures) and tests/support/fault_front.py (fault injection in front
# of it). Source this file from a script running under `set -euo pipefail`
# *without* job control (no `set -m`), then:
#
#   trap stop_servers EXIT
#   ensure_moto_venv "$venv"
#   port=$(free_port)
#   start_moto "$venv" "$port" "$logs/moto.log"      # sets MOTO_URL
#   seed_moto "$venv" "$logs/moto.env" --table T --key-attr K --fixtures DIR
#   start_front "$venv" "$MOTO_URL" "$logs/front.log" # sets FRONT_URL
#
# Every wait is bounded; a server that does not come up fails loudly with the
# tail of its log.

SERVERS_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SERVERS_REQUIREMENTS="$SERVERS_ROOT/tests/support/requirements.txt"
_SERVERS_PGIDS=()

_servers_say() { echo "servers: $*" >&2; }

_servers_fail() {
  # $1 = message, $2 = log file to show
  _servers_say "ERROR: $1"
  if [[ -n "${2:-}" && -f "$2" ]]; then
    _servers_say "last lines of $2:"
    tail -n 30 "$2" >&2 || true
  fi
  return 1
}

# ensure_moto_venv DIR: a venv at DIR holding exactly the pinned requirements.
ensure_moto_venv() {
  local dir="$1" python="${PYTHON:-python3}"
  # pip freeze prints the same `name==version` lines the file holds; compare
  # case-insensitively and ignore comments, blank lines and order.
  if [[ -x "$dir/bin/moto_server" ]] &&
    diff -q <(grep -Ev '^[[:space:]]*(#|$)' "$SERVERS_REQUIREMENTS" | tr '[:upper:]' '[:lower:]' | sort) \
      <("$dir/bin/pip" freeze 2>/dev/null | tr '[:upper:]' '[:lower:]' | sort) >/dev/null; then
    _servers_say "moto venv $dir is up to date"
    return 0
  fi
  # Recreate rather than install over: leftovers from older pins would make
  # the freeze differ forever and the venv would be rebuilt on every run.
  _servers_say "creating moto venv $dir with $("$python" --version 2>&1) (~15 s)"
  "$python" -m venv --clear "$dir"
  "$dir/bin/pip" install --quiet --disable-pip-version-check --no-input \
    -r "$SERVERS_REQUIREMENTS"
  _servers_say "moto venv $dir ready (moto $("$dir/bin/python" -c 'import moto; print(moto.__version__)'))"
}

# free_port: a TCP port on 127.0.0.1 that was free a moment ago.
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# spawn_server LOG CMD...: run CMD in its own session and process group,
# output to LOG; sets SERVER_PID (= its process group id). stop_servers stops
# it with the rest.
spawn_server() {
  local log="$1"
  shift
  # Without job control the background child is not a group leader, so
  # setsid calls setsid() in place instead of forking: $! is the group id.
  setsid "$@" >"$log" 2>&1 </dev/null &
  SERVER_PID=$!
  _SERVERS_PGIDS+=("$SERVER_PID")
}

# _servers_check_group PID LOG: fail unless PID is alive and leads its group
# (i.e. stop_servers will be able to reach it).
_servers_check_group() {
  local pid="$1" log="$2" pgid
  pgid=$(ps -o pgid= -p "$pid" 2>/dev/null | tr -d ' ') || true
  if [[ "$pgid" != "$pid" ]]; then
    _servers_fail "process $pid is gone or not a group leader (job control on?)" "$log"
  fi
}

# await_ready PID LOG WHAT SECONDS CMD...: runs CMD every 0.1 s until it
# succeeds, failing with the tail of LOG if PID exits first or SECONDS pass.
await_ready() {
  local pid="$1" log="$2" what="$3" seconds="$4" i
  shift 4
  for ((i = 0; i < seconds * 10; i++)); do
    if ! kill -0 "$pid" 2>/dev/null; then
      _servers_fail "$what exited during start-up" "$log"
      return 1
    fi
    if "$@"; then
      return 0
    fi
    sleep 0.1
  done
  _servers_fail "$what not ready after $seconds s" "$log"
}

# start_moto VENV_DIR PORT LOGFILE: moto_server on 127.0.0.1:PORT; sets MOTO_URL.
start_moto() {
  local venv="$1" port="$2" log="$3" pid started=$SECONDS
  # Otherwise a server already on that port would pass the readiness probe
  # while ours is still failing to bind.
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    _servers_fail "port $port is already in use"
    return 1
  fi
  _servers_say "starting moto_server on 127.0.0.1:$port (log $log)"
  spawn_server "$log" "$venv/bin/moto_server" -H 127.0.0.1 -p "$port"
  pid=$SERVER_PID
  # /moto-api/config is cheap and does not count against moto's auth budget;
  # it answers after ~0.5 s here.
  await_ready "$pid" "$log" "moto_server on port $port" 30 \
    curl -sf -o /dev/null --max-time 2 "http://127.0.0.1:$port/moto-api/config" || return 1
  # Something else could own the port: make sure it is our process.
  _servers_check_group "$pid" "$log" || return 1
  MOTO_URL="http://127.0.0.1:$port"
  _servers_say "moto_server ready at $MOTO_URL after $((SECONDS - started)) s"
}

# seed_moto VENV_DIR ENV_FILE MOTO_SETUP_ARGS...: creates tables and items in
# the moto at MOTO_URL (tests/support/moto_setup.py), switches its signature
# checking on, and writes the credentials it generated to ENV_FILE (mode 600)
# as a Worker secrets file, the role .dev.vars plays for `wrangler dev`;
# sets MOTO_ACCESS_KEY_ID and MOTO_SECRET_ACCESS_KEY.
seed_moto() {
  local venv="$1" env_file="$2" creds
  shift 2
  creds=$("$venv/bin/python" "$SERVERS_ROOT/tests/support/moto_setup.py" "$MOTO_URL" \
    "$@" --enable-auth) || return 1
  MOTO_ACCESS_KEY_ID=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["accessKeyId"])' "$creds")
  MOTO_SECRET_ACCESS_KEY=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["secretAccessKey"])' "$creds")
  (
    umask 077
    printf 'AWS_ACCESS_KEY_ID=%s\nAWS_SECRET_ACCESS_KEY=%s\n' \
      "$MOTO_ACCESS_KEY_ID" "$MOTO_SECRET_ACCESS_KEY" >"$env_file"
  )
}

# start_front VENV_DIR UPSTREAM_URL LOGFILE: fault_front.py on a free port;
# sets FRONT_URL.
start_front() {
  local venv="$1" upstream="$2" log="$3"
  _servers_say "starting fault front for $upstream (log $log)"
  _start_listener "fault front" 10 "$log" "$venv/bin/python" -u \
    "$SERVERS_ROOT/tests/support/fault_front.py" --upstream "$upstream" --port 0 || return 1
  FRONT_URL=$LISTENER_URL
  _servers_say "fault front ready at $FRONT_URL"
}

# _start_listener WHAT SECONDS LOG CMD...: spawns CMD (one of our test
# servers, which picks a free port and prints `listening on 127.0.0.1:N`
# once ready) and waits for that line; sets LISTENER_URL (http://127.0.0.1:N).
_start_listener() {
  local what="$1" seconds="$2" log="$3" pid line
  shift 3
  spawn_server "$log" "$@"
  pid=$SERVER_PID
  await_ready "$pid" "$log" "$what" "$seconds" \
    grep -q -m1 'listening on 127\.0\.0\.1:[0-9]*' "$log" || return 1
  _servers_check_group "$pid" "$log" || return 1
  line=$(grep -m1 -o 'listening on 127\.0\.0\.1:[0-9]*' "$log")
  LISTENER_URL="http://${line#listening on }"
}

# stop_servers: TERM every group started above, KILL what is left after ~3 s.
# Idempotent, never fails: meant for `trap stop_servers EXIT`.
stop_servers() {
  local pgid i alive
  ((${#_SERVERS_PGIDS[@]})) || return 0
  for pgid in "${_SERVERS_PGIDS[@]}"; do
    kill -TERM -- "-$pgid" 2>/dev/null || true
  done
  for ((i = 0; i < 30; i++)); do
    alive=0
    for pgid in "${_SERVERS_PGIDS[@]}"; do
      if kill -0 -- "-$pgid" 2>/dev/null; then alive=1; fi
    done
    ((alive)) || break
    sleep 0.1
  done
  for pgid in "${_SERVERS_PGIDS[@]}"; do
    if kill -KILL -- "-$pgid" 2>/dev/null; then
      _servers_say "process group $pgid ignored TERM; killed"
    fi
    wait "$pgid" 2>/dev/null || true # reap; the process is gone, so no wait
  done
  _servers_say "stopped ${#_SERVERS_PGIDS[@]} server(s)"
  _SERVERS_PGIDS=()
  return 0
}

# start_worker NAME LOGDIR [KEY=VALUE | @ENV_FILE | --OPTION ...]: the built Worker
# under `wrangler dev` (the real workerd runtime) on a free port, with a fresh
# cache state, the given vars and the secrets in each @ENV_FILE (kept off the
# command line); sets WORKER_URL. The bundle must be built already.
start_worker() {
  local name="$1" logdir="$2" port inspector state pid log
  shift 2
  port=$(free_port)
  inspector=$(free_port)
  state=$(mktemp -d)
  log="$logdir/wrangler-$name.log"
  local vars=()
  for pair in "$@"; do
    if [[ "$pair" == @* ]]; then
      vars+=(--env-file "${pair#@}")
    elif [[ "$pair" == --* ]]; then
      vars+=("$pair") # a wrangler option, e.g. --env=e2e
    else
      vars+=(--var "${pair%%=*}:${pair#*=}")
    fi
  done
  _servers_say "starting worker '$name' on 127.0.0.1:$port (log $log)"
  spawn_server "$log" env SKIP_WORKER_BUILD=1 WRANGLER_SEND_METRICS=false \
    "$SERVERS_ROOT/node_modules/.bin/wrangler" dev --cwd "$SERVERS_ROOT" \
    --ip 127.0.0.1 --port "$port" --inspector-port "$inspector" \
    --persist-to "$state" --show-interactive-dev-session=false "${vars[@]}"
  pid=$SERVER_PID
  # Up to 60 s: two workers may start at once on 2 cores.
  await_ready "$pid" "$log" "worker '$name'" 60 \
    curl -sf -o /dev/null --max-time 2 "http://127.0.0.1:$port/health" || return 1
  WORKER_URL="http://127.0.0.1:$port"
  _servers_say "worker '$name' ready at $WORKER_URL"
}

# start_workerd NAME LOGDIR CONFIG SOCKET [KEY=VALUE ...]: bare `workerd
# serve CONFIG` with SOCKET on a free port and the given environment (which
# the config's fromEnvironment bindings read); sets WORKERD_URL. The bundle
# must be built already.
start_workerd() {
  local name="$1" logdir="$2" config="$3" socket="$4" port pid log
  shift 4
  port=$(free_port)
  log="$logdir/workerd-$name.log"
  _servers_say "starting bare workerd '$name' on 127.0.0.1:$port (log $log)"
  spawn_server "$log" env "$@" "$SERVERS_ROOT/node_modules/workerd/bin/workerd" serve \
    "$config" --socket-addr "$socket=127.0.0.1:$port"
  pid=$SERVER_PID
  await_ready "$pid" "$log" "workerd '$name'" 30 \
    curl -sf -o /dev/null --max-time 2 "http://127.0.0.1:$port/health" || return 1
  WORKERD_URL="http://127.0.0.1:$port"
  _servers_say "workerd '$name' ready at $WORKERD_URL"
}

# start_issuer VENV_DIR LOGFILE: tests/support/fake_cognito.py (a local
# Cognito issuer: JWKS, minted tokens) on a free port; sets ISSUER_BASE
# (http://127.0.0.1:N) and ISSUER_URL (the issuer, ISSUER_BASE/local_pool).
start_issuer() {
  local venv="$1" log="$2"
  _servers_say "starting fake Cognito issuer (log $log)"
  _start_listener "fake issuer" 20 "$log" "$venv/bin/python" -u \
    "$SERVERS_ROOT/tests/support/fake_cognito.py" --port 0 || return 1
  ISSUER_BASE=$LISTENER_URL
  ISSUER_URL="$ISSUER_BASE/local_pool"
  _servers_say "fake issuer ready at $ISSUER_URL"
}
