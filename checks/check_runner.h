// Runs the enabled checks over one file: Clang's AST with xpile's exact parse configuration
// (frontends::runClangAction) for the matcher checks, the shared AST for the resource checks,
// porting::rewriteCudaToHip for the rewrite checks; then NOLINT comments and --warnings-as-errors.
#pragma once

#include "checks/check.h"
#include "frontends/frontend.h"

#include <optional>
#include <string>
#include <vector>

namespace xpile::checks {

struct CheckRunOptions {
  frontends::ParseOptions parse;
  std::string checks = "*";       // glob list of enabled checks
  std::string warningsAsErrors;   // glob list of checks whose warnings are errors
  std::optional<ast::Dialect> target;  // default: defaultTarget(source dialect)
  std::string projectRoot;        // headers under it may receive the rewrite's fix-its
};

struct FileCheckResult {
  ast::Dialect source = ast::Dialect::CUDA, target = ast::Dialect::HIP;
  bool parsed = false;            // false: Clang reported errors (in clangDiagnostics) and no check ran
  std::string clangDiagnostics;   // Clang's own diagnostics, already formatted
  unsigned clangErrors = 0, clangWarnings = 0;
  std::vector<CheckDiagnostic> diagnostics;  // sorted by file and offset; NOLINT ones removed
  unsigned suppressedByNolint = 0;
};

FileCheckResult checkSource(const std::string &path, const std::string &source, const CheckRunOptions &options);

}  // namespace xpile::checks
