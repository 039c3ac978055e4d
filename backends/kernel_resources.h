// The on-chip memory a kernel uses, found in the shared AST: the static __shared__ arrays (CUDA/HIP)
// or __nram__/__wram__/__mlu_shared__ data (BANG) of the kernel itself, of the device functions it
// calls (transitively), and of the file-scope buffers any of them reference. Executors check these
// against the platform's capacity, as the real compilers and chips do.
#pragma once

#include "ast/module.h"

#include <vector>

namespace xpile::backends {

struct KernelResources {
  std::vector<ast::TypePtr> shared, nram, wram, sram;  // one entry per buffer (its declared type)
};

KernelResources kernelResources(const ast::Module &m, const ast::Function &kernel);

}  // namespace xpile::backends
