#!/usr/bin/env bash
# Benchmark (not a test): the time `xpile verify` takes end to end on a typical kernel (a CUDA
# vector add against its HIP translation, 1M elements, 3 seeds + edge values = 4 runs of each
# program), in three situations:
#   first use   - empty cache: the executors' precompiled runtimes are built once (per install)
#   cold        - the two programs compile (the issue's goal: under 2 s, compile included)
#   warm        - both programs already compiled
#   tools/bench/verify_bench.sh [path/to/xpile]
set -euo pipefail
cd "$(dirname "$0")/../.."
xpile="${1:-build/tools/xpile/xpile}"
kernels=tests/e2e/kernels
args=(--kernel vadd --grid 4096 --block 256 --arg 'f32[1048576]:rand' --arg 'f32[1048576]:rand:9'
      --arg 'f32[1048576]:zeros' --arg i32:1048576)
cache=$(mktemp -d)
trap 'rm -rf "$cache"' EXIT
time_of() {
  local start end
  start=$(date +%s.%N)
  XPILE_CACHE_DIR="$cache" "$xpile" verify "$kernels/vadd.cu" "$kernels/vadd.hip" "${args[@]}" >/dev/null
  end=$(date +%s.%N)
  echo "$end - $start" | bc
}
first=$(time_of)
rm -rf "$cache/programs"
cold=$(time_of)
warm=$(time_of)
printf 'xpile verify vadd.cu vadd.hip (1M floats, 4 runs of each program), %s cores\n' "$(nproc)"
printf '  first use (precompiled runtimes built): %6.2f s\n' "$first"
printf '  cold (both programs compiled):          %6.2f s   goal 2.00 s: x%.2f of the goal\n' "$cold" "$(echo "$cold / 2" | bc -l)"
printf '  warm (compiled programs cached):        %6.2f s   x%.2f of cold\n' "$warm" "$(echo "$warm / $cold" | bc -l)"
