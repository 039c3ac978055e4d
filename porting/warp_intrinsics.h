// CUDA warp intrinsics and their exact HIP 5.2 forms on 64-lane CDNA wavefronts, for the source
// rewriter. A CUDA warp of 32 lanes maps onto the 32-lane half of the wavefront a lane belongs to:
// shuffles take width 32 (confined to 32-lane segments, CUDA's semantics), ballots and votes read
// the lane's half of HIP's 64-bit ballot, `__syncwarp` is the wavefront barrier between fences,
// and `warpSize` reads 32. These are the textual forms of what passes/warp_size_portability.cpp
// (adaptWarpSize, 32 -> 64) builds on the shared AST; keep the two in step.
//
// HIP 5.2's collectives take no lane mask, so only calls whose mask is the full 32-bit mask map
// exactly; other masks (and __match_*, __reduce_*_sync, __uni_sync) have no exact form.
#pragma once

#include <optional>
#include <string>

namespace xpile::porting {

// The mask argument of a call, as Clang's constant evaluator saw it.
enum class WarpMask {
  None,     // the intrinsic takes no mask (the pre-CUDA-9 forms, __activemask)
  Full,     // constant-evaluates to 0xffffffff
  Partial,  // a constant, other than the full mask
  Unknown,  // not a constant (or dependent on a template parameter)
};

// How one call is rewritten: the callee's name token becomes `callee`, the mask argument (with its
// comma) is dropped when `dropMask`, `beforeRParen` goes before the closing parenthesis and
// `afterRParen` after it; `whole`, when set, replaces the entire call instead.
struct HipWarpCall {
  std::string callee;
  bool dropMask = false;
  std::string beforeRParen, afterRParen;
  std::optional<std::string> whole;
};

struct WarpCallMapping {
  std::optional<HipWarpCall> hip;  // empty: no exact HIP 5.2 form
  std::string why;                 // when empty: why (for a `hip-warp-size` diagnostic)
};

// Whether `name` is a CUDA warp-level intrinsic (a collective whose meaning depends on the warp size).
bool isCudaWarpIntrinsic(const std::string &name);

// The exact HIP form of a call to the CUDA warp intrinsic `name` with the given mask, written with
// `writtenArgs` arguments (default arguments not counted); `maskText` spells the mask for messages.
WarpCallMapping hipWarpCall(const std::string &name, WarpMask mask, unsigned writtenArgs, const std::string &maskText);

// CUDA's warp size, which `warpSize` reads in device code after the rewrite.
constexpr int kCudaWarpSize = 32;

}  // namespace xpile::porting
