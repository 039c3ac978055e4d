#include "backends/exec/cpu_features.h"

#include <cstdlib>
#include <cstring>

namespace xpile::exec {

bool cpuHasAvx512Vnni() {
  if (const char *v = std::getenv("XPILE_NO_NATIVE_VNNI"); v && *v && std::strcmp(v, "0") != 0) return false;
#if defined(__x86_64__) || defined(__i386__)
  // libgcc's checks cover the OS enabling the ZMM state (xgetbv) as well as cpuid.
  static const bool has = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
           __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq") &&
           __builtin_cpu_supports("avx512vnni");
  }();
  return has;
#else
  return false;
#endif
}

const std::vector<std::string> &avx512VnniFlags() {
  static const std::vector<std::string> flags = {"-mavx512f", "-mavx512bw", "-mavx512vl", "-mavx512dq", "-mavx512vnni"};
  return flags;
}

}  // namespace xpile::exec
