#!/usr/bin/env bash
# Benchmark (not a test): xpile's VNNI translations of the corpus' int8 GEMM (gemm_u8s8s32) and
# f32 NCHW convolution (conv2d_nchw_f32) against the hand-written corpus VNNI versions and
# oneDNN on this CPU, and the time `xpile translate` takes per kernel for every direction that
# targets vnni (c, cuda, hip -> vnni over the whole corpus). Prints figures and ratios; never
# fails because a version is slow, only when something cannot run at all.
#
#   tools/bench/vnni_bench/run.sh [options]
#     --xpile PATH           xpile binary (default build/tools/xpile/xpile)
#     --work DIR             keep translated files, libraries and logs in DIR (default: a
#                            temporary directory, removed at exit)
#     --translated OP:FROM=FILE
#                            use FILE as the translation of operator OP (gemm or conv) from
#                            dialect FROM (c, cuda, hip) instead of translating it here; repeatable
#     --no-translate-timing  skip timing xpile translate over the corpus (translates only the
#                            two benchmarked operators)
#     --translate-timeout S  stop a translation after S seconds and count it as failed (120)
#     --threads N            run the driver with N OpenMP threads only (default: all cores, then 1)
#     --runs N, --min-sample-ms MS, --gemm-shapes I,J,.. --conv-shapes I,J,..
#                            passed to the driver (shape indices into the manifests)
#
# Every version is compiled with g++ -O3 -march=native -fopenmp into its own shared library
# (entry_shim.c exports the entry under a fixed name), so the corpus, the C reference and each
# translation keep their identical entry names without clashing. A translation that xpile
# refuses or that does not compile is listed as n/a with the reason, never replaced.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
cd "$root"

xpile=build/tools/xpile/xpile
work=""
translate_timing=1
translate_timeout=120
# all cores (what the corpus versions are written for), then one thread: on a shared, loaded
# machine a descheduled OpenMP thread stalls every barrier of the others, so the one-thread
# figures are the steadier comparison of the code itself
thread_counts=(0 1)
driver_args=()
declare -A given=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --xpile) xpile="$2"; shift 2 ;;
    --work) work="$2"; shift 2 ;;
    --translated)
      [[ "$2" =~ ^(gemm|conv):(c|cuda|hip)=. ]] ||
        { echo "run.sh: --translated wants OP:FROM=FILE with OP gemm|conv, FROM c|cuda|hip" >&2; exit 2; }
      given["${2%%=*}"]="$(realpath "${2#*=}")"; shift 2 ;;
    --no-translate-timing) translate_timing=0; shift ;;
    --translate-timeout) translate_timeout="$2"; shift 2 ;;
    --threads) thread_counts=("$2"); shift 2 ;;
    --runs|--min-sample-ms|--gemm-shapes|--conv-shapes) driver_args+=("$1" "$2"); shift 2 ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$here/$(basename "$0")"; exit 0 ;;
    *) echo "run.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
if [[ -z "$work" ]]; then
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
fi
mkdir -p "$work/xlt" "$work/lib" "$work/log"
# translations may run programs on xpile's executors: their compile cache, kept between runs
export XPILE_CACHE_DIR="${XPILE_CACHE_DIR:-${TMPDIR:-/tmp}/xpile-cache-vnni-bench}"
command -v jq >/dev/null || { echo "run.sh: needs jq to read the corpus manifests" >&2; exit 2; }
xpile="$(realpath "$xpile")"
[[ -x "$xpile" ]] || { echo "run.sh: no xpile binary at $xpile" >&2; exit 2; }

CXX="${CXX:-g++}"
CC="${CC:-gcc}"
FLAGS=(-O3 -march=native -fopenmp -fPIC -shared -fvisibility=hidden -w)

echo "== vnni_bench: $(date -u '+%Y-%m-%d %H:%M UTC'), $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
echo "   CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(nproc) cores;" \
     "avx512_vnni: $(grep -qw avx512_vnni /proc/cpuinfo && echo yes || echo no)"
echo "   load average before: $(cut -d' ' -f1-3 /proc/loadavg)  (a shared machine: timings are noisy)"
echo "   compiler: $($CXX --version | head -1)"
echo "   xpile: $xpile (built $(date -u -r "$xpile" '+%Y-%m-%d %H:%M UTC'))"
# run a private copy: a rebuild of the build tree during the run must not mix two binaries
cp "$xpile" "$work/xpile"
xpile="$work/xpile"

