// Warp-size portability between CUDA (warps of 32) and HIP on CDNA (wavefronts of 64).
//
// 32 -> 64 (CUDA -> HIP): the program keeps its 32-lane meaning on 64-lane wavefronts. Every
// collective is confined to the 32-lane half of the wavefront the lane belongs to: shuffles get an
// explicit width of 32 (`__shfl_xor(v, o, 32)`; HIP 5.2's shuffles take no mask, so full masks are
// dropped), ballots/votes read the lane's half of the 64-bit ballot
// (`(unsigned)(__ballot(p) >> (__lane_id() & 32))`), `warpSize` reads become 32, and `__syncwarp`
// becomes the wavefront barrier with its fences. Lane arithmetic with literal 32s (`tid % 32`,
// `tid / 32`) then stays consistent and is only counted.
//
// 64 -> 32 (HIP -> CUDA): a collective is kept only when it provably stays inside 32 lanes (an
// explicit width <= 32, or an xor offset whose every value is < 32) or is written in terms of
// `warpSize` (warp-size generic code: CUDA's warpSize is 32); 64-bit ballots, votes over the
// wavefront, shifts across the 32-lane boundary and wavefront barriers need 64 lanes and are
// errors naming the collective (the planner then takes the route through plain C).
//
// Both directions: __launch_bounds__ over 1024 threads is an error; its second argument (CUDA: min
// blocks per SM, HIP: min waves per EU) is converted (CUDA -> HIP) or dropped (HIP -> CUDA) with a
// note; static shared memory over the target's limit (CUDA 48 KiB, gfx90a 64 KiB LDS) is an error.
// Every hazard found is counted in ctx.stats.
#pragma once

#include "passes/pass.h"

namespace xpile::passes {

struct WarpSizeOptions {
  // 0: the dialect's (CUDA 32, HIP/CDNA 64), taken from ctx.source / ctx.target.
  int sourceWarp = 0, targetWarp = 0;
};

bool adaptWarpSize(ast::Module &m, const WarpSizeOptions &o, PassContext &ctx);

}  // namespace xpile::passes
