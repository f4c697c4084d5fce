#!/usr/bin/env bash
# Fuzzes every parser that sees outside bytes (cargo-fuzz / libFuzzer, on the
# stable toolchain with `-s none`): the request path and session id, the
# DynamoDB answer, the item → document transform, the configuration and the
# JWT reader. Targets: fuzz/fuzz_targets/*.rs.
#
#   bash scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]   default 60 s, every target
#   bash scripts/fuzz.sh --smoke [TARGET...]                5 s each (the test command)
#   FUZZ_RUNS=10000000 bash scripts/fuzz.sh 480             stop each at 10 M executions
#                                                           or 480 s, whichever is first
#
# Installs cargo-fuzz if needed (scripts/lib/fuzztools.sh), builds the
# targets, writes the seed corpora (fuzz/seed_corpus.py, from fixtures/) into
# fuzz/corpus/<target>/, replays fuzz/regressions/<target>/ (crash inputs
# kept for good) and fuzzes each target in turn, one core, niced. Prints
# executions and executions per second per target; exits 1 if any target
# crashed (the input is in fuzz/artifacts/<target>/: copy it to
# fuzz/regressions/<target>/ once it is fixed).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

say() { printf '[fuzz] %s\n' "$*" >&2; }

ALL_TARGETS=(route interpret transform config jwt)
seconds=60
if [ "${1:-}" = "--smoke" ]; then
    seconds=5
    shift
elif [[ "${1:-}" =~ ^[0-9]+$ ]]; then
    seconds=$1
    shift
elif [ -n "${1:-}" ] && [[ "$1" == -* ]]; then
    echo "usage: $0 [--smoke | SECONDS_PER_TARGET] [TARGET...]" >&2
    exit 2
fi
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${ALL_TARGETS[@]}")
for target in "${targets[@]}"; do
    if [ ! -f "fuzz/fuzz_targets/$target.rs" ]; then
        echo "unknown target $target (known: ${ALL_TARGETS[*]})" >&2
        exit 2
    fi
done

# shellcheck source=scripts/lib/fuzztools.sh
source scripts/lib/fuzztools.sh
ensure_fuzz_tools

# The same flags for build and run, so `run` finds the build up to date.
fuzz_flags=(--fuzz-dir fuzz -s none)

# Built once, then the binaries are run directly: an edit to src/ during
# the run neither rebuilds nor changes what is fuzzed. FUZZ_SKIP_BUILD=1
# reuses the binaries already built.
bin_dir="fuzz/target/$(rustc -vV | sed -n 's/^host: //p')/release"
if [ "${FUZZ_SKIP_BUILD:-}" != 1 ]; then
    say "building ${targets[*]}"
    build_start=$(date +%s)
    for target in "${targets[@]}"; do
        if ! nice -n 10 cargo fuzz build "${fuzz_flags[@]}" "$target"; then
            say "FAILED: the $target target does not build"
            exit 1
        fi
    done
    say "built in $(( $(date +%s) - build_start )) s"
fi
for target in "${targets[@]}"; do
    if [ ! -x "$bin_dir/$target" ]; then
        say "FAILED: $bin_dir/$target is not built"
        exit 1
    fi
done

python3 fuzz/seed_corpus.py fuzz/corpus >&2

mkdir -p fuzz/logs
rows=()
failed=()
for target in "${targets[@]}"; do
    corpora=("fuzz/corpus/$target")
    [ -d "fuzz/regressions/$target" ] && corpora+=("fuzz/regressions/$target")
    mkdir -p "fuzz/artifacts/$target"
    log="fuzz/logs/$target.log"
    say "fuzzing $target for ${seconds} s (log: $log)"
    start=$(date +%s.%N)
    status=0
    nice -n 10 "$bin_dir/$target" -artifact_prefix="fuzz/artifacts/$target/" \
        -max_total_time="$seconds" -print_final_stats=1 -timeout=10 \
        -rss_limit_mb=2048 -close_fd_mask=1 ${FUZZ_RUNS:+-runs="$FUZZ_RUNS"} \
        "${corpora[@]}" > "$log" 2>&1 || status=$?
    # Wall time of the whole run (corpus loading included).
    wall=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')

    # libFuzzer's own count: the final stats, else its "Done N runs in S second(s)".
    runs=$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p' "$log" | tail -1)
    if [ -z "$runs" ]; then
        runs=$(sed -n 's/^Done \([0-9]*\) runs in .*/\1/p' "$log" | tail -1)
    fi
    runs=${runs:-0}
    rate=$(awk -v n="$runs" -v s="$wall" 'BEGIN { printf "%d", (s > 0 ? n / s : 0) }')

    result=ok
    if [ "$status" -ne 0 ] || grep -qE '^==[0-9]+== ERROR: libFuzzer|deadly signal|panicked at' "$log"; then
        result=CRASH
        failed+=("$target")
        say "$target crashed (exit $status):"
        grep -m 3 -A 2 -E 'panicked at|ERROR: libFuzzer' "$log" >&2 || true
        artifact=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -1)
        if [ -n "$artifact" ] && [ -f "$artifact" ]; then
            say "input: $artifact ($(stat -c %s "$artifact") bytes), hex:"
            od -An -tx1 -v "$artifact" | tr -d ' \n' | head -c 2048 >&2
            echo >&2
        fi
    elif [ "$runs" -eq 0 ]; then
        result=NO-RUNS
        failed+=("$target")
    fi
    rows+=("$(printf '%-10s %15s %10s %8s  %s' "$target" "$runs" "$rate" "$wall" "$result")")
done

printf '\n%-10s %15s %10s %8s  %s\n' target executions exec/s wall_s result
for row in "${rows[@]}"; do
    printf '%s\n' "$row"
done

if [ ${#failed[@]} -gt 0 ]; then
    say "FAILED: ${failed[*]} (logs in fuzz/logs/, inputs in fuzz/artifacts/)"
    exit 1
fi
say "no crash in ${targets[*]}"
