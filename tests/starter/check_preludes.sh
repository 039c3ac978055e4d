#!/usr/bin/env bash
# Checks the xpile preludes against the starter kernels.
#
# For every tests/starter/cuda/*.cu and tests/starter/hip/*.hip:
#   1. parse it with clang++-16 using exactly the front end's flags (see
#      frontends/prelude/README.md): must give zero errors and zero warnings;
#   2. compile it with the vendor compiler (nvcc -c / hipcc -c) when present,
#      proving the starter program is real CUDA/HIP.
# Prints one line per file and compiler; exits non-zero if anything failed.
# Usage: tests/starter/check_preludes.sh [--strict]   (--strict adds -Wall -Wextra to the parse)
set -u
shopt -s nullglob
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"

CLANG="${CLANG:-clang++-16}"
NVCC="${NVCC:-/usr/local/cuda/bin/nvcc}"
HIPCC="${HIPCC:-hipcc}"
EXTRA=()
[[ "${1:-}" == "--strict" ]] && EXTRA=(-Wall -Wextra)

# The front end's parse flags (keep in sync with frontends/prelude/README.md).
CUDA_FLAGS=(-fsyntax-only -x cuda --cuda-host-only -nocudainc -nocudalib
            --cuda-path="$ROOT/frontends/prelude/cuda" --cuda-gpu-arch=sm_80 -std=c++17
            -isystem "$ROOT/frontends/prelude/cuda" -include cuda_runtime.h)
HIP_FLAGS=(-fsyntax-only -x hip --cuda-host-only -nogpuinc -nogpulib --offload-arch=gfx90a
           -std=c++17 -isystem "$ROOT/frontends/prelude/hip" -include hip/hip_runtime.h)

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
fail=0
pass=0
skip=0

report() {  # file tool status detail
  printf '%-44s %-22s %s%s\n' "$1" "$2" "$3" "${4:+  ($4)}"
}

parse_check() {  # file flags...
  local f="$1"; shift
  local log="$TMP/parse.log"
  "$CLANG" "$@" "${EXTRA[@]}" "$f" >"$log" 2>&1
  local rc=$?
  local nerr nwarn
  nerr=$(grep -c 'error:' "$log")
  nwarn=$(grep -c 'warning:' "$log")
  if [[ $rc -eq 0 && $nerr -eq 0 && $nwarn -eq 0 ]]; then
    report "$f" "clang-16 prelude parse" PASS; pass=$((pass + 1))
  else
    report "$f" "clang-16 prelude parse" FAIL "$nerr errors, $nwarn warnings"
    sed 's/^/    /' "$log" | head -20
    fail=$((fail + 1))
  fi
}

vendor_check() {  # file tool-label cmd...
  local f="$1" label="$2"; shift 2
  local log="$TMP/vendor.log"
  if "$@" >"$log" 2>&1; then
    report "$f" "$label" PASS; pass=$((pass + 1))
  else
    report "$f" "$label" FAIL
    grep -v 'rocm_agent_enumerator\|Traceback\|^  File \|target_list\|^    ' "$log" | sed 's/^/    /' | head -20
    fail=$((fail + 1))
  fi
}

have_nvcc=0; [[ -x "$NVCC" ]] || command -v "$NVCC" >/dev/null 2>&1 && have_nvcc=1
have_hipcc=0; command -v "$HIPCC" >/dev/null 2>&1 && have_hipcc=1

for f in tests/starter/cuda/*.cu; do
  parse_check "$f" "${CUDA_FLAGS[@]}"
  if [[ $have_nvcc -eq 1 ]]; then
    vendor_check "$f" "nvcc -c -arch=sm_80" "$NVCC" -c -arch=sm_80 -std=c++17 "$f" -o "$TMP/out.o"
  else
    report "$f" "nvcc" SKIP "nvcc not found"; skip=$((skip + 1))
  fi
done

for f in tests/starter/hip/*.hip; do
  parse_check "$f" "${HIP_FLAGS[@]}"
  if [[ $have_hipcc -eq 1 ]]; then
    vendor_check "$f" "hipcc -c gfx90a" "$HIPCC" --offload-arch=gfx90a -std=c++17 -c "$f" -o "$TMP/out.o"
  else
    report "$f" "hipcc" SKIP "hipcc not found"; skip=$((skip + 1))
  fi
done

echo "----"
echo "passed: $pass  failed: $fail  skipped: $skip"
[[ $fail -eq 0 ]]
