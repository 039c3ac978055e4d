#!/usr/bin/env bash
# Set-up command 1: install what is missing, build xpile, and run its main job on the built-in
# example (a CUDA vector-add program with its host code): show the shared AST, then translate it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh -DXPILE_BUILD_TESTS=OFF
example=examples/vector_add.cu
echo "== xpile dump $example" >&2
build/tools/xpile/xpile dump "$example"
echo "== xpile translate $example --to cuda" >&2
build/tools/xpile/xpile translate "$example" --to cuda
