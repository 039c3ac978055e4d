// Matrix cores between CUDA (nvcuda::wmma, warp-wide 32-lane collectives) and HIP on CDNA
// (__builtin_amdgcn_mfma_*, 64-lane wavefront collectives with gfx90a lane layouts).
//
// CUDA -> HIP: the program keeps its wmma code; the pass emits a wmma-compatible device
// implementation (namespace nvcuda::wmma, m16n16k16, f16 -> f32 and s8/u8 -> s32) into the
// output. Its layout: a 16x16 fragment is 8 elements per lane of a 32-lane warp, element i of lane
// l being the tile's row-major element l + 32 i; mma_sync exchanges operands with width-32
// shuffles, so each 32-lane half of a wavefront is one CUDA warp, exactly as adaptWarpSize makes
// the rest of the kernel. Correct by construction, slower than mfma.
//
// HIP -> CUDA: an mfma operand/result is spread over 64 lanes; 32-lane warps cannot hold it. Each
// __builtin_amdgcn_mfma_* call is an error naming it (the planner then goes through plain C).
#pragma once

#include "passes/pass.h"

namespace xpile::passes {

struct MatrixCoreOptions {
  ast::Dialect target = ast::Dialect::HIP;
};

bool mapMatrixCores(ast::Module &m, const MatrixCoreOptions &o, PassContext &ctx);

}  // namespace xpile::passes
