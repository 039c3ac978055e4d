// Plain C (or C++ when the module is C++): sequential CPU code, OpenMP pragmas for parallel and
// vectorized loops, malloc/free/memcpy for the host runtime's allocation and copies. The VNNI
// printer derives from it and adds the x86 intrinsics header.
#pragma once

#include "backends/c_family_printer.h"

namespace xpile::backends {

class CPrinter : public CFamilyPrinter {
public:
  explicit CPrinter(const ast::Module &m, ast::Dialect d = ast::Dialect::C) : CFamilyPrinter(m, d) {}

protected:
  std::string halfName() const override { return "_Float16"; }
  std::string bfloat16Name() const override { return "__bf16"; }
  std::string functionSpecifiers(const ast::Function &f) override;
  std::optional<std::string> memSpaceQualifier(ast::MemSpace space, bool atFileScope) const override;
  bool hasParallelAxes() const override { return false; }
  std::vector<std::string> forPragmas(const ast::For &f) override;
  void printHostAlloc(const ast::HostAlloc &s) override;
  void printHostFree(const ast::HostFree &s) override;
  void printHostCopy(const ast::HostCopy &s) override;
  void printHostSync(const ast::HostSync &s) override {}  // a sequential program has nothing to wait for
  std::vector<ast::Include> dialectIncludes() const override;
};

}  // namespace xpile::backends
