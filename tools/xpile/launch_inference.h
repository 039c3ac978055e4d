// How to launch a CUDA/HIP kernel that `xpile translate --kernel NAME` was given without --launch,
// read from the kernel's own index arithmetic on the shared AST:
//  - the axes it uses (threadIdx/blockIdx .x, .y, .z);
//  - per axis, the global index `blockIdx.a * blockDim.a + threadIdx.a` (directly or through
//    locals) and the comparison that bounds it: a guard (`if (i < n)`, `if (row < M && col < N)`),
//    an early return (`if (i >= n) return;`) or a grid-stride loop (`for (...; i < n; i +=
//    blockDim.x * gridDim.x)`), whose bound is computed from the scalar --arg values (`n`,
//    `M * N`, ...): that is the axis' extent. A comparison of blockIdx.a alone counts blocks;
//  - the block: static __shared__ tiles with constant dimensions subscripted exactly by
//    threadIdx.x/y (`tile[threadIdx.y][threadIdx.x]`, never `threadIdx.x + 1`, the halo of a
//    stencil), then a constant block size in the index (`blockIdx.x * 16 + threadIdx.x`), then
//    __launch_bounds__ (spread over the axes left), else 256, 16x16 or 8x8x4 by the number of axes;
//  - the grid: each extent over the block (a grid-stride loop covers any grid: at most 1024 blocks);
//    an axis that uses blockIdx without a bound found covers what is left of the largest buffer.
// When the kernel shows none of this: the block from __launch_bounds__ (else 256) and grid.x covering
// the largest buffer with one thread per element. The note says where every number came from.
#pragma once

#include "ast/module.h"
#include "backends/exec/executor.h"

#include <string>
#include <vector>

namespace xpile::tools {

struct InferredLaunch {
  exec::LaunchSpec launch;  // grid and block set
  bool fromKernel = false;  // read from the kernel (false: the largest-buffer rule)
  std::string note;         // "launch configuration inferred ...; give --launch to set it"
};

// `args` are the --arg values in parameter order. A block in `given` (--launch block=, --block) is
// kept and the grid computed for it; a given grid is the caller's to keep.
InferredLaunch inferLaunch(const ast::Module &m, const ast::Function &kernel, const std::vector<exec::ArgSpec> &args,
                           const exec::LaunchSpec &given = {});

}  // namespace xpile::tools
