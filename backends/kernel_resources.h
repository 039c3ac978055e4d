// The on-chip memory a kernel uses, found in the shared AST: the static __shared__ arrays (CUDA/HIP)
// or __nram__/__wram__/__mlu_shared__ data (BANG) of the kernel itself, of the device functions it
// calls (transitively), and of the file-scope buffers any of them reference. Executors check these
// against the platform's capacity, as the real compilers and chips do. Also the thread-private
// arrays of the kernel and its callees, for which the SIMT executor sizes each GPU thread's stack.
#pragma once

#include "ast/module.h"

#include <cstdint>
#include <vector>

namespace xpile::backends {

struct KernelResources {
  std::vector<ast::TypePtr> shared, nram, wram, sram;  // one entry per buffer (its declared type)
  std::vector<ast::TypePtr> local;                     // per-thread arrays (not static)
};

KernelResources kernelResources(const ast::Module &m, const ast::Function &kernel);

// Size in bytes of a buffer of the shared AST (arrays of scalars, vectors, pointers); 0 for named
// types, whose size only the compiler knows.
int64_t bufferBytes(const ast::Type &type);

}  // namespace xpile::backends
