#!/usr/bin/env bash
# Fails when the release bundle outgrows its size budget (size-budget.json),
# the way front-end projects use size-limit: gzip -9 of each file of the
# bundle (build/index_bg.wasm and build/index.js), summed, against
# budget_bytes. Prints the current size, the budget and the goal.
#
# Usage: bash scripts/check-size.sh [BUNDLE_DIR]   (default build/; build it
# first with `bash scripts/build.sh`, which runs wasm-opt: a `wrangler dev`
# build skips wasm-opt and is larger)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
dir=${1:-build}
budget_file=size-budget.json
[[ -f $budget_file ]] || { echo "check-size: $budget_file missing" >&2; exit 2; }
python3 - "$dir" "$budget_file" <<'PY'
import gzip, json, os, sys

directory, budget_file = sys.argv[1:]
config = json.load(open(budget_file))
budget, goal = int(config["budget_bytes"]), int(config.get("goal_bytes", 0))
total, parts = 0, []
for name in config["files"]:
    path = os.path.join(directory, name)
    if not os.path.isfile(path):
        sys.exit(f"check-size: {path} missing (build the bundle first: bash scripts/build.sh)")
    raw = open(path, "rb").read()
    size = len(gzip.compress(raw, compresslevel=9, mtime=0))
    total += size
    parts.append(f"{name} {len(raw):,} B raw, {size:,} B gzip")
kb = lambda n: f"{n / 1000:,.1f} KB"
print(f"check-size: {directory}: {'; '.join(parts)}")
print(f"check-size: bundle {total:,} B gzip ({kb(total)}); budget {budget:,} B ({kb(budget)}), "
      f"{'headroom' if total <= budget else 'OVER by'} {abs(budget - total):,} B; "
      f"goal {goal:,} B ({kb(goal)}), {max(total - goal, 0):,} B to go")
if total > budget:
    print(f"check-size: FAIL: the bundle grew past {budget_file}'s budget_bytes "
          "(find what grew: bench/SIZE.md; raise the budget only deliberately)", file=sys.stderr)
    sys.exit(1)
PY
