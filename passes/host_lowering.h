// Host lowering: the CUDA/HIP runtime API of host code becomes plain CPU host code.
//
// Runs after loop recovery (no kernels, no launches left). Device memory is host memory (malloc,
// free, memcpy, memset), synchronization and stream/device management disappear, events time with
// C11 timespec_get, the error API always reports success (so CUDA_CHECK-style expansions fold
// away), and the runtime's types (cudaError_t, cudaStream_t, cudaEvent_t, dim3) get plain C
// spellings. What the API has that a CPU cannot mean (graphs, textures, occupancy queries, ...) is
// an error at the call.
#pragma once

#include "passes/pass.h"

namespace xpile::passes {

struct HostLoweringOptions {
  ast::Dialect target = ast::Dialect::C;  // C or VNNI
};

// Precondition: no Kernel functions and no Launch statements (error otherwise, at the location).
// Postcondition on success: no runtime calls, enumerators or types of CUDA/HIP remain, every
// function is a Host function, m.dialect == o.target. Records ctx.params["host_lowering.target"]
// and ctx.stats["host_lowering.*"]. Returns false (with errors in ctx) when something could not be
// mapped; the module is then left unchanged.
bool lowerHostCode(ast::Module &m, const HostLoweringOptions &o, PassContext &ctx);

}  // namespace xpile::passes
