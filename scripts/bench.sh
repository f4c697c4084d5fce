#!/usr/bin/env bash
# Load benchmark of the built Worker bundle on bare `workerd serve` (not
# `wrangler dev`, whose proxy costs ~10x), all scenarios in one run:
#
#   floor                 a constant ~800-byte JSON from a tiny JS Worker
#   fixtures-cache        our Worker, fixture store, edge-cache hit path
#   fixtures-nocache      our Worker, fixture store, cache TTLs 0 (miss, no network)
#   ddb-cache             our Worker, DynamoDB store on a local dynalite, hit path
#   ddb-nocache           our Worker, DynamoDB store, cache off, one session id
#                         (concurrent misses coalesce into shared GetItems)
#   ddb-nocache-distinct  the same, 1000 session ids round-robin (a GetItem each)
#   dynalite-direct       GetItem straight at dynalite: the store's own capacity
#
# Each: a warm-up, then a measured wrk run (32 connections, one per wrk
# thread) with latency percentiles, response codes and `x-cache` values
# tallied by bench/wrk-report.lua. Prints a
# summary table and writes it, with the command, date and machine, to
# bench/RESULTS.md. Everything targets 127.0.0.1 only.
#
# Usage: bash scripts/bench.sh [--rebuild] [--with-criterion] [--profile]
#   --rebuild         build a release bundle (with wasm-opt) of the working
#                     tree into bench/.tools/build and measure that, instead of
#                     whatever build/ holds (`wrangler dev` leaves a build
#                     without wasm-opt there; other tools rewrite it)
#   --with-criterion  first run `cargo bench --bench transform` (~3 min) and
#                     add its numbers to the results
#   --profile         after the measured runs, sample our Worker's CPU with
#                     the V8 inspector (bench/profile.mjs) under the same load
#                     in three scenarios and add the hottest functions
# Environment: BENCH_WARMUP (s, default 2), BENCH_DURATION (s, default 5),
#   BENCH_CONNECTIONS (default 32), BENCH_RESULTS (default bench/RESULTS.md),
#   BENCH_SCENARIOS (space-separated names to run, default all; the floor
#   always runs, as the baseline of the same run).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD

# The command as run, with the settings that change the results.
command_line="bash scripts/bench.sh $*"
for var in BENCH_RESULTS BENCH_CONNECTIONS BENCH_DURATION BENCH_WARMUP BENCH_SCENARIOS; do
  [[ -n ${!var:-} ]] && command_line="$var=${!var@Q} $command_line"
done
command_line=${command_line% }
with_criterion=0
with_profile=0
rebuild=0
for arg in "$@"; do
  case "$arg" in
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
if ((rebuild)); then
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
cp bench/workerd.capnp bench/floor.mjs bench/edge-cache.mjs "$stage/bench/"
cp "$bundle/worker/shim.mjs" "$stage/build/worker/"
cp "$bundle/index.js" "$bundle/index_bg.wasm" "$stage/build/"
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
sockets=(floor fixtures-cache fixtures-nocache ddb-cache ddb-nocache
  stats-fixtures-cache stats-fixtures-nocache stats-ddb-cache stats-ddb-nocache)
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

socket_args=()
for name in "${sockets[@]}"; do socket_args+=(--socket-addr "$name=127.0.0.1:${port[$name]}"); done
((with_profile)) && socket_args+=(--inspector-addr "127.0.0.1:$inspector_port")
say "starting workerd $("$workerd_bin" --version 2>&1 | awk '{print $2}') (bench/workerd.capnp, bundle staged in $stage)"
BENCH_DYNAMODB_ENDPOINT=$dynamodb_endpoint spawn_server "$logs/workerd.log" \
  "$workerd_bin" serve "$stage/bench/workerd.capnp" "${socket_args[@]}"
workerd_pid=$SERVER_PID
for name in "${sockets[@]}"; do
  wait_http "http://127.0.0.1:${port[$name]}/" "$workerd_pid" "$logs/workerd.log" "workerd socket $name"
done

path=/api/workflow/session-completed/status