# xpile translate's flags as this build knows them (--no-verify arrived with the pass pipeline)
xlt_flags=(--quiet -w)
if "$xpile" translate --help 2>&1 | grep -q -- '--no-verify'; then
  xlt_flags+=(--no-verify)
fi

# translate SRC OUT LOG: SRC to vnni as OUT; prints the elapsed milliseconds, returns xpile's status
# (a translation that outlives --translate-timeout is stopped and counted as failed)
translate() {
  local src="$1" out="$2" log="$3" t0 t1 rc=0
  t0=$(date +%s%N)
  timeout --kill-after=5 "$translate_timeout" \
    "$xpile" translate "$src" --to vnni -o "$out" "${xlt_flags[@]}" >"$log" 2>&1 || rc=$?
  t1=$(date +%s%N)
  if ((rc == 124 || rc == 137)); then
    echo "error: xpile translate did not finish within ${translate_timeout} s (stopped)" >>"$log"
  fi
  echo "$(( (t1 - t0) / 1000000 ))"
  return $rc
}

# xpile's executors cache compiled runtimes and programs; one translation first, untimed, so
# that building that cache is not counted as the first kernel's translation time
timeout --kill-after=5 "$translate_timeout" \
  "$xpile" translate corpus/elementwise/add/add.c --to vnni -o "$work/xlt/warmup.cpp" \
  "${xlt_flags[@]}" >"$work/log/warmup.log" 2>&1 || true

first_error() {  # the first diagnostic line of a log, for the tables
  { grep -m1 -E 'error|Error|fatal' "$1" || head -1 "$1"; } 2>/dev/null | sed 's#^'"$root"'/##'
}


# ---------------------------------------------------------------- translation time ---
declare -A xlt_file=() xlt_err=()
: >"$work/translate.tsv"
ops=()
for m in $(find corpus -name manifest.json | sort); do
  dir="$(dirname "$m")"
  op="$(jq -r .operator "$m")"
  ops+=("$op")
  for from in c cuda hip; do
    f="$(jq -r ".files.$from // empty" "$m")"
    [[ -n "$f" ]] || continue
    case "$op" in gemm|conv2d_nchw) ;; *) ((translate_timing)) || continue ;; esac
    out="$work/xlt/$op.$from.cpp"
    log="$work/log/translate.$op.$from.log"
    if ms=$(translate "$dir/$f" "$out" "$log"); then
      echo -e "$op\t$from\tok\t$ms" >>"$work/translate.tsv"
      xlt_file["$op:$from"]="$out"
    else
      echo -e "$op\t$from\tfail\t$ms\t$(first_error "$log")" >>"$work/translate.tsv"
      xlt_err["$op:$from"]="xpile translate failed: $(first_error "$log" | cut -c1-160)"
    fi
  done
done

if ((translate_timing)); then
  echo
  echo "== translation time per kernel: xpile translate FILE --to vnni ${xlt_flags[*]}" \
       "(wall clock, one run per file, whole process)"
  for from in c cuda hip all; do
    if [[ $from == all ]]; then sel='1'; else sel="\$2==\"$from\""; fi
    awk -F'\t' "$sel" "$work/translate.tsv" | awk -F'\t' -v from="$from" '
      { n++; if ($3 == "ok") { ok++; t[ok] = $4 / 1000; name[ok] = $1 } }
      END {
        if (ok == 0) { printf "   %-4s -> vnni: %2d files, 0 translated: no time to report\n", from, n; exit }
        # insertion sort: at most a few dozen entries
        for (i = 2; i <= ok; i++) { v = t[i]; w = name[i]; j = i - 1
          while (j > 0 && t[j] > v) { t[j+1] = t[j]; name[j+1] = name[j]; j-- } t[j+1] = v; name[j+1] = w }
        med = (ok % 2) ? t[(ok + 1) / 2] : (t[ok / 2] + t[ok / 2 + 1]) / 2
        printf "   %-4s -> vnni: %2d files, %2d translated: median %.3f s, worst %.3f s (%s)\n",
               from, n, ok, med, t[ok], name[ok]
      }'
  done
  nfail=$(awk -F'\t' '$3=="fail"' "$work/translate.tsv" | wc -l)
  if ((nfail > 0)); then
    echo "   $nfail translations failed; distinct first errors (count, message):"
    awk -F'\t' '$3=="fail" { print $5 }' "$work/translate.tsv" |
      sed -E 's#^[^ :]+:[0-9]+:[0-9]+: ##' | cut -c1-150 |
      sort | uniq -c | sort -rn | head -8 | sed 's/^/     /'
  fi
