#include "checks/rewrite_diagnostics.h"

#include <llvm/Support/FileSystem.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/Path.h>

namespace xpile::checks {

std::string absolutePath(const std::string &path) {
  llvm::SmallString<256> p(path);
  llvm::sys::fs::make_absolute(p);
  llvm::sys::path::remove_dots(p, /*remove_dot_dot=*/true);
  return std::string(p.str());
}

std::string fileContents(const CheckContext &context, const std::string &file) {
  if (absolutePath(file) == absolutePath(context.mainFile)) return context.mainSource;
  auto buffer = llvm::MemoryBuffer::getFile(file, /*IsText=*/true);
  return buffer ? (*buffer)->getBuffer().str() : std::string();
}

CheckDiagnostic fromRewriterDiagnostic(const porting::Diagnostic &d, const std::string &defaultCheck) {
  CheckDiagnostic out;
  switch (d.level) {
  case porting::Diagnostic::Level::Note: out.level = CheckDiagnostic::Level::Note; break;
  case porting::Diagnostic::Level::Warning: out.level = CheckDiagnostic::Level::Warning; break;
  case porting::Diagnostic::Level::Error: out.level = CheckDiagnostic::Level::Error; break;
  }
  out.check = d.check.empty() ? defaultCheck : d.check;
  out.file = d.file;
  out.offset = d.offset;
  out.line = d.line;
  out.column = d.column;
  out.message = d.message;
  out.fixes = d.fixes;
  for (const auto &n : d.notes) out.notes.push_back(fromRewriterDiagnostic(n, out.check));
  return out;
}

}  // namespace xpile::checks
