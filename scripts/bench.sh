#!/usr/bin/env bash
# Load benchmark of the built Worker bundle on bare `workerd serve` (not
# `wrangler dev`, whose proxy costs ~10x), all scenarios in one run:
#
#   floor                 a constant ~800-byte JSON from a tiny JS Worker
#   floor-headers         the same with the nine headers of our hit's answer
#                         (what the contract's headers cost the runtime)
#   fixtures-cache        our Worker, fixture store, edge-cache hit path
#   fixtures-cache-auth   the same with AUTH_MODE=optional and a valid RS256
#                         token on every request (WebCrypto verification on
#                         the hit path; the key set from a local issuer Worker,
#                         bench/issuer.mjs, the token minted at bench time by
#                         bench/auth-token.mjs with fixtures/auth/test-key-a.pem)
#   fixtures-nocache      our Worker, fixture store, cache TTLs 0 (miss, no network)
#   ddb-cache             our Worker, DynamoDB store on a local dynalite, hit path
#   ddb-nocache           our Worker, DynamoDB store, cache off, one session id
#                         (concurrent misses coalesce into shared GetItems)
#   ddb-nocache-distinct  the same, 1000 session ids round-robin (a GetItem each)
#   ddb-cache-poll50      our Worker, DynamoDB store, cache on, 50 "processing"
#                         session ids round-robin (the portal's polling)
#   js-peer               the JS peer (bench/js-peer/worker.mjs: aws4fetch GetItem,
#                         hand transform, no cache), one session id
#   js-peer-distinct      the JS peer, 1000 session ids round-robin
#   js-peer-poll50        the JS peer, the same 50 ids as ddb-cache-poll50
#   floor-c1, ddb-nocache-distinct-c1, js-peer-distinct-c1
#                         the same at 1 connection (unloaded latency)
#   dynalite-direct       GetItem straight at dynalite: the store's own capacity
#
# Each: a warm-up, then a measured wrk run (32 connections, one per wrk
# thread, unless the name ends in -c1) with latency percentiles, response
# codes and `x-cache` values tallied by bench/wrk-report.lua. Before the load,
# our Worker and the JS peer must answer byte-identical bodies for a sample of
# ids (bench/compare-peers.mjs), or the bench fails. After it, cold start
# (workerd launch → first 200, ours and the JS peer alternately,
# bench/cold-start.mjs). Prints a summary table and writes it, with the
# ours / JS and ours / floor ratios, the bundle sizes, the command, date and
# machine, to bench/RESULTS.md. Everything targets 127.0.0.1 only.
#
# Usage: bash scripts/bench.sh [--rebuild | --head] [--with-criterion] [--profile]
#   --rebuild         build a release bundle (with wasm-opt) of the working
#                     tree into bench/.tools/build and measure that, instead of
#                     whatever build/ holds (`wrangler dev` leaves a build
#                     without wasm-opt there; other tools rewrite it)
#   --head            the same, of the committed HEAD (`git archive` into a
#                     temporary directory, target dir bench/.tools/target: the
#                     first build compiles every dependency), into
#                     bench/.tools/build-head: measures the commit even while
#                     the working tree holds uncommitted changes
#   --with-criterion  first run `cargo bench --bench transform` (~3 min) and
#                     add its numbers to the results
#   --profile         after the measured runs, sample our Worker's CPU with
#                     the V8 inspector (bench/profile.mjs) under the same load
#                     in three scenarios and add the hottest functions
# Environment: BENCH_WARMUP (s, default 2), BENCH_DURATION (s, default 5),
#   BENCH_CONNECTIONS (default 32), BENCH_RESULTS (default bench/RESULTS.md),
#   BENCH_SCENARIOS (space-separated names to run, default all; floor and
#   floor-c1 always run, as the baselines of the same run),
#   BENCH_COLD_RUNS (cold starts of each Worker, default 7; 0 skips them),
#   BENCH_PROFILE_TOP (functions listed per --profile scenario, default 18),
#   BENCH_ROUNDS (default 1: every scenario but dynalite-direct runs that
#   many times, in turn, and each row reports its median run by req/s: for
#   A/B differences smaller than one run's noise),
#   BENCH_AGAINST (a second bundle directory, e.g. a build of the previous
#   commit: an A/B run. Its Workers run right after ours in fixtures-cache,
#   ddb-nocache-distinct(-c1) and ddb-cache-poll50, as base-<scenario>, and
#   the results gain an "A/B" table of the two in the same workerd).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD

# The command as run, with the settings that change the results.
command_line="bash scripts/bench.sh $*"
for var in BENCH_RESULTS BENCH_CONNECTIONS BENCH_DURATION BENCH_WARMUP BENCH_SCENARIOS BENCH_COLD_RUNS BENCH_AGAINST BENCH_ROUNDS; do
  [[ -n ${!var:-} ]] && command_line="$var=${!var@Q} $command_line"
done
command_line=${command_line% }
with_criterion=0
with_profile=0
rebuild=0
head=0
for arg in "$@"; do
  case "$arg" in
    --head) head=1 ;;
    --with-criterion) with_criterion=1 ;;
    --profile) with_profile=1 ;;
    --rebuild) rebuild=1 ;;
    -h | --help)
      sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
      exit 0
      ;;
    *)
      echo "bench: unknown argument $arg (try --help)" >&2
      exit 2
      ;;
  esac
done

warmup=${BENCH_WARMUP:-2}
duration=${BENCH_DURATION:-5}
connections=${BENCH_CONNECTIONS:-32}
results=${BENCH_RESULTS:-bench/RESULTS.md}
table=trade-matching-system-processing-status
distinct_ids=1000
poll_ids=50
cold_runs=${BENCH_COLD_RUNS:-7}
dynalite_version=4.0.0
workerd_bin=node_modules/workerd/bin/workerd

say() { echo "bench: $*" >&2; }
fail() {
  _servers_fail "$@" || exit 1
}

# --- processes: each in its own group, all stopped on exit ---------------
# shellcheck source=scripts/lib/servers.sh
source scripts/lib/servers.sh
stage=""
cleanup() {
  stop_servers
  # The staged copy of the bundle (see below); logs stay for inspection.
  if [[ -n $stage && -d $stage ]]; then rm -rf -- "$stage"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# answers_http URL: URL answers anything over HTTP (a 404 is an answer).
answers_http() {
  [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "$1" || true) != 000 ]]
}

