// Loop recovery: the parallel axes of a SIMT program become explicit sequential loops.
//
// For a CUDA or HIP module every kernel `K(params)` becomes a host function
//
//     void K(unsigned grid_x, unsigned grid_y, unsigned grid_z,
//            unsigned block_x, unsigned block_y, unsigned block_z,
//            [size_t dynamic_shared_bytes,]   // only when K uses `extern __shared__`
//            params...)
//
// whose body loops over the blocks (z, y, x; `For::independent` unless the kernel used atomics)
// and, inside each block, over the block's threads. Barriers and warp collectives split the body
// into phases, each its own thread loop (loop fission at barriers, as in MCUDA); locals live across
// a phase boundary become per-thread arrays indexed by the linear thread id; control flow around
// barriers is executed once per block when it is uniform, and through per-thread flags otherwise.
// Matrix cores (matrix_core_recovery.h): wmma fragments become per-warp arrays, mma_sync and the six
// mfma builtins are warp-collective phases with the executors' semantics and gfx90a lane layouts.
// Launches become calls. Device helpers become host functions, except those containing barriers,
// warp collectives or thread indices, which are inlined. The module keeps its dialect (host API
// calls stay), so the result runs on the same executor as the original.
//
// In every dialect, OpenMP `parallel for` loops become serial loops marked independent (unless they
// have a reduction clause); other OpenMP directives (carried verbatim) are dropped.
#pragma once

#include "ast/module.h"
#include "passes/pass.h"

namespace xpile::passes {

struct LoopRecoveryOptions {
  int warpSize = 0;  // 0: the module's dialect (32 for CUDA, 64 for HIP)
};

// Returns false (module unchanged, errors in ctx) when a construct cannot be recovered correctly:
// unsupported warp operations, wmma beyond fill/load/store/mma_sync (saturation, tf32 products,
// fragments copied as a whole), mfma with cbsz/abid/blgp or on 32-lane warps, `return` inside a
// loop of a kernel, non-canonical loop headers containing collectives, ...
bool recoverLoops(ast::Module &m, const LoopRecoveryOptions &o, PassContext &ctx);

}  // namespace xpile::passes
