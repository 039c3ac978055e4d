#!/usr/bin/env bash
# check_bang.sh -- Clang syntax-and-type check of the BANG C starter kernels
# against the xpile prelude (frontends/prelude/bang), plus negative checks
# proving the check rejects wrong BANG code.
#
# There is no cncc here: BANG is parsed in Clang's CUDA mode with the flags
# documented in frontends/prelude/bang/README.md.  Every tests/starter/bang
# file must produce no diagnostic at all (no error, no warning).  Each
# negative case is a small kernel compiled twice: the correct line must be
# accepted silently and the broken line must be rejected with the expected
# diagnostic.
#
# Usage: tests/starter/check_bang.sh      (CLANGXX overrides clang++-16)
set -u

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root" || exit 2

CLANGXX=${CLANGXX:-clang++-16}
# Keep in sync with frontends/prelude/bang/README.md.
FLAGS=(-fsyntax-only -x cuda --cuda-host-only -nocudainc -nocudalib
       --cuda-gpu-arch=sm_80 --cuda-path=/nonexistent
       -Wno-unknown-cuda-version -std=c++17
       -isystem frontends/prelude/bang -include bang.h -include cnrt.h)

if ! command -v "$CLANGXX" >/dev/null 2>&1; then
  echo "check_bang: $CLANGXX not found" >&2
  exit 2
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0

ok() { echo "PASS  $*"; pass=$((pass + 1)); }
bad() { echo "FAIL  $*"; fail=$((fail + 1)); }

# ---- positive: every starter parses with zero diagnostics ----------------
shopt -s nullglob
files=(tests/starter/bang/*.mlu)
if [ ${#files[@]} -eq 0 ]; then
  bad "no tests/starter/bang/*.mlu files"
fi
for f in "${files[@]}"; do
  out=$("$CLANGXX" "${FLAGS[@]}" "$f" 2>&1)
  rc=$?
  if [ $rc -eq 0 ] && [ -z "$out" ]; then
    ok "$f"
  else
    bad "$f (exit $rc)"
    printf '%s\n' "$out" | sed 's/^/      /'
  fi
done

# ---- negative: wrong BANG code must be rejected ------------------------------
# snippet NAME WHERE GOOD_LINE BAD_LINE EXPECTED_DIAGNOSTIC_REGEX
#   WHERE: kernel (line goes in the kernel body) or host (replaces the launch)
snippet() {
  local name=$1 where=$2 good=$3 broken=$4 want=$5
  local variant line kline hline src out rc
  local launch='kernel<<<dim, cnrtFuncTypeUnion1, queue>>>(0, 1024);'
  for variant in good broken; do
    if [ $variant = good ]; then line=$good; else line=$broken; fi
    if [ "$where" = host ]; then kline=''; hline=$line; else kline=$line; hline=$launch; fi
    src="$tmp/$name.$variant.mlu"
    cat >"$src" <<MLU
#include <bang.h>
#include <cnrt.h>
__nram__ float nram_a[1024];
__nram__ float nram_b[1024];
__nram__ half nram_h[1024];
__mlu_global__ void kernel(float *x, int n) {
  if (__is_mpu()) return;
  $kline
}
int main() {
  cnrtQueue_t queue;
  cnrtQueueCreate(&queue);
  cnrtDim3_t dim = {4, 1, 1};
  $hline
  cnrtQueueSync(queue);
  return 0;
}
MLU
    out=$("$CLANGXX" "${FLAGS[@]}" "$src" 2>&1)
    rc=$?
    if [ $variant = good ]; then
      if [ $rc -ne 0 ] || [ -n "$out" ]; then
        bad "negative/$name: control snippet not accepted: $line"
        printf '%s\n' "$out" | sed 's/^/      /'
        return
      fi
    elif [ $rc -eq 0 ]; then
      bad "negative/$name: accepted wrong code: $line"
    elif ! printf '%s\n' "$out" | grep -Eq "$want"; then
      bad "negative/$name: rejected, but not with /$want/"
      printf '%s\n' "$out" | sed 's/^/      /'
    else
      ok "negative/$name rejected: $(printf '%s\n' "$out" |
          grep -m1 -Eo 'error: .*')"
    fi
  done
}

snippet wrong-arg-count kernel \
  '__bang_add(nram_a, nram_a, nram_b, n);' \
  '__bang_add(nram_a, nram_a, nram_b);' \
  "no matching function for call to '__bang_add'"
snippet misspelled-intrinsic kernel \
  '__bang_add(nram_a, nram_a, nram_b, n);' \
  '__bang_addd(nram_a, nram_a, nram_b, n);' \
  "undeclared identifier '__bang_addd'"
snippet wrong-direction-enum kernel \
  '__memcpy(nram_a, x, n * sizeof(float), GDRAM2NRAM);' \
  '__memcpy(nram_a, x, n * sizeof(float), cnrtMemcpyHostToDev);' \
  "no matching function for call to '__memcpy'"
snippet direction-as-int kernel \
  '__memcpy(nram_a, x, n * sizeof(float), GDRAM2NRAM);' \
  '__memcpy(nram_a, x, n * sizeof(float), 0);' \
  "no matching function for call to '__memcpy'"
snippet mixed-element-types kernel \
  '__bang_half2float(nram_a, nram_h, n);' \
  '__bang_add(nram_a, nram_h, nram_b, n);' \
  "no matching function for call to '__bang_add'"
snippet plain-float2half kernel \
  '__bang_float2half_rn(nram_h, nram_a, n);' \
  '__bang_float2half(nram_h, nram_a, n);' \
  "undeclared identifier '__bang_float2half'"
snippet builtin-var-is-const kernel \
  'x[0] = (float)taskId;' \
  'taskId = 0;' \
  "cannot assign to variable 'taskId'"

snippet launch-func-type-as-int host \
  'kernel<<<dim, cnrtFuncTypeBlock, queue>>>(0, 1024);' \
  'kernel<<<dim, 4, queue>>>(0, 1024);' \
  "cannot initialize a parameter of type 'cnrtFunctionType_t'|no matching function"
snippet launch-queue-type host \
  'kernel<<<dim, cnrtFuncTypeUnion1, queue>>>(0, 1024);' \
  'kernel<<<dim, cnrtFuncTypeUnion1, &queue>>>(0, 1024);' \
  "cannot initialize a parameter of type 'cnrtQueue_t'|no matching function"
snippet host-memcpy-dir-type host \
  'cnrtMemcpy(0, 0, 4, cnrtMemcpyDevToHost);' \
  'cnrtMemcpy(0, 0, 4, NRAM2GDRAM);' \
  "no matching function for call to 'cnrtMemcpy'|cannot initialize a parameter of type 'cnrtMemTransDir_t'"

echo "check_bang: $pass passed, $fail failed"
[ $fail -eq 0 ]
