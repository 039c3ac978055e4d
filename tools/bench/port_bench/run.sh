#!/bin/sh
# Throughput of `xpile port` (files/s, lines/s) on a generated tree of 212 files, cold (empty
# cache) and warm (a re-run: everything from the content-hash cache).
# Usage: run.sh XPILE [JOBS]
set -e
XPILE=${1:?usage: run.sh XPILE [JOBS]}
JOBS=${2:-1}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
python3 "$(dirname "$0")/generate_tree.py" "$WORK/src" --modules 70
FILES=$(find "$WORK/src" -type f | wc -l)
LINES=$(find "$WORK/src" -type f -exec cat {} + | wc -l)
for run in cold warm; do
  START=$(date +%s.%N)
  STATUS=0
  "$XPILE" port "$WORK/src" --to hip --out-dir "$WORK/out" -j"$JOBS" -I"$WORK/src/include" --no-progress 2>"$WORK/err" || STATUS=$?
  END=$(date +%s.%N)
  if [ "$STATUS" -ne 0 ]; then
    # A throughput figure of a run that did not port everything would mean nothing.
    echo "$run run: xpile port exited $STATUS:" >&2
    tail -5 "$WORK/err" >&2
    exit 1
  fi
  awk -v f="$FILES" -v l="$LINES" -v s="$START" -v e="$END" -v r="$run" -v j="$JOBS" \
    'BEGIN { t = e - s; printf "%s run, -j%d: %d files, %d lines in %.2f s: %.1f files/s, %.0f lines/s\n", r, j, f, l, t, f / t, l / t }'
done
