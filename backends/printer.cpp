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

const char *executorHeader(ast::Dialect d) {
  switch (d) {
  case ast::Dialect::CUDA: return "xpile_cuda.h";
  case ast::Dialect::HIP: return "xpile_hip.h";
  case ast::Dialect::BANG: return "xpile_bang.h";
  case ast::Dialect::VNNI: case ast::Dialect::C: return "xpile_cpu.h";
  }
  return "xpile_cpu.h";
}

std::string kernelInfoName(const std::string &kernel, const std::vector<std::string> &templateArgs) {
  // A qualified kernel (`minidl::k`) has its KernelInfo in the same namespace.
  size_t sep = kernel.rfind("::");
  std::string qualifier = sep == std::string::npos ? "" : kernel.substr(0, sep + 2);
  std::string name = qualifier + "xpile_kernel_info_" + (sep == std::string::npos ? kernel : kernel.substr(sep + 2));
  for (const auto &arg : templateArgs) {
    name += "_";
    for (char c : arg) name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  }
  return name;
}

}  // namespace xpile::backends
