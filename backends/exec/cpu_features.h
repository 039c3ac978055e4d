// What the host CPU can run natively, so the driver knows whether C/VNNI programs get native
// AVX-512 VNNI flags or run through SIMDe (backends/vnni/runtime/xpile_cpu.h).
#pragma once

#include <string>
#include <vector>

namespace xpile::exec {

// AVX-512 F, BW, VL, DQ and VNNI all supported by the CPU and enabled by the OS (cpuid + xgetbv).
// XPILE_NO_NATIVE_VNNI=1 in the environment makes it false (to test the SIMDe path on any machine).
bool cpuHasAvx512Vnni();

// -mavx512f -mavx512bw -mavx512vl -mavx512dq -mavx512vnni
const std::vector<std::string> &avx512VnniFlags();

}  // namespace xpile::exec
