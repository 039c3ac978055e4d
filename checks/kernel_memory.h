// Static on-chip bytes of a kernel, from the executors' own analysis of the shared AST
// (backends::kernelResources: the kernel, the device functions it calls, the file-scope buffers
// it references).
#pragma once

#include "ast/module.h"

#include <cstdint>

namespace xpile::checks {

struct KernelMemory {
  int64_t shared = 0, nram = 0, wram = 0, sram = 0;
};

KernelMemory kernelMemory(const ast::Module &module, const ast::Function &kernel);

}  // namespace xpile::checks