# smoke NAME EXPECTED_X_CACHE: one request must answer 200 with that x-cache.
smoke() {
  local name="$1" want="$2" headers status xcache
  headers=$(curl -s -D - -o /dev/null --max-time 10 "http://127.0.0.1:${port[$name]}$path") ||
    fail "$name: request failed" "$logs/workerd.log"
  status=$(head -n1 <<<"$headers" | awk '{print $2}')
  xcache=$(grep -i '^x-cache:' <<<"$headers" | awk '{print $2}' | tr -d '\r' || true)
  [[ $status == 200 && $xcache == "$want" ]] ||
    fail "$name: expected 200 x-cache $want, got $status x-cache '${xcache}'" "$logs/workerd.log"
}
smoke fixtures-cache MISS
smoke fixtures-cache HIT
smoke fixtures-nocache BYPASS
smoke ddb-cache MISS
smoke ddb-cache HIT
smoke ddb-nocache BYPASS
say "smoke requests answered as expected"

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
  if [[ $scenario != floor && -n ${BENCH_SCENARIOS:-} && " $BENCH_SCENARIOS " != *" $scenario "* ]]; then
    return 0
  fi
  local extra=()
  (($#)) && extra=(-- "$@")
  # One connection per wrk thread: bench/wrk-report.lua times each request.
  local wrk=(wrk -t"$connections" -c"$connections" --timeout 2s -s "$script")
  local before_w before_d after_w after_d stats_before='{}' stats_after='{}' line
  say "$scenario: warm-up ${warmup}s"
  timeout $((warmup + 15)) "${wrk[@]}" -d"${warmup}s" "$url" "${extra[@]}" >/dev/null ||
    fail "$scenario: warm-up wrk failed"
  case "$scenario" in
    fixtures-cache | fixtures-nocache | ddb-cache | ddb-nocache) stats_before=$(edge_stats "$scenario") ;;
  esac
  before_w=$(cpu_ticks "$workerd_pid")
  before_d=$(cpu_ticks "$dynalite_pid")
  say "$scenario: measuring ${duration}s at $connections connections"
  line=$(timeout $((duration + 15)) "${wrk[@]}" -d"${duration}s" "$url" "${extra[@]}" |
    tee "$logs/$scenario.wrk.txt" | grep '^BENCH_JSON ') || fail "$scenario: wrk failed" "$logs/$scenario.wrk.txt"
  after_w=$(cpu_ticks "$workerd_pid")
  after_d=$(cpu_ticks "$dynalite_pid")
  case "$scenario" in
    fixtures-cache | fixtures-nocache | ddb-cache | ddb-nocache) stats_after=$(edge_stats "$scenario") ;;
  esac
  python3 - "$scenario" "${line#BENCH_JSON }" "$((after_w - before_w))" "$((after_d - before_d))" \
    "$(getconf CLK_TCK)" "$stats_before" "$stats_after" >>"$rows" <<'PY'
import json, sys
scenario, wrk, wticks, dticks, hz, before, after = sys.argv[1:]
row = json.loads(wrk)
row["scenario"] = scenario
hz = int(hz)
row["workerd_cpu_us_per_req"] = int(wticks) / hz * 1e6 / max(row["requests"], 1)
row["dynalite_cpu_us_per_req"] = int(dticks) / hz * 1e6 / max(row["requests"], 1)
before, after = json.loads(before or "{}"), json.loads(after or "{}")
row["edge"] = {k: after.get(k, 0) - before.get(k, 0) for k in ("match", "hit", "miss", "put", "stored")} if after else None
print(json.dumps(row))
PY
}

base=http://127.0.0.1
run floor "$base:${port[floor]}$path" bench/wrk-report.lua
run fixtures-cache "$base:${port[fixtures-cache]}$path" bench/wrk-report.lua
run fixtures-nocache "$base:${port[fixtures-nocache]}$path" bench/wrk-report.lua
run ddb-cache "$base:${port[ddb-cache]}$path" bench/wrk-report.lua
run ddb-nocache "$base:${port[ddb-nocache]}$path" bench/wrk-report.lua
run ddb-nocache-distinct "$base:${port[ddb-nocache]}$path" bench/wrk-report.lua \
  session-completed "$distinct_ids"
run dynalite-direct "$dynamodb_endpoint/" bench/wrk-getitem.lua "$table" sessionId session-completed

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
    "127.0.0.1:$inspector_port" "$service" $((duration - 1)) 18) || out="(profiling failed)"
  wait "$load" || true
  profiles_md+=$'\n'"### $scenario ($service)"$'\n\n```\n'"$out"$'\n```\n'
}
if ((with_profile)); then
  profile fixtures-cache fixtures-cache "$base:${port[fixtures-cache]}$path"
  profile fixtures-nocache fixtures-nocache "$base:${port[fixtures-nocache]}$path"
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
  BENCH_BUNDLE="$bundle_info"
python3 - "$results" <<'PY'
import datetime, json, os, platform, subprocess, sys

rows = [json.loads(line) for line in open(os.environ["BENCH_ROWS"])]
def sh(*cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=10).stdout.strip()
    except Exception:
        return "?"
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
mem = next((l.split()[1] for l in open("/proc/meminfo") if l.startswith("MemTotal")), "0")
floor = next((r for r in rows if r["scenario"] == "floor"), None)

def counts(d):
    return " ".join(f"{k}:{v}" for k, v in sorted(d.items())) or "-"

header = ("| scenario | req/s | vs floor | p50 ms | p90 ms | p99 ms | max ms | codes | x-cache "
          "| socket errors | in flight | workerd CPU µs/req | dynalite CPU µs/req |")
