#include "backends/printer.h"

#include "backends/c_family_printer.h"

#include <cctype>

namespace xpile::backends {

PrintResult printModule(const ast::Module &m, ast::Dialect target, const PrintOptions &opts) {
  auto printer = makePrinter(m, target);
  printer->setOptions(opts);
  PrintResult r = printer->print();
  if (opts.format) r.code = formatSource(r.code, m.isCxx);
  return r;
}

std::string kernelInfoName(const std::string &kernel, const std::vector<std::string> &templateArgs) {
  std::string name = "xpile_kernel_info_" + kernel;
  for (const auto &arg : templateArgs) {
    name += "_";
    for (char c : arg) name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  }
  return name;
}

}  // namespace xpile::backends