fi

# ----------------------------------------------------------------------- builds ---
# build_lib LABEL SRC OP(gemm|conv) OUT.so : prints nothing on success, the reason on failure
build_lib() {
  local label="$1" src="$2" op="$3" out="$4" lang log="$work/log/build.$(basename "$4").log"
  local def=-DBENCH_OP_GEMM
  [[ $op == conv ]] && def=-DBENCH_OP_CONV
  case "$src" in *.c) lang=c ;; *) lang=c++ ;; esac
  local cc="$CXX" std=-std=c++17
  [[ $lang == c ]] && cc="$CC" std=-std=c11
  if "$cc" -x "$lang" $std "${FLAGS[@]}" "$def" -include "$src" "$here/entry_shim.c" \
       -o "$out" >"$log" 2>&1; then
    return 0
  fi
  # xpile's vnni printer may emit C for a C input: accept that, and say so
  if [[ $lang == c++ ]] && "$CC" -x c -std=c11 "${FLAGS[@]}" "$def" -include "$src" \
       "$here/entry_shim.c" -o "$out" >>"$log" 2>&1; then
    echo "   note: $label compiled as C (not valid C++)" >&2
    return 0
  fi
  # the translated file's own first error, else the first error anywhere
  local err
  err="$(grep -m1 -F "$src:" "$log" | grep -m1 error || grep -m1 error "$log" || true)"
  echo "does not compile with $cc: $(echo "$err" | sed "s#^$root/##" | cut -c1-140)"
  return 1
}

echo
echo "== building versions (g++ -O3 -march=native -fopenmp, one shared library each)"
driver_args+=(--corpus corpus --baseline "corpus vnni")
declare -A src_of=([gemm]=corpus/matrix/gemm [conv]=corpus/convolution/conv2d_nchw)
declare -A name_of=([gemm]=gemm [conv]=conv2d_nchw)
for op in gemm conv; do
  d="${src_of[$op]}"; n="${name_of[$op]}"
  build_lib "C reference" "$root/$d/$n.c" "$op" "$work/lib/$op.ref.so" >/dev/null ||
    { echo "run.sh: the C reference $d/$n.c does not build" >&2; exit 1; }
  driver_args+=(--$op-ref "$work/lib/$op.ref.so")
  build_lib "corpus vnni" "$root/$d/$n.cpp" "$op" "$work/lib/$op.corpus.so" >/dev/null ||
    { echo "run.sh: the corpus version $d/$n.cpp does not build" >&2; exit 1; }
  driver_args+=(--$op "corpus vnni=$work/lib/$op.corpus.so")
  for from in c cuda hip; do
    label="xpile $from->vnni"
    src="${given[$op:$from]:-${xlt_file[$n:$from]:-}}"
    if [[ -z "$src" ]]; then
      driver_args+=(--$op-na "$label=${xlt_err[$n:$from]:-not translated}")
      continue
    fi
    if why=$(build_lib "$label" "$src" "$op" "$work/lib/$op.$from.so"); then
      driver_args+=(--$op "$label=$work/lib/$op.$from.so")
    else
      driver_args+=(--$op-na "$label=$why")
    fi
  done
done

driver="$work/vnni_bench"
dnnl_flags=(-ldnnl)
[[ -f /usr/include/oneapi/dnnl/dnnl.hpp ]] || dnnl_flags=(-DBENCH_NO_DNNL)
"$CXX" -std=c++17 -O3 -march=native -fopenmp "$here/vnni_bench.cpp" -o "$driver" \
  "${dnnl_flags[@]}" -ldl

for threads in "${thread_counts[@]}"; do
  echo
  if ((threads == 0)); then
    echo "== all cores"
    "$driver" "${driver_args[@]}"
  else
    echo "== $threads OpenMP thread(s)"
    "$driver" "${driver_args[@]}" --threads "$threads"
  fi
done
echo
echo "   load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
