#include "checks/kernel_memory.h"

#include "backends/kernel_resources.h"

namespace xpile::checks {

int64_t bufferBytes(const ast::Type &type) {
  switch (type.kind) {
  case ast::Type::Kind::Scalar: return ast::scalarTypeBytes(type.scalar);
  case ast::Type::Kind::Vector: return int64_t(ast::scalarTypeBytes(type.scalar)) * type.lanes;
  case ast::Type::Kind::Array: return type.extent && type.element ? *type.extent * bufferBytes(*type.element) : 0;
  case ast::Type::Kind::Pointer: return 8;
  default: return 0;
  }
}

KernelMemory kernelMemory(const ast::Module &module, const ast::Function &kernel) {
  backends::KernelResources r = backends::kernelResources(module, kernel);
  auto total = [](const std::vector<ast::TypePtr> &buffers) {
    int64_t bytes = 0;
    for (const auto &t : buffers) bytes += t ? bufferBytes(*t) : 0;
    return bytes;
  };
  return {total(r.shared), total(r.nram), total(r.wram), total(r.sram)};
}

}  // namespace xpile::checks
