#!/usr/bin/env bash
# check_cpu.sh -- build, run and parse the CPU starter kernels (vnni and c).
#
# For every tests/starter/{vnni,c}/*.{c,cpp}:
#   1. compile with GCC (gcc/g++) and with Clang 16 (clang-16/clang++-16) at
#      -O2 -Wall -Wextra; any warning or error is a failure;
#   2. run each binary (each program checks itself against a scalar
#      reference and exits non-zero on mismatch);
#   3. parse with the exact xpile front-end flags:
#        C++: clang++-16 -fsyntax-only <dialect flags> file.cpp
#        C:   clang-16   -fsyntax-only -x c -std=c11 <dialect flags> file.c
#      where the dialect flags are
#        vnni: -mavx512f -mavx512bw -mavx512vl -mavx512dq -mavx512vnni -fopenmp
#        c:    -fopenmp
# Running vnni binaries needs a CPU with AVX-512 VNNI; without one they are
# built and parsed but not run (reported as SKIP).
# Usage: tests/starter/check_cpu.sh            (exit status 0 = all passed)
set -u

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
build="$(mktemp -d "${TMPDIR:-/tmp}/xpile-starter-cpu.XXXXXX")"
trap 'rm -rf "$build"' EXIT

CC_GNU=${CC_GNU:-gcc}
CXX_GNU=${CXX_GNU:-g++}
CC_CLANG=${CC_CLANG:-clang-16}
CXX_CLANG=${CXX_CLANG:-clang++-16}

VNNI_FLAGS=(-mavx512f -mavx512bw -mavx512vl -mavx512dq -mavx512vnni -fopenmp)
C_FLAGS=(-fopenmp)
COMMON=(-O2 -Wall -Wextra)

have_vnni=0
grep -qw avx512_vnni /proc/cpuinfo 2>/dev/null && have_vnni=1

pass=0
fail=0
skip=0
failures=()

ok()   { pass=$((pass + 1)); printf '  PASS  %s\n' "$1"; }
bad()  { fail=$((fail + 1)); failures+=("$1"); printf '  FAIL  %s\n' "$1"; [ -n "${2:-}" ] && head -n 40 <<<"$2" | sed 's/^/        | /'; }
skp()  { skip=$((skip + 1)); printf '  SKIP  %s\n' "$1"; }

# check_file DIALECT FILE
check_file() {
    local dialect=$1 src=$2
    local base ext flags lang_std cc_gnu cc_clang name
    base=$(basename "$src")
    ext=${base##*.}
    name="$dialect/$base"
    if [ "$dialect" = vnni ]; then flags=("${VNNI_FLAGS[@]}"); else flags=("${C_FLAGS[@]}"); fi
    if [ "$ext" = c ]; then
        lang_std=(-std=c11); cc_gnu=$CC_GNU; cc_clang=$CC_CLANG
        libs=(-lm)
    else
        lang_std=(-std=c++17); cc_gnu=$CXX_GNU; cc_clang=$CXX_CLANG
        libs=(-lm)
    fi

    local tc cc exe out
    for tc in gnu clang; do
        if [ $tc = gnu ]; then cc=$cc_gnu; else cc=$cc_clang; fi
        exe="$build/${dialect}_${base%.*}_$tc"
        if ! out=$("$cc" "${lang_std[@]}" "${COMMON[@]}" "${flags[@]}" "$src" -o "$exe" "${libs[@]}" 2>&1); then
            bad "$name [$cc compile]" "$out"; continue
        fi
        if [ -n "$out" ]; then
            bad "$name [$cc warnings]" "$out"; continue
        fi
        ok "$name [$cc compile, 0 warnings]"
        if [ "$dialect" = vnni ] && [ $have_vnni = 0 ]; then
            skp "$name [$cc run: no AVX-512 VNNI on this CPU]"; continue
        fi
        if out=$(OMP_NUM_THREADS=${OMP_NUM_THREADS:-4} timeout 120 "$exe" 2>&1); then
            ok "$name [$cc run] ${out##*$'\n'}"
        else
            bad "$name [$cc run, exit $?]" "$out"
        fi
    done

    # Front-end parse with the exact xpile flags.
    if [ "$ext" = c ]; then
        out=$("$CC_CLANG" -fsyntax-only -x c -std=c11 "${flags[@]}" "$src" 2>&1)
    else
        out=$("$CXX_CLANG" -fsyntax-only "${flags[@]}" "$src" 2>&1)
    fi
    local rc=$?
    if [ $rc -ne 0 ] || [ -n "$out" ]; then
        bad "$name [clang -fsyntax-only]" "$out"
    else
        ok "$name [clang -fsyntax-only]"
    fi
}

for dialect in vnni c; do
    echo "== $dialect"
    shopt -s nullglob
    files=("$here/$dialect"/*.c "$here/$dialect"/*.cpp)
    shopt -u nullglob
    if [ ${#files[@]} -eq 0 ]; then
        bad "$dialect: no source files found"
        continue
    fi
    for f in "${files[@]}"; do check_file "$dialect" "$f"; done
done

echo
echo "check_cpu: $pass passed, $fail failed, $skip skipped"
for f in "${failures[@]+"${failures[@]}"}"; do echo "  failed: $f"; done
[ $fail -eq 0 ]
