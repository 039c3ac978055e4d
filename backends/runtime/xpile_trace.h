// Recording buffers after each kernel launch, for differential verification of whole programs:
// when XPILE_TRACE_DIR is set, every launch appends one JSON line per pointer argument that points
// into a registered device allocation to DIR/trace.jsonl, and writes the allocation's bytes (as
// they are after the launch) to DIR/launch<N>.arg<K>.bin. The dtype comes from the kernel
// parameter's pointee type.
#pragma once

#include "xpile_rt.h"

#include <atomic>
#include <cstdio>
#include <string>
#include <type_traits>

namespace xpile::rt {

namespace trace_detail {

inline std::atomic<int> &launchCounter() {
  static std::atomic<int> counter{0};
  return counter;
}

template <typename A> void recordArg(FILE *index, int launch, int position, const KernelInfo &info, const A &arg) {
  if constexpr (std::is_pointer_v<A>) {
    using Elem = std::remove_cv_t<std::remove_pointer_t<A>>;
    // Addresses only: a C-style cast drops const/volatile.
    const Allocation *a = Registry::get().owner((const void *)(arg));
    if (!a) return;
    std::string bin = options().traceDir + "/launch" + std::to_string(launch) + ".arg" + std::to_string(position) + ".bin";
    if (FILE *f = std::fopen(bin.c_str(), "wb")) {
      std::fwrite(a->base, 1, a->bytes, f);
      std::fclose(f);
    }
    std::fprintf(index,
                 "{\"launch\": %d, \"kernel\": \"%s\", \"arg\": %d, \"dtype\": \"%s\", \"bytes\": %zu, \"label\": \"%s\", "
                 "\"offset\": %lld, \"file\": \"launch%d.arg%d.bin\"}\n",
                 launch, info.name, position, dtypeName(dtypeOf<std::conditional_t<std::is_void_v<Elem>, unsigned char, Elem>>()),
                 a->bytes, a->label.c_str(), static_cast<long long>((const char *)(arg) - a->base), launch,
                 position);
  }
}

}  // namespace trace_detail

// Call after a launch has completed, with the launch's arguments in order.
template <typename... A> void recordLaunch(const KernelInfo &info, const A &...args) {
  if (options().traceDir.empty()) return;
  int launch = trace_detail::launchCounter()++;
  std::string indexPath = options().traceDir + "/trace.jsonl";
  FILE *index = std::fopen(indexPath.c_str(), "a");
  if (!index) return;
  int position = 0;
  (trace_detail::recordArg(index, launch, position++, info, args), ...);
  std::fclose(index);
}

}  // namespace xpile::rt
