#include "backends/c/c_printer.h"

namespace xpile::backends {

using namespace ast;

// Kernel/device qualifiers have no meaning on a CPU. A forced-inline helper becomes `inline` (and,
// in C, `static inline`, since a C `inline` function alone provides no external definition).
std::string CPrinter::functionSpecifiers(const Function &f) {
  Function g = f;
  if (f.forceInline) {
    g.isInline = true;
    if (!cxx() && !f.isExternC) g.isStatic = true;
  }
  return CFamilyPrinter::functionSpecifiers(g);
}

// CPU memory is one space: device globals and constants become plain globals.
std::optional<std::string> CPrinter::memSpaceQualifier(MemSpace space, bool) const {
  switch (space) {
  case MemSpace::Default: case MemSpace::Local: case MemSpace::Global: case MemSpace::Constant: return std::string();
  default: return std::nullopt;
  }
}

std::vector<std::string> CPrinter::forPragmas(const For &f) {
  switch (f.forKind) {
  case ForKind::Parallel:
    return {"#pragma omp parallel for" + (f.parallelClauses.empty() ? "" : " " + f.parallelClauses)};
  case ForKind::Vectorized: return {"#pragma omp simd"};
  default: return CFamilyPrinter::forPragmas(f);
  }
}

void CPrinter::printHostAlloc(const HostAlloc &s) {
  usage_.malloc = true;
  std::string ptr = expr(s.pointer, kPrecAssign), bytes = expr(s.bytes, kPrecAssign);
  const TypePtr &type = s.pointer ? s.pointer->type : nullptr;
  // C converts void * implicitly; C++ needs the pointer's type (decltype when it is unknown).
  std::string cast = type && type->kind == Type::Kind::Pointer ? "(" + typeName(type) + ")"
                     : cxx()                                   ? "(decltype(" + ptr + "))"
                                                               : "";
  line(ptr + " = " + cast + "malloc(" + bytes + ");");
}

void CPrinter::printHostFree(const HostFree &s) {
  usage_.malloc = true;
  line("free(" + expr(s.pointer, kPrecAssign) + ");");
}

void CPrinter::printHostCopy(const HostCopy &s) {
  usage_.memcpy = true;
  // A symbol is a variable, not a pointer: copy to or from its address.
  std::string dst = s.toSymbol ? "&" + expr(s.dst, kPrecUnary) : expr(s.dst, kPrecAssign);
  std::string src = s.fromSymbol ? "&" + expr(s.src, kPrecUnary) : expr(s.src, kPrecAssign);
  line("memcpy(" + dst + ", " + src + ", " + expr(s.bytes, kPrecAssign) + ");");
}

std::vector<Include> CPrinter::dialectIncludes() const {
  std::vector<Include> incs;
  if (usage_.malloc && !hasInclude("stdlib.h") && !hasInclude("cstdlib")) incs.push_back({"stdlib.h", true, {}});
  if (usage_.memcpy && !hasInclude("string.h") && !hasInclude("cstring")) incs.push_back({"string.h", true, {}});
  return incs;
}

std::unique_ptr<CFamilyPrinter> makeCPrinter(const Module &m) { return std::make_unique<CPrinter>(m); }

}  // namespace xpile::backends
