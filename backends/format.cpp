// clang-format as a library: the printers emit simply indented code and leave line breaking,
// spacing and alignment to Clang's formatter, so every dialect's output has the same style.
#include "backends/printer.h"

#include <clang/Format/Format.h>
#include <clang/Tooling/Core/Replacement.h>
#include <llvm/Support/Error.h>

namespace xpile::backends {

std::string formatSource(const std::string &code, bool isCxx) {
  clang::format::FormatStyle style = clang::format::getLLVMStyle(clang::format::FormatStyle::LK_Cpp);
  style.ColumnLimit = 100;
  style.IndentWidth = 2;
  // Include order is meaningful here (dialect headers first, then the source's, in source order).
  style.SortIncludes = clang::format::FormatStyle::SI_Never;
  // clang-format 16 has no C language mode; C is formatted as C++, and the C++-only rewrites
  // (which this style does not enable) are what would differ.
  (void)isCxx;

  std::vector<clang::tooling::Range> ranges = {clang::tooling::Range(0, static_cast<unsigned>(code.size()))};
  clang::tooling::Replacements replacements = clang::format::reformat(style, code, ranges, "xpile-output.cpp");
  llvm::Expected<std::string> formatted = clang::tooling::applyAllReplacements(code, replacements);
  if (!formatted) {
    llvm::consumeError(formatted.takeError());
    return code;
  }
  return *formatted;
}

}  // namespace xpile::backends
