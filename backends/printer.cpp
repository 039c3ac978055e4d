#include "backends/printer.h"

#include "backends/c_family_printer.h"

namespace xpile::backends {

PrintResult printModule(const ast::Module &m, ast::Dialect target, const PrintOptions &opts) {
  PrintResult r = makePrinter(m, target)->print();
  if (opts.format) r.code = formatSource(r.code, m.isCxx);
  return r;
}

}  // namespace xpile::backends
