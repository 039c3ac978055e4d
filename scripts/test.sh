#!/usr/bin/env bash
# Set-up command 2: install what is missing (HIP compiler included), build xpile with its tests,
# run the whole suite, then fuzz parse + lower + print for a bounded time.
set -euo pipefail
cd "$(dirname "$0")/.."
XPILE_WITH_HIP=1 bash scripts/install-deps.sh
bash scripts/build.sh -DXPILE_BUILD_TESTS=ON
(cd build && ctest --output-on-failure --parallel "$(nproc)" --label-exclude slow)
bash scripts/fuzz.sh "${XPILE_FUZZ_SECONDS:-60}"
