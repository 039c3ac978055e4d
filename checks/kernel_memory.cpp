#include "checks/kernel_memory.h"

#include "backends/kernel_resources.h"

namespace xpile::checks {

KernelMemory kernelMemory(const ast::Module &module, const ast::Function &kernel) {
  backends::KernelResources r = backends::kernelResources(module, kernel);
  auto total = [](const std::vector<ast::TypePtr> &buffers) {
    int64_t bytes = 0;
    for (const auto &t : buffers) bytes += t ? backends::bufferBytes(*t) : 0;
    return bytes;
  };
  return {total(r.shared), total(r.nram), total(r.wram), total(r.sram)};
}

}  // namespace xpile::checks
