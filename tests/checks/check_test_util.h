// Running the checks over a hand-written source and reading the findings as short strings:
// "line:col: check: message" for each diagnostic, then "  note line:col: message" for its notes.
#pragma once

#include "checks/check_runner.h"

#include <string>
#include <vector>

namespace xpile::checks::test {

inline std::vector<std::string> findings(const FileCheckResult &result) {
  std::vector<std::string> out;
  for (const auto &d : result.diagnostics) {
    out.push_back(std::to_string(d.line) + ":" + std::to_string(d.column) + ": " + d.check + ": " + d.message);
    for (const auto &n : d.notes)
      out.push_back("  note " + std::to_string(n.line) + ":" + std::to_string(n.column) + ": " + n.message);
  }
  return out;
}

inline FileCheckResult runChecks(const std::string &path, const std::string &source, const std::string &checks,
                                 std::optional<ast::Dialect> target = std::nullopt) {
  CheckRunOptions options;
  options.checks = checks;
  options.target = target;
  options.parse.lower = false;
  return checkSource(path, source, options);
}

}  // namespace xpile::checks::test