# wait_http URL PID LOG WHAT: until URL answers anything over HTTP (~30 s).
wait_http() {
  await_ready "$2" "$3" "$4" 30 answers_http "$1" || exit 1
}

# cpu_ticks PID: user + system clock ticks used so far by PID.
cpu_ticks() {
  awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0
}

# --- tools -----------------------------------------------------------------
if ! command -v wrk >/dev/null; then
  if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
    say "installing wrk (Debian)"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
  else
    fail "wrk is not installed (apt-get install wrk)"
  fi
fi
dynalite_pkg=bench/.tools/node_modules/dynalite/package.json
if [[ $(node -p "require('./$dynalite_pkg').version" 2>/dev/null || true) != "$dynalite_version" ]]; then
  say "installing dynalite@$dynalite_version into bench/.tools (not the project's package.json)"
  timeout 300 npm install --prefix bench/.tools --no-save --no-audit --no-fund --loglevel=error \
    "dynalite@$dynalite_version" >&2
fi
[[ -x $workerd_bin ]] || bash scripts/install-tools.sh
[[ -x $workerd_bin ]] || fail "$workerd_bin missing (npm ci)"

# --- bundle ----------------------------------------------------------------
bundle=build
bundle_code="commit $(git rev-parse --short HEAD)"
[[ -n $(git status --porcelain) ]] && bundle_code+=" (working tree modified)"
if ((head)); then
  bundle=bench/.tools/build-head
  head_src=$(mktemp -d)
  say "building a release bundle of HEAD ($(git rev-parse --short HEAD)) into $bundle (worker-build --release, wasm-opt on)"
  git archive HEAD | tar -x -C "$head_src"
  (
    # shellcheck source=scripts/lib/toolenv.sh
    source scripts/lib/toolenv.sh
    unset WRANGLER_COMMAND
    cd "$head_src"
    # Its own target dir: worker-build reads the .wasm back from the target
    # dir, where a concurrent build of the working tree would overwrite it.
    CARGO_TARGET_DIR=$root/bench/.tools/target timeout 1800 worker-build --release --out-dir "$root/$bundle"
  ) >&2 || { rm -rf -- "$head_src"; fail "building HEAD failed"; }
  rm -rf -- "$head_src"
  bundle_code="commit $(git rev-parse --short HEAD) (bundle built from the commit; bench scripts from the working tree)"
elif ((rebuild)); then
  bundle=bench/.tools/build
  say "building a release bundle into $bundle (worker-build --release, wasm-opt on)"
  (
    # shellcheck source=scripts/lib/toolenv.sh
    source scripts/lib/toolenv.sh
    unset WRANGLER_COMMAND
    timeout 1200 worker-build --release --out-dir "$bundle"
  ) >&2
elif [[ ! -f build/worker/shim.mjs || ! -f build/index.js || ! -f build/index_bg.wasm ]]; then
  say "no bundle in build/: building it (bash scripts/build.sh)"
  bash scripts/build.sh
fi
# Stage a copy of the bundle next to the workerd config (whose embeds are
# relative: ../build/...), so a rebuild of build/ during the run changes nothing.
stage=$(mktemp -d)
mkdir -p "$stage/bench" "$stage/build/worker"
cp bench/workerd.capnp bench/cold-ours.capnp bench/cold-js-peer.capnp bench/cold-floor.capnp \
  bench/cold-wasm-load.capnp bench/wasm-load.mjs bench/floor.mjs bench/floor-body.mjs bench/floor-headers.mjs bench/edge-cache.mjs \
  bench/issuer.mjs "$stage/bench/"
# The JS peer, bundled the way wrangler would (esbuild, one ES module,
# aws4fetch from node_modules, not minified: wrangler's default).
[[ -f node_modules/aws4fetch/package.json ]] || timeout 300 npm ci --no-audit --no-fund >&2
node_modules/.bin/esbuild bench/js-peer/worker.mjs --bundle --format=esm --platform=neutral \
  --main-fields=browser,module,main --conditions=workerd,worker,browser --log-level=warning \
  --outfile="$stage/bench/js-peer.mjs" >&2 || fail "bundling the JS peer (esbuild) failed"
cp "$bundle/worker/shim.mjs" "$stage/build/worker/"
cp "$bundle/index.js" "$bundle/index_bg.wasm" "$stage/build/"
against=${BENCH_AGAINST:-$bundle}
for f in worker/shim.mjs index.js index_bg.wasm; do
  [[ -f $against/$f ]] || fail "BENCH_AGAINST: $against/$f missing (a worker-build output directory)"
done
mkdir -p "$stage/base/worker"
cp "$against/worker/shim.mjs" "$stage/base/worker/"
cp "$against/index.js" "$against/index_bg.wasm" "$stage/base/"
against_info=""
[[ -n ${BENCH_AGAINST:-} ]] &&
  against_info="$against/index_bg.wasm: $(stat -c '%s bytes, built %y' "$against/index_bg.wasm"), sha256 $(sha256sum "$against/index_bg.wasm" | cut -c1-12)"
bundle_info="$bundle/index_bg.wasm: $(stat -c '%s bytes, built %y' "$bundle/index_bg.wasm"), sha256 $(sha256sum "$stage/build/index_bg.wasm" | cut -c1-12)"

