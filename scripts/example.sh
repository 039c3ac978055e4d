#!/usr/bin/env bash
# Set-up command 1: install what is missing, build xpile, and run its main job on the built-in
# example (a CUDA vector-add program with its host code): show the shared AST, then translate it
# to HIP, verified by running the kernel before and after translation on xpile's executors.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh -DXPILE_BUILD_TESTS=OFF
example=examples/vector_add.cu
echo "== xpile dump $example" >&2
build/tools/xpile/xpile dump "$example"
echo "== xpile translate $example --to hip (verified on 1000 elements)" >&2
build/tools/xpile/xpile translate "$example" --to hip --kernel vector_add --launch 'grid=4,1,1;block=256,1,1' \
  --arg 'f32[1000]:rand' --arg 'f32[1000]:rand:2' --arg 'f32[1000]:zeros' --arg i32:1000