lines = [header, "|---|---:|---:|---:|---:|---:|---:|---|---|---:|---:|---:|---:|"]
for r in rows:
    errs = sum(r["socket_errors"].values())
    rel = f'{r["rps"] / floor["rps"]:.2f}×' if floor and r["scenario"] not in ("floor", "dynalite-direct") else "-"
    dyn = f'{r["dynalite_cpu_us_per_req"]:.0f}' if r["scenario"].startswith(("ddb", "dynalite")) else "-"
    wcpu = f'{r["workerd_cpu_us_per_req"]:.0f}' if r["scenario"] != "dynalite-direct" else "-"
    lines.append(
        f'| {r["scenario"]} | {r["rps"]:,.0f} | {rel} | {r["p50_ms"]:.2f} | {r["p90_ms"]:.2f} '
        f'| {r["p99_ms"]:.2f} | {r["max_ms"]:.1f} | {counts(r["codes"])} | {counts(r["xcache"])} '
        f'| {errs} | {r["in_flight"]:.1f} | {wcpu} | {dyn} |')
table = "\n".join(lines)
edge = ["| scenario | lookups | hits | misses | puts | stored |", "|---|---:|---:|---:|---:|---:|"]
for r in rows:
    if r.get("edge"):
        e = r["edge"]
        edge.append(f'| {r["scenario"]} | {e["match"]} | {e["hit"]} | {e["miss"]} | {e["put"]} | {e["stored"]} |')

print("\n" + table + "\n", file=sys.stderr)

now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
commit = sh("git", "rev-parse", "--short", "HEAD")
dirty = " (working tree modified)" if sh("git", "status", "--porcelain") else ""
out = f"""# Benchmark results

Generated by `scripts/bench.sh`; rerun it to refresh this file.

- Command: `{os.environ["BENCH_COMMAND"]}`
- Date: {now}
- Machine: {sh("nproc")} CPUs (`nproc`), {cpu}, {int(mem) // 1024} MiB RAM, {platform.system()} {platform.release()}
- Load average before the run: {os.environ["BENCH_LOAD_BEFORE"]}
- Code: commit {commit}{dirty}; bundle {os.environ["BENCH_BUNDLE"]}
- Runtime: bare `workerd serve bench/workerd.capnp` ({os.environ["BENCH_WORKERD"]}), compatibility date 2026-05-01, one process serving all scenarios
- Load: {os.environ["BENCH_WRK"]}; `wrk -t{os.environ["BENCH_CONNECTIONS_N"]} -c{os.environ["BENCH_CONNECTIONS_N"]} --timeout 2s -s bench/wrk-report.lua`, {os.environ["BENCH_WARMUP_S"]} s warm-up then {os.environ["BENCH_DURATION_S"]} s measured per scenario, 127.0.0.1 only
- Store: dynalite 4.0.0 (in memory) on 127.0.0.1, item `session-completed` plus {os.environ["BENCH_DISTINCT"]} copies

## Load (requests to `/api/workflow/session-completed/status`)

{table}

- **floor**: a JS Worker returning a constant 793-byte JSON, on the same workerd: the ceiling for any Worker here.
- **fixtures-cache**: hit path — every measured request is a cache hit (x-cache), answered by the per-isolate memory cache in front of the edge cache, which is why the edge sees no lookups below.
- **fixtures-nocache**: every `CACHE_*_TTL_SECONDS=0`: caching off, so the Worker neither looks up nor stores anything (the lookups column shows it) and reads the embedded fixture store on every request.
- **ddb-cache** / **ddb-nocache**: the DynamoDB store on dynalite, cache on (hits) / off. With one session id and the cache off, concurrent misses inside the isolate are coalesced onto one in-flight GetItem (`coalesce::Coalescer`); see the codes column for how the waiting requests fare.
- **ddb-nocache-distinct**: cache off, {os.environ["BENCH_DISTINCT"]} session ids round-robin: every request is a signed GetItem over HTTP.
- **dynalite-direct**: wrk POSTing GetItem straight at dynalite: the store's own capacity on this machine.
- CPU columns: CPU time the process used during the measured run divided by requests served (all on 2 cores shared by wrk, workerd and dynalite; workerd serves from one thread).
- Latencies: closed loop, one request in flight per connection, timed per request by bench/wrk-report.lua (wrk's built-in latency statistics are inconsistent on this machine: on one connection they report a mean latency far above the interval between requests). "in flight" = req/s × mean latency, a check: it should equal the connection count.
- Tails: under load workerd stalls every connection at once for 100–200 ms every second or so (the floor too), and now and then a single request waits 0.4–3.7 s (seen on plain JS Workers as well); a high-priority gap detector running alongside saw no machine pauses. p99 and max mostly measure that; compare req/s, p50 and p90.

### Edge cache traffic during the measured runs

{chr(10).join(edge)}

### workerd log

{os.environ["BENCH_LOG_LINES"]} line(s) logged by workerd during the whole run (smoke and warm-up included). Most frequent:

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