# --- criterion (optional, before any load so nothing competes) -------------
criterion_md=""
if ((with_criterion)); then
  say "cargo bench --bench transform -- --warm-up-time 1 --measurement-time 3"
  criterion_log=$(mktemp)
  if ! timeout 1200 cargo bench --bench transform -- --warm-up-time 1 --measurement-time 3 \
    >"$criterion_log" 2>&1; then
    say "cargo bench failed (going on with the load benchmark); last lines:"
    tail -n 20 "$criterion_log" >&2
    criterion_md="cargo bench failed: see its output"
  else
    criterion_md=$(python3 - <<'PY'
import json, pathlib
rows = []
for bench in sorted(pathlib.Path("target/criterion").glob("**/new/benchmark.json")):
    meta = json.loads(bench.read_text())
    est = json.loads((bench.parent / "estimates.json").read_text())
    median = est["median"]["point_estimate"]
    lo = est["median"]["confidence_interval"]["lower_bound"]
    hi = est["median"]["confidence_interval"]["upper_bound"]
    thr = meta.get("throughput") or {}
    extra = ""
    if "Bytes" in thr:
        extra = f'{thr["Bytes"]} B, {thr["Bytes"] / median * 1e9 / 2**20:.0f} MiB/s'
    rows.append((meta["full_id"], median, lo, hi, extra))
def fmt(ns):
    return f"{ns / 1000:.2f} µs" if ns >= 1000 else f"{ns:.0f} ns"
print("| benchmark | median | 95% CI | input |")
print("|---|---:|---|---|")
for name, median, lo, hi, extra in rows:
    print(f"| `{name}` | {fmt(median)} | {fmt(lo)} – {fmt(hi)} | {extra} |")
PY
)
  fi
  rm -f "$criterion_log"
fi

# --- servers ---------------------------------------------------------------
logs=$(mktemp -d)
sockets=(floor floor-headers fixtures-cache fixtures-cache-auth fixtures-nocache ddb-cache ddb-nocache js-peer
  stats-fixtures-cache stats-fixtures-cache-auth stats-fixtures-nocache stats-ddb-cache stats-ddb-nocache
  issuer base-fixtures-cache base-ddb-cache base-ddb-nocache)
