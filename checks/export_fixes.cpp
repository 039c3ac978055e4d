#include "checks/export_fixes.h"

#include "checks/rewrite_diagnostics.h"

#include <clang/Tooling/DiagnosticsYaml.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/YAMLTraits.h>

namespace xpile::checks {

namespace {

clang::tooling::DiagnosticMessage message(const CheckDiagnostic &d) {
  clang::tooling::DiagnosticMessage m;
  m.Message = d.message;
  m.FilePath = d.file.empty() ? std::string() : absolutePath(d.file);
  m.FileOffset = d.offset;
  for (const auto &fix : d.fixes) {
    clang::tooling::Replacement absolute(absolutePath(fix.getFilePath().str()), fix.getOffset(), fix.getLength(),
                                         fix.getReplacementText());
    llvm::consumeError(m.Fix[absolute.getFilePath()].add(absolute));
  }
  if (d.length) {
    clang::tooling::FileByteRange range;
    range.FilePath = m.FilePath;
    range.FileOffset = d.offset;
    range.Length = d.length;
    m.Ranges.push_back(range);
  }
  return m;
}

}  // namespace

std::string exportFixesYaml(const std::string &mainSourceFile, const std::vector<CheckDiagnostic> &diagnostics) {
  clang::tooling::TranslationUnitDiagnostics unit;
  unit.MainSourceFile = absolutePath(mainSourceFile);
  llvm::SmallString<256> cwd;
  llvm::sys::fs::current_path(cwd);
  for (const CheckDiagnostic &d : diagnostics) {
    llvm::SmallVector<clang::tooling::DiagnosticMessage, 1> notes;
    for (const auto &n : d.notes) notes.push_back(message(n));
    unit.Diagnostics.emplace_back(d.check, message(d), notes,
                                  d.level == CheckDiagnostic::Level::Error ? clang::tooling::Diagnostic::Error
                                                                           : clang::tooling::Diagnostic::Warning,
                                  std::string(cwd.str()));
  }
  std::string out;
  llvm::raw_string_ostream os(out);
  llvm::yaml::Output yaml(os);
  yaml << unit;
  os.flush();
  return out;
}

}  // namespace xpile::checks
