#!/usr/bin/env bash
# Builds the libFuzzer target with clang-16 (ASan + UBSan) in build-fuzz/ and runs it for the given
# number of seconds, seeded with the starter kernels of every dialect. Fails on any crash.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang-16 \
  -DCMAKE_CXX_COMPILER=clang++-16 -DXPILE_BUILD_TESTS=OFF -DXPILE_BUILD_FUZZERS=ON >/dev/null
cmake --build build-fuzz --parallel "$(nproc)" --target parse_lower_print_fuzzer
seeds=build-fuzz/seeds
rm -rf "$seeds" build-fuzz/corpus && mkdir -p "$seeds" build-fuzz/corpus
# The first byte of a fuzz input selects the dialect: 0 cuda, 1 hip, 2 bang, 3 vnni, 4 c.
i=0
for pair in cuda:0 hip:1 bang:2 vnni:3 c:4; do
  dialect=${pair%%:*}; selector=${pair##*:}
  for f in tests/starter/"$dialect"/*; do
    case "$f" in *.cu|*.hip|*.mlu|*.c|*.cpp) ;; *) continue ;; esac
    { printf "\\$(printf '%03o' "$selector")"; cat "$f"; } > "$seeds/seed$i"
    i=$((i + 1))
  done
done
echo "xpile: fuzzing parse + lower + print for ${seconds}s with $i seeds" >&2
ASAN_OPTIONS=detect_leaks=0 build-fuzz/tests/fuzz/parse_lower_print_fuzzer build-fuzz/corpus "$seeds" \
  -max_total_time="$seconds" -timeout=30 -rss_limit_mb=8192 -print_final_stats=1 2>build-fuzz/fuzz.log \
  || { tail -60 build-fuzz/fuzz.log; exit 1; }
grep -E "stat::number_of_executed_units|Done" build-fuzz/fuzz.log >&2 || true
