#include "porting/warp_intrinsics.h"

#include <set>

namespace xpile::porting {

namespace {

bool endsWith(const std::string &s, const std::string &suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool isShuffle(const std::string &plain) {
  return plain == "__shfl" || plain == "__shfl_up" || plain == "__shfl_down" || plain == "__shfl_xor";
}

// The lane's 32-lane half of HIP's 64-bit ballot, opened around `__ballot(`: the call's own
// arguments and closing parenthesis follow, then `kHalfClose`.
const char *kHalfOpen = "(unsigned)(__ballot";
const char *kHalfClose = " >> (__lane_id() & 32))";
// Every active lane of the half, as a 32-bit mask (CUDA's __activemask()).
const char *kActiveHalf = "(unsigned)(__ballot(1) >> (__lane_id() & 32))";

}  // namespace

bool isCudaWarpIntrinsic(const std::string &name) {
  static const std::set<std::string> names = {
      "__shfl_sync",      "__shfl_up_sync",    "__shfl_down_sync",  "__shfl_xor_sync",   "__shfl",
      "__shfl_up",        "__shfl_down",       "__shfl_xor",        "__ballot_sync",     "__ballot",
      "__any_sync",       "__all_sync",        "__any",             "__all",             "__uni_sync",
      "__activemask",     "__syncwarp",        "__match_any_sync",  "__match_all_sync",  "__reduce_add_sync",
      "__reduce_min_sync", "__reduce_max_sync", "__reduce_and_sync", "__reduce_or_sync", "__reduce_xor_sync"};
  return names.count(name) > 0;
}

WarpCallMapping hipWarpCall(const std::string &name, WarpMask mask, unsigned writtenArgs, const std::string &maskText) {
  WarpCallMapping m;
  const bool sync = endsWith(name, "_sync");
  const std::string plain = sync ? name.substr(0, name.size() - 5) : name;
  auto none = [&](const std::string &why) {
    m.why = "'" + name + "' " + why + "; no exact HIP 5.2 form on 64-lane wavefronts";
    return m;
  };

  if (plain == "__match_any" || plain == "__match_all" || plain.rfind("__reduce_", 0) == 0 || plain == "__uni")
    return none("has no HIP 5.2 counterpart");
  // HIP 5.2's collectives take no mask: dropping the full mask keeps CUDA's meaning; any other
  // mask names a subset of lanes (and their convergence) that HIP cannot express.
  if (sync || name == "__syncwarp") {
    if (mask == WarpMask::Partial) return none("with lane mask " + maskText + " (not the full 32-lane mask)");
    if (mask == WarpMask::Unknown)
      return none("with lane mask '" + maskText + "', which is not a constant equal to the full 32-lane mask");
  }

  HipWarpCall h;
  h.dropMask = sync && mask == WarpMask::Full;
  if (isShuffle(plain)) {
    const unsigned valueArgs = writtenArgs - (sync ? 1 : 0);
    if (valueArgs < 2 || valueArgs > 3) return none("has an unexpected number of arguments");
    h.callee = plain;
    // Width 32 confines the shuffle to 32-lane segments of the wavefront; a written width (at
    // most 32 in CUDA) means the same on HIP.
    if (valueArgs == 2) h.beforeRParen = ", " + std::to_string(kCudaWarpSize);
  } else if (plain == "__ballot") {
    h.callee = kHalfOpen;
    h.afterRParen = kHalfClose;
  } else if (plain == "__any") {
    h.callee = std::string("(int)(") + kHalfOpen;
    h.afterRParen = std::string(kHalfClose) + " != 0u)";
  } else if (plain == "__all") {
    h.callee = std::string("(int)(") + kHalfOpen;
    h.afterRParen = std::string(kHalfClose) + " == " + kActiveHalf + ")";
  } else if (name == "__activemask") {
    h.whole = kActiveHalf;
  } else if (name == "__syncwarp") {
    // HIP 5.2 has no __syncwarp: a wavefront runs in lockstep, so the barrier is the compiler's
    // wave barrier between release/acquire fences at wavefront scope (HIP 6's definition).
    h.whole = "(__builtin_amdgcn_fence(__ATOMIC_RELEASE, \"wavefront\"), __builtin_amdgcn_wave_barrier(), "
              "__builtin_amdgcn_fence(__ATOMIC_ACQUIRE, \"wavefront\"))";
  } else {
    return none("is not a known warp intrinsic");
  }
  m.hip = std::move(h);
  return m;
}

}  // namespace xpile::porting
