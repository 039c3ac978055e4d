#!/usr/bin/env bash
# Installs the Debian packages xpile needs, only those that are missing (apt-get, as root or via sudo).
set -euo pipefail

required=(cmake ninja-build g++ clang-16 libclang-16-dev libclang-cpp16-dev llvm-16-dev libomp-16-dev
          libclang-rt-16-dev libz3-dev libcurl4-openssl-dev nlohmann-json3-dev libfmt-dev libgtest-dev
          libsimde-dev)
# Optional: hipcc compiles HIP output for the tests (skipped when absent). nvcc comes from
# /usr/local/cuda where the machine has it.
optional=(hipcc libamdhip64-dev rocm-device-libs)

missing=()
for pkg in "${required[@]}" ${XPILE_WITH_HIP:+"${optional[@]}"}; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "xpile: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