# As many distinct free ports as needed, bound together so none repeats.
mapfile -t ports < <(python3 - $((${#sockets[@]} + 2)) <<'PY'
import socket, sys
held = []
for _ in range(int(sys.argv[1])):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    held.append(s)
for s in held:
    print(s.getsockname()[1])
PY
)
declare -A port
for i in "${!sockets[@]}"; do port[${sockets[$i]}]=${ports[$i]}; done
dynalite_port=${ports[${#sockets[@]}]}
inspector_port=${ports[$((${#sockets[@]} + 1))]}
dynamodb_endpoint="http://127.0.0.1:$dynalite_port"

say "starting dynalite on 127.0.0.1:$dynalite_port"
spawn_server "$logs/dynalite.log" bench/.tools/node_modules/.bin/dynalite \
  --host 127.0.0.1 --port "$dynalite_port" --createTableMs 0
dynalite_pid=$SERVER_PID
wait_http "$dynamodb_endpoint/" "$dynalite_pid" "$logs/dynalite.log" dynalite
timeout 120 node bench/dynalite-seed.mjs --copies="$distinct_ids" "$dynamodb_endpoint" "$table" \
  sessionId fixtures/items/session-completed.json >&2 || fail "seeding dynalite failed"
# The polling workload's ids: a running session (short cache TTL).
timeout 60 node bench/dynalite-seed.mjs --copies="$poll_ids" "$dynamodb_endpoint" "$table" \
  sessionId fixtures/items/session-processing.json >&2 || fail "seeding dynalite failed"
# Every other fixture once, for the byte-for-byte check of ours against the JS peer.
timeout 60 node bench/dynalite-seed.mjs "$dynamodb_endpoint" "$table" sessionId \
  fixtures/items/*.json >/dev/null || fail "seeding dynalite failed"

# fixtures-cache-auth: the key set the issuer Worker serves, a token our
# Worker accepts and a tampered copy it must refuse (pool and client id as in
# bench/workerd.capnp; the issuer URL holds the issuer socket's port).
auth_pool=us-east-1_Bench1234
auth_client=benchclient0123456789
auth_issuer="http://127.0.0.1:${port[issuer]}/$auth_pool"
auth_out=$(node bench/auth-token.mjs fixtures/auth/test-key-a.pem "$logs/jwks.json" "$auth_issuer" "$auth_client") ||
  fail "minting the benchmark token failed (bench/auth-token.mjs)"
{ read -r auth_token && read -r auth_tampered; } <<<"$auth_out"
[[ -n $auth_token && -n $auth_tampered ]] || fail "bench/auth-token.mjs printed no token"

socket_args=()
for name in "${sockets[@]}"; do socket_args+=(--socket-addr "$name=127.0.0.1:${port[$name]}"); done
((with_profile)) && socket_args+=(--inspector-addr "127.0.0.1:$inspector_port")
say "starting workerd $("$workerd_bin" --version 2>&1 | awk '{print $2}') (bench/workerd.capnp, bundle staged in $stage)"
BENCH_DYNAMODB_ENDPOINT=$dynamodb_endpoint BENCH_AUTH_ISSUER=$auth_issuer BENCH_AUTH_JWKS=$(<"$logs/jwks.json") \
  spawn_server "$logs/workerd.log" \
  "$workerd_bin" serve "$stage/bench/workerd.capnp" "${socket_args[@]}"
workerd_pid=$SERVER_PID
for name in "${sockets[@]}"; do
  wait_http "http://127.0.0.1:${port[$name]}/" "$workerd_pid" "$logs/workerd.log" "workerd socket $name"
done

path=/api/workflow/session-completed/status

# smoke NAME EXPECTED_X_CACHE [CURL ARGS...]: one request must answer 200
# with that x-cache (EXPECTED_X_CACHE "401": must answer 401 instead).
smoke() {
  local name="$1" want="$2" headers status xcache
  shift 2
  headers=$(curl -s -D - -o /dev/null --max-time 10 "$@" "http://127.0.0.1:${port[$name]}$path") ||
    fail "$name: request failed" "$logs/workerd.log"
  status=$(head -n1 <<<"$headers" | awk '{print $2}')
  if [[ $want == 401 ]]; then
    [[ $status == 401 ]] || fail "$name: expected 401, got $status" "$logs/workerd.log"
    return 0
  fi
  xcache=$(grep -i '^x-cache:' <<<"$headers" | awk '{print $2}' | tr -d '\r' || true)
  [[ $status == 200 && $xcache == "$want" ]] ||
    fail "$name: expected 200 x-cache $want, got $status x-cache '${xcache}'" "$logs/workerd.log"
}
smoke fixtures-cache MISS
smoke fixtures-cache HIT
# With the token: 200 (the first request also fetches the key set from the
# issuer); a tampered signature: 401; no token (AUTH_MODE=optional): 200.
smoke fixtures-cache-auth MISS -H "Authorization: Bearer $auth_token"
smoke fixtures-cache-auth HIT -H "Authorization: Bearer $auth_token"
smoke fixtures-cache-auth 401 -H "Authorization: Bearer $auth_tampered"
smoke fixtures-cache-auth HIT
smoke fixtures-nocache BYPASS
smoke ddb-cache MISS
smoke ddb-cache HIT
smoke ddb-nocache BYPASS
smoke js-peer ""
say "smoke requests answered as expected"

# Ours (DynamoDB, cache off) and the JS peer must answer the same bytes:
# every fixture item, copies of the benchmark items, and unknown ids (the
# pending default).
mapfile -t compare_ids < <(
  for f in fixtures/items/*.json; do
    node -e 'process.stdout.write(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).sessionId.S + "\n")' "$f"
  done
  printf '%s\n' session-completed-0 session-completed-1 session-completed-499 \
    "session-completed-$((distinct_ids - 1))" session-processing-0 "session-processing-$((poll_ids - 1))" \
    bench-unknown-session "bench unknown ✓ session"
)
say "comparing our answers with the JS peer's for ${#compare_ids[@]} session ids"
timeout 120 node bench/compare-peers.mjs "http://127.0.0.1:${port[ddb-nocache]}" \
  "http://127.0.0.1:${port[js-peer]}" "${compare_ids[@]}" >"$logs/compare.txt" 2>&1 ||
  fail "our Worker and the JS peer answer different bytes (bench/compare-peers.mjs)" "$logs/compare.txt"
compare_summary=$(tail -n1 "$logs/compare.txt")
say "$compare_summary"

# --- load ------------------------------------------------------------------
rows="$logs/rows.jsonl"
: >"$rows"

edge_stats() { # NAME: the edge cache's counters, or {}
  curl -s --max-time 2 "http://127.0.0.1:${port[stats-$1]}/__stats" 2>/dev/null || echo '{}'
}

# run SCENARIO URL SCRIPT [SCRIPT ARGS...]
run() {
  local scenario="$1" url="$2" script="$3"
  shift 3
  # An A/B baseline's scenario runs when BENCH_AGAINST is set and its
  # namesake runs.
  local selected=$scenario
  if [[ $scenario == base-* ]]; then
    [[ -n ${BENCH_AGAINST:-} ]] || return 0
    selected=${scenario#base-}
  fi
  if [[ $selected != floor* && -n ${BENCH_SCENARIOS:-} && " $BENCH_SCENARIOS " != *" $selected "* ]]; then
    return 0
  fi
  # Scenarios named *-c1 run at one connection (skipped when all do).
  local conns=$connections
  if [[ $scenario == *-c1 ]]; then
    ((connections == 1)) && return 0
    conns=1
  fi
  local extra=()
  (($#)) && extra=(-- "$@")
  # One connection per wrk thread: bench/wrk-report.lua times each request.
  local wrk=(wrk -t"$conns" -c"$conns" --timeout 2s -s "$script")
  local before_w before_d after_w after_d stats_before='{}' stats_after='{}' line
  say "$scenario: warm-up ${warmup}s"
  timeout $((warmup + 15)) "${wrk[@]}" -d"${warmup}s" "$url" "${extra[@]}" >/dev/null ||
    fail "$scenario: warm-up wrk failed"
  case "$scenario" in
    fixtures-cache | fixtures-cache-auth | fixtures-nocache | ddb-cache | ddb-nocache) stats_before=$(edge_stats "$scenario") ;;
  esac
  before_w=$(cpu_ticks "$workerd_pid")
  before_d=$(cpu_ticks "$dynalite_pid")
  say "$scenario: measuring ${duration}s at $conns connection(s)"
  line=$(timeout $((duration + 15)) "${wrk[@]}" -d"${duration}s" "$url" "${extra[@]}" |
    tee "$logs/$scenario.wrk.txt" | grep '^BENCH_JSON ') || fail "$scenario: wrk failed" "$logs/$scenario.wrk.txt"
  after_w=$(cpu_ticks "$workerd_pid")
  after_d=$(cpu_ticks "$dynalite_pid")
  case "$scenario" in
    fixtures-cache | fixtures-cache-auth | fixtures-nocache | ddb-cache | ddb-nocache) stats_after=$(edge_stats "$scenario") ;;
  esac
  python3 - "$scenario" "${line#BENCH_JSON }" "$((after_w - before_w))" "$((after_d - before_d))" \
    "$(getconf CLK_TCK)" "$stats_before" "$stats_after" "$conns" >>"$rows" <<'PY'
import json, sys
scenario, wrk, wticks, dticks, hz, before, after, conns = sys.argv[1:]
row = json.loads(wrk)
row["scenario"] = scenario
row["connections"] = int(conns)
hz = int(hz)
row["workerd_cpu_us_per_req"] = int(wticks) / hz * 1e6 / max(row["requests"], 1)
row["dynalite_cpu_us_per_req"] = int(dticks) / hz * 1e6 / max(row["requests"], 1)
before, after = json.loads(before or "{}"), json.loads(after or "{}")
row["edge"] = {k: after.get(k, 0) - before.get(k, 0) for k in ("match", "hit", "miss", "put", "stored")} if after else None
print(json.dumps(row))
PY
}

base=http://127.0.0.1
# Each of ours right before its JS peer counterpart, so that drift on the
# shared machine touches both alike.
rounds=${BENCH_ROUNDS:-1}
for ((round = 1; round <= rounds; round++)); do
  ((rounds > 1)) && say "round $round of $rounds"
  run floor "$base:${port[floor]}$path" bench/wrk-report.lua
  run floor-headers "$base:${port[floor-headers]}$path" bench/wrk-report.lua
  run fixtures-cache "$base:${port[fixtures-cache]}$path" bench/wrk-report.lua
  run base-fixtures-cache "$base:${port[base-fixtures-cache]}$path" bench/wrk-report.lua
  # bench/wrk-report.lua sends `Authorization: Bearer $BENCH_AUTH_TOKEN` when set.
  BENCH_AUTH_TOKEN=$auth_token run fixtures-cache-auth "$base:${port[fixtures-cache-auth]}$path" bench/wrk-report.lua
  run fixtures-nocache "$base:${port[fixtures-nocache]}$path" bench/wrk-report.lua
  run ddb-cache "$base:${port[ddb-cache]}$path" bench/wrk-report.lua
  run js-peer "$base:${port[js-peer]}$path" bench/wrk-report.lua
  run ddb-nocache "$base:${port[ddb-nocache]}$path" bench/wrk-report.lua
  run ddb-nocache-distinct "$base:${port[ddb-nocache]}$path" bench/wrk-report.lua \
    session-completed "$distinct_ids"
  run base-ddb-nocache-distinct "$base:${port[base-ddb-nocache]}$path" bench/wrk-report.lua \
    session-completed "$distinct_ids"
  run js-peer-distinct "$base:${port[js-peer]}$path" bench/wrk-report.lua session-completed "$distinct_ids"
  run ddb-cache-poll50 "$base:${port[ddb-cache]}$path" bench/wrk-report.lua session-processing "$poll_ids"
  run base-ddb-cache-poll50 "$base:${port[base-ddb-cache]}$path" bench/wrk-report.lua session-processing "$poll_ids"
  run js-peer-poll50 "$base:${port[js-peer]}$path" bench/wrk-report.lua session-processing "$poll_ids"
  run floor-c1 "$base:${port[floor]}$path" bench/wrk-report.lua
  run ddb-nocache-distinct-c1 "$base:${port[ddb-nocache]}$path" bench/wrk-report.lua \
    session-completed "$distinct_ids"
  run base-ddb-nocache-distinct-c1 "$base:${port[base-ddb-nocache]}$path" bench/wrk-report.lua \
    session-completed "$distinct_ids"
  run js-peer-distinct-c1 "$base:${port[js-peer]}$path" bench/wrk-report.lua \
    session-completed "$distinct_ids"
done
run dynalite-direct "$dynamodb_endpoint/" bench/wrk-getitem.lua "$table" sessionId session-completed

# --- cold start: launch -> first 200, ours and the JS peer in turn ----------
cold_json='{}'
if ((cold_runs > 0)); then
  # cold-floor and cold-wasm-load split ours into its parts: workerd's own
  # start-up, then compiling our wasm, then the rest (instantiating it, the
  # JS glue, the first request).
  say "cold start: $cold_runs launches each of ours, the JS peer, the floor and a wasm-only loader (workerd with one Worker)"
  cold_json=$(BENCH_DYNAMODB_ENDPOINT=$dynamodb_endpoint timeout $((cold_runs * 4 * 35 + 30)) \
    node bench/cold-start.mjs "$workerd_bin" /api/workflow/session-completed-1/status "$cold_runs" \
    "$stage/bench/cold-ours.capnp" "$stage/bench/cold-js-peer.capnp" \
    "$stage/bench/cold-floor.capnp" "$stage/bench/cold-wasm-load.capnp" 2>"$logs/cold-start.log") ||
    fail "cold-start measurement failed" "$logs/cold-start.log"
  say "cold start: $cold_json"
fi

# --- bundle sizes (gzip -9), ours against the JS peer ----------------------
gz() { gzip -9 -c "$@" | wc -c; }
bundle_sizes=$(printf '{"ours_wasm":%d,"ours_js":%d,"ours_gzip":%d,"ours_wasm_gzip":%d,"js_raw":%d,"js_gzip":%d}' \
  "$(stat -c %s "$stage/build/index_bg.wasm")" "$(stat -c %s "$stage/build/index.js")" \
  "$(($(gz "$stage/build/index_bg.wasm") + $(gz "$stage/build/index.js")))" "$(gz "$stage/build/index_bg.wasm")" \
  "$(stat -c %s "$stage/bench/js-peer.mjs")" "$(gz "$stage/bench/js-peer.mjs")")

# --- profiles (optional) ---------------------------------------------------
profiles_md=""
profile() { # SCENARIO SERVICE URL [SCRIPT ARGS...]
  local scenario="$1" service="$2" url="$3" out
  shift 3
  local extra=()
  (($#)) && extra=(-- "$@")
  say "$scenario: profiling $service for $((duration - 1))s under load"
  timeout $((duration + 15)) wrk -t"$connections" -c"$connections" --timeout 2s -s bench/wrk-report.lua \
    -d"${duration}s" "$url" "${extra[@]}" >"$logs/$scenario.profile-load.txt" &
  local load=$!
  sleep 0.5
  out=$(timeout $((duration + 40)) node --no-warnings --experimental-websocket bench/profile.mjs \
    "127.0.0.1:$inspector_port" "$service" $((duration - 1)) "${BENCH_PROFILE_TOP:-18}") || out="(profiling failed)"
  wait "$load" || true
  profiles_md+=$'\n'"### $scenario ($service)"$'\n\n```\n'"$out"$'\n```\n'
}
if ((with_profile)); then
  profile fixtures-cache fixtures-cache "$base:${port[fixtures-cache]}$path"
  BENCH_AUTH_TOKEN=$auth_token profile fixtures-cache-auth fixtures-cache-auth "$base:${port[fixtures-cache-auth]}$path"
  profile fixtures-nocache fixtures-nocache "$base:${port[fixtures-nocache]}$path"
  profile ddb-cache ddb-cache "$base:${port[ddb-cache]}$path"
  profile ddb-nocache-distinct ddb-nocache "$base:${port[ddb-nocache]}$path" session-completed "$distinct_ids"
fi

# --- report ----------------------------------------------------------------
# Lines the Worker logged (console.error: failed requests, cache put failures,
# panics) and anything workerd itself complained about.
worker_log_lines=$(grep -c . "$logs/workerd.log" || true)
worker_log_sample=$(grep -v -E '^\s*$|^\s+at |^stack: ' "$logs/workerd.log" | sort | uniq -c | sort -rn |
  head -n 8 | cut -c1-400 || true)

export BENCH_ROWS="$rows" BENCH_COMMAND="$command_line" BENCH_CRITERION_MD="$criterion_md" \
  BENCH_PROFILES_MD="$profiles_md" \
  BENCH_LOG_LINES="$worker_log_lines" BENCH_LOG_SAMPLE="$worker_log_sample" \
  BENCH_WARMUP_S="$warmup" BENCH_DURATION_S="$duration" BENCH_CONNECTIONS_N="$connections" \
  BENCH_WORKERD="$("$workerd_bin" --version 2>&1)" BENCH_WRK="$(wrk -v 2>&1 | head -n1)" \
  BENCH_LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)" BENCH_DISTINCT="$distinct_ids" \
  BENCH_BUNDLE="$bundle_info" BENCH_CODE="$bundle_code" BENCH_COLD="$cold_json" BENCH_COLD_RUNS_N="$cold_runs" \
  BENCH_SIZES="$bundle_sizes" BENCH_COMPARE="$compare_summary" BENCH_POLL="$poll_ids" \
  BENCH_AGAINST_INFO="$against_info"
python3 - "$results" <<'PY'
import datetime, json, os, platform, subprocess, sys

runs = [json.loads(line) for line in open(os.environ["BENCH_ROWS"])]
# BENCH_ROUNDS > 1: one row per scenario, its median run by req/s, with the
# CPU per request of every run alongside.
grouped = {}
for r in runs:
    grouped.setdefault(r["scenario"], []).append(r)
rows = []
for name, group in grouped.items():
    ranked = sorted(group, key=lambda r: r["rps"])
    row = dict(ranked[(len(ranked) - 1) // 2])
    row["runs_cpu"] = [round(r["workerd_cpu_us_per_req"]) for r in group]
    rows.append(row)
def sh(*cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=10).stdout.strip()
    except Exception:
        return "?"
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
mem = next((l.split()[1] for l in open("/proc/meminfo") if l.startswith("MemTotal")), "0")
by_name = {r["scenario"]: r for r in rows}
def floor_for(r):  # the floor measured at the same number of connections
    return next((f for f in rows if f["scenario"].startswith("floor") and f["connections"] == r["connections"]), None)

def counts(d):
    return " ".join(f"{k}:{v}" for k, v in sorted(d.items())) or "-"

header = ("| scenario | conns | req/s | vs floor | p50 ms | p90 ms | p99 ms | max ms | codes | x-cache "
          "| socket errors | in flight | workerd CPU µs/req | dynalite CPU µs/req |")
lines = [header, "|---|---:|---:|---:|---:|---:|---:|---:|---|---|---:|---:|---:|---:|"]
for r in rows:
    errs = sum(r["socket_errors"].values())
    floor = floor_for(r)
    rel = f'{r["rps"] / floor["rps"]:.2f}×' if floor and not r["scenario"].startswith(("floor", "dynalite-direct")) else "-"
    dyn = f'{r["dynalite_cpu_us_per_req"]:.0f}' if r["scenario"].startswith(("ddb", "dynalite")) else "-"
    wcpu = f'{r["workerd_cpu_us_per_req"]:.0f}' if r["scenario"] != "dynalite-direct" else "-"
    lines.append(
        f'| {r["scenario"]} | {r["connections"]} | {r["rps"]:,.0f} | {rel} | {r["p50_ms"]:.2f} | {r["p90_ms"]:.2f} '
        f'| {r["p99_ms"]:.2f} | {r["max_ms"]:.1f} | {counts(r["codes"])} | {counts(r["xcache"])} '
        f'| {errs} | {r["in_flight"]:.1f} | {wcpu} | {dyn} |')
table = "\n".join(lines)

# Ours against the JS peer and the floor, path by path.
def cpu_us(r):
    return f'{r["workerd_cpu_us_per_req"]:.0f}'
def ratio(a, b):
    return f"{a / b:.2f}×" if a and b else "-"
c = os.environ["BENCH_CONNECTIONS_N"]
pairs = [
    (f'miss, c={c} (cache off, {os.environ["BENCH_DISTINCT"]} ids: a GetItem each)', "ddb-nocache-distinct", "js-peer-distinct", "floor"),
    (f'miss, c=1 (cache off, {os.environ["BENCH_DISTINCT"]} ids)', "ddb-nocache-distinct-c1", "js-peer-distinct-c1", "floor-c1"),
    (f"hit, c={c} (cache on, memory tier; JS: a GetItem each)", "ddb-cache", "js-peer", "floor"),
    (f'polling, c={c} over {os.environ["BENCH_POLL"]} running ids (cache on; JS: a GetItem each)', "ddb-cache-poll50", "js-peer-poll50", "floor"),
]
cmp_lines = [
    "| path | ours req/s | JS req/s | floor req/s | **ours / JS** | **ours / floor** | ours p50 ms | JS p50 ms | ours CPU µs/req | JS CPU µs/req | floor CPU µs/req | ours / JS CPU |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
]
for label, o, j, f in pairs:
    o, j, f = by_name.get(o), by_name.get(j), by_name.get(f)
    if not o:
        continue
    cmp_lines.append(
        f'| {label} | {o["rps"]:,.0f} | {j["rps"]:,.0f} | {f["rps"]:,.0f} | **{ratio(o["rps"], j["rps"])}** '
        f'| **{ratio(o["rps"], f["rps"])}** | {o["p50_ms"]:.2f} | {j["p50_ms"]:.2f} | {cpu_us(o)} | {cpu_us(j)} | {cpu_us(f)} '
        f'| {ratio(o["workerd_cpu_us_per_req"], j["workerd_cpu_us_per_req"])} |'
        if j and f else f'| {label} | {o["rps"]:,.0f} | - | - | - | - | {o["p50_ms"]:.2f} | - | {cpu_us(o)} | - | - | - |')
sizes = json.loads(os.environ["BENCH_SIZES"])
cmp_lines.append(
    f'| bundle, gzip -9 (ours: index_bg.wasm + index.js, each gzipped, as scripts/check-size.sh; JS: js-peer.mjs) | {sizes["ours_gzip"]:,} B | {sizes["js_gzip"]:,} B | – '
    f'| {ratio(sizes["ours_gzip"], sizes["js_gzip"])} | – | | | | | | |')
cold = json.loads(os.environ.get("BENCH_COLD") or "{}")
if cold.get("cold-ours") and cold.get("cold-js-peer"):
    co, cj = cold["cold-ours"], cold["cold-js-peer"]
    cmp_lines.append(
        f'| cold start, launch → first 200 (median of {len(co["runs_ms"])}; min) | {co["median_ms"]:.1f} ms ({co["min_ms"]:.1f}) '
        f'| {cj["median_ms"]:.1f} ms ({cj["min_ms"]:.1f}) | – | {ratio(co["median_ms"], cj["median_ms"])} (min {ratio(co["min_ms"], cj["min_ms"])}) | – | | | | | | |')
comparison = "\n".join(cmp_lines)
ab_md = ""
if os.environ.get("BENCH_AGAINST_INFO"):
    ab = ["| scenario | this bundle req/s | baseline req/s | **req/s ratio** | this CPU µs/req | baseline CPU µs/req | **CPU change** (median of per-round differences) | runs: this / baseline CPU µs/req |",
          "|---|---:|---:|---:|---:|---:|---:|---|"]
    for r in rows:
        b = by_name.get("base-" + r["scenario"])
        if not b:
            continue
        diffs = sorted(x - y for x, y in zip(r["runs_cpu"], b["runs_cpu"]))
        change = (diffs[(len(diffs) - 1) // 2] + diffs[len(diffs) // 2]) / 2
        ab.append(f'| {r["scenario"]} | {r["rps"]:,.0f} | {b["rps"]:,.0f} | **{ratio(r["rps"], b["rps"])}** '
                  f'| {r["workerd_cpu_us_per_req"]:.0f} | {b["workerd_cpu_us_per_req"]:.0f} | **{change:+.0f} µs** '
                  f'| {" ".join(map(str, r["runs_cpu"]))} / {" ".join(map(str, b["runs_cpu"]))} |')
    ab_md = ("\n## A/B: this bundle against a baseline, in the same workerd\n\n"
             f'Baseline: {os.environ["BENCH_AGAINST_INFO"]}. Each base-<scenario> ran right after its namesake.\n\n'
             + "\n".join(ab) + "\n")
cold_md = ""
if cold:
    cold_md = "\n".join(
        [f'- {name}: median {c["median_ms"]} ms, min {c["min_ms"]} ms, max {c["max_ms"]} ms; runs {", ".join(str(x) for x in c["runs_ms"])} ms'
         for name, c in cold.items()])
edge = ["| scenario | lookups | hits | misses | puts | stored |", "|---|---:|---:|---:|---:|---:|"]
for r in rows:
    if r.get("edge"):
        e = r["edge"]
        edge.append(f'| {r["scenario"]} | {e["match"]} | {e["hit"]} | {e["miss"]} | {e["put"]} | {e["stored"]} |')

# Token verification on the hit path: the same Worker and store, cache on,
# with and without AUTH_MODE=optional and a valid token on every request.
auth_md = ""
plain, auth = by_name.get("fixtures-cache"), by_name.get("fixtures-cache-auth")
if plain and auth:
    def auth_row(label, r):
        return (f'| {label} | {r["rps"]:,.0f} | {r["p50_ms"]:.2f} | {r["p90_ms"]:.2f} | {counts(r["codes"])} '
                f'| {counts(r["xcache"])} | {r["workerd_cpu_us_per_req"]:.0f} |')
    d_cpu = auth["workerd_cpu_us_per_req"] - plain["workerd_cpu_us_per_req"]
    auth_md = "\n".join([
        "| scenario (c=" + str(auth["connections"]) + ") | req/s | p50 ms | p90 ms | codes | x-cache | workerd CPU µs/req |",
        "|---|---:|---:|---:|---|---|---:|",
        auth_row("fixtures-cache (auth off)", plain),
        auth_row("fixtures-cache-auth (AUTH_MODE=optional, valid RS256 token)", auth),
        f'| **difference** (auth − off) | {auth["rps"] - plain["rps"]:+,.0f} ({ratio(auth["rps"], plain["rps"])}) '
        f'| {auth["p50_ms"] - plain["p50_ms"]:+.2f} | {auth["p90_ms"] - plain["p90_ms"]:+.2f} | | '
        f'| **{d_cpu:+.0f}** ({ratio(auth["workerd_cpu_us_per_req"], plain["workerd_cpu_us_per_req"])}) |',
    ])

print("\n" + comparison + "\n\n" + (auth_md + "\n\n" if auth_md else "") + table + "\n", file=sys.stderr)

now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
auth_section = f"""
## Authentication on the hit path

The cost of verifying a Cognito token on a cache hit: the fixtures-cache Worker as is, and the same Worker with
`AUTH_MODE=optional` (pool `us-east-1_Bench1234`, `COGNITO_ISSUER_URL` a local issuer Worker, bench/issuer.mjs) and
`Authorization: Bearer <token>` on every request: an RS256 ID token minted at bench time with
fixtures/auth/test-key-a.pem (bench/auth-token.mjs), kid `bench-kid`. Before the load it answered 200 with the token,
401 with a signature character changed, 200 without a token. The key set is fetched and imported once per isolate (by
the smoke requests), so each measured request parses the token, verifies its signature with WebCrypto
(`crypto.subtle.verify`, RSASSA-PKCS1-v1_5 SHA-256, a 2048-bit key) and checks the claims, then is served from the
memory tier like the first row. The CPU difference is that per-request cost (workerd's whole process, this run). A few
MISSes are the entry's 30 s finished TTL running out during the run (the concurrent requests then each read the store).

{auth_md}
""" if auth_md else ""
out = f"""# Benchmark results

Generated by `scripts/bench.sh`; rerun it to refresh this file.

- Command: `{os.environ["BENCH_COMMAND"]}`
- Date: {now}
- Machine: {sh("nproc")} CPUs (`nproc`), {cpu}, {int(mem) // 1024} MiB RAM, {platform.system()} {platform.release()}
- Load average before the run: {os.environ["BENCH_LOAD_BEFORE"]}
- Code: {os.environ["BENCH_CODE"]}; bundle {os.environ["BENCH_BUNDLE"]}
- Runtime: bare `workerd serve bench/workerd.capnp` ({os.environ["BENCH_WORKERD"]}), compatibility date 2026-05-01, one process serving all scenarios
- Load: {os.environ["BENCH_WRK"]}; `wrk -t{os.environ["BENCH_CONNECTIONS_N"]} -c{os.environ["BENCH_CONNECTIONS_N"]} --timeout 2s -s bench/wrk-report.lua` (`-t1 -c1` for the *-c1 rows), {os.environ["BENCH_WARMUP_S"]} s warm-up then {os.environ["BENCH_DURATION_S"]} s measured per scenario, 127.0.0.1 only
- Store: dynalite 4.0.0 (in memory) on 127.0.0.1, item `session-completed` plus {os.environ["BENCH_DISTINCT"]} copies, `session-processing` plus {os.environ["BENCH_POLL"]} copies, and every other fixture item once

## Ours against the JS peer and the floor

Ratios are req/s (higher is better for ours) and CPU per request (lower is better), within this run only.

{comparison}

- **JS peer**: bench/js-peer/worker.mjs, the same job written the way a Workers team would: an aws4fetch-signed GetItem per request, the document built by hand, no cache, bundled by esbuild with aws4fetch ({sizes["js_raw"]:,} bytes, {sizes["js_gzip"]:,} gzipped). Before the load, ours (DynamoDB store, cache off) and the JS peer answered the same ids byte for byte: {os.environ["BENCH_COMPARE"]}.
- **ours**: {sizes["ours_wasm"]:,} + {sizes["ours_js"]:,} bytes (wasm + index.js), {sizes["ours_gzip"]:,} gzipped (wasm alone {sizes["ours_wasm_gzip"]:,}).
- **hit**: ours serves every request from its memory tier; the JS peer has no cache, so it does a GetItem for each (the honest alternative). **polling**: {os.environ["BENCH_POLL"]} ids of a running session (`session-processing`, cache TTL 3 s) round-robin, the way the portal polls: ours serves mostly hits and refreshes each id every few seconds, the JS peer reads DynamoDB every time.
- **cold start**: workerd started with a config holding only that Worker (bench/cold-ours.capnp / bench/cold-js-peer.capnp: ours with the cache off, so both answer the first request with a GetItem) on a fresh port; time from spawn to the first 200's body, {os.environ["BENCH_COLD_RUNS_N"]} launches each, alternating (bench/cold-start.mjs). It includes workerd's own start-up, the same for both. Beside them, to split ours into parts: **cold-floor** (the constant floor alone: workerd's start-up and a first answer) and **cold-wasm-load** (a JS Worker that only imports our index_bg.wasm, bench/wasm-load.mjs: plus compiling the module); ours minus cold-wasm-load is instantiating the module, the JS glue and the first request.

{cold_md}
{ab_md}{auth_section}
## Load (requests to `/api/workflow/session-completed/status`)

{table}

- **floor**: a JS Worker returning a constant 793-byte JSON, on the same workerd: the ceiling for any Worker here. **floor-c1**, **…-c1**: the same at one connection; "vs floor" compares each row with the floor at its own connection count.
- **fixtures-cache**: hit path — every measured request is a cache hit (x-cache), answered by the per-isolate memory cache in front of the edge cache, which is why the edge sees no lookups below.
- **fixtures-cache-auth**: the same with authentication on and a valid token on every request (see "Authentication on the hit path").
- **fixtures-nocache**: every `CACHE_*_TTL_SECONDS=0`: caching off, so the Worker neither looks up nor stores anything (the lookups column shows it) and reads the embedded fixture store on every request.
- **ddb-cache** / **ddb-nocache**: the DynamoDB store on dynalite, cache on (hits) / off. With one session id and the cache off, concurrent misses inside the isolate are coalesced onto one in-flight GetItem (`coalesce::Coalescer`); see the codes column for how the waiting requests fare.
- **ddb-nocache-distinct**: cache off, {os.environ["BENCH_DISTINCT"]} session ids round-robin: every request is a signed GetItem over HTTP.
- **ddb-cache-poll50** / **js-peer-poll50**: the polling workload ({os.environ["BENCH_POLL"]} running ids round-robin), ours with the cache on, the JS peer (no cache).
- **js-peer**, **js-peer-distinct**: the JS peer on one id / {os.environ["BENCH_DISTINCT"]} ids (a GetItem each either way).
- **dynalite-direct**: wrk POSTing GetItem straight at dynalite: the store's own capacity on this machine.
- CPU columns: CPU time the process used during the measured run divided by requests served (all on 2 cores shared by wrk, workerd and dynalite; workerd serves from one thread).
- Latencies: closed loop, one request in flight per connection, timed per request by bench/wrk-report.lua (wrk's built-in latency statistics are inconsistent on this machine: on one connection they report a mean latency far above the interval between requests). "in flight" = req/s × mean latency, a check: it should equal the connection count.
- Tails: under load workerd stalls every connection at once for 100–200 ms every second or so (the floor too), and now and then a single request waits 0.4–3.7 s (seen on plain JS Workers as well); a high-priority gap detector running alongside saw no machine pauses. p99 and max mostly measure that; compare req/s, p50 and p90.

### Edge cache traffic during the measured runs

{chr(10).join(edge)}

### workerd log

{os.environ["BENCH_LOG_LINES"]} line(s) logged by workerd during the whole run (smoke and warm-up included; the byte-for-byte check asks ours and the JS peer for the six malformed fixture items on purpose, one error line each per Worker). Most frequent:

```
{os.environ["BENCH_LOG_SAMPLE"] or "(none)"}
```
"""
if os.environ.get("BENCH_PROFILES_MD"):
    out += f"""
## CPU profiles of our Worker (V8 inspector, self time, same load as above)

Sampled after the measured runs (workerd was started with the inspector listening). Names are wasm-bindgen
glue (`__wbg_*`), minified JS from build/index.js, Rust functions from the wasm name section, and V8's
`(program)` (native runtime work: HTTP, Cache API plumbing). Rough: profiling slows the Worker down, and all
isolates share workerd's one thread, so "not idle" totals of different isolates overlap and vary from run to
run; read the percentages as a ranking within our Worker.
{os.environ["BENCH_PROFILES_MD"]}
"""
if os.environ.get("BENCH_CRITERION_MD"):
    out += f"""
## Criterion: the platform-free core, natively (`cargo bench --bench transform -- --warm-up-time 1 --measurement-time 3`)

Native x86-64 release build (the Worker runs the same code as wasm inside V8, typically slower).

{os.environ["BENCH_CRITERION_MD"]}
"""
open(sys.argv[1], "w").write(out)
PY
say "results written to $results (logs in $logs)"
