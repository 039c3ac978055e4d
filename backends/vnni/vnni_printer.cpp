// C/C++ for x86 CPUs with DL Boost: plain C plus the AVX-512 / AVX-VNNI intrinsics of
// <immintrin.h>, multi-core through OpenMP pragmas.
#include "backends/c/c_printer.h"

namespace xpile::backends {

using namespace ast;

namespace {

class VnniPrinter : public CPrinter {
public:
  explicit VnniPrinter(const Module &m) : CPrinter(m, Dialect::VNNI) {}

protected:
  // <omp.h> is not a dialect header: it is kept exactly when the source included it.
  std::vector<Include> dialectIncludes() const override {
    std::vector<Include> incs = {{"immintrin.h", true, {}}};
    for (auto &inc : CPrinter::dialectIncludes()) incs.push_back(inc);
    return incs;
  }
};

}  // namespace

std::unique_ptr<CFamilyPrinter> makeVnniPrinter(const Module &m) { return std::make_unique<VnniPrinter>(m); }

}  // namespace xpile::backends
