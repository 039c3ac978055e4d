// Every check `xpile check` knows, by name, like clang-tidy's module registry. Each check lives in
// its own file and is listed once in check_registry.cpp.
#pragma once

#include "checks/check.h"
#include "checks/glob_list.h"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace xpile::checks {

struct CheckInfo {
  std::string name;
  std::string summary;  // one line, for --list-checks and docs/checks/index.md
  // Whether the check means anything when moving code of `source` to `target`.
  std::function<bool(ast::Dialect source, const TargetLimits &target)> appliesTo;
  std::function<std::unique_ptr<Check>(CheckContext &)> make;
};

const std::vector<CheckInfo> &checkRegistry();

// The registered checks that the glob list enables and that apply to the move, sorted by name.
std::vector<const CheckInfo *> enabledChecks(const GlobList &globs, ast::Dialect source, const TargetLimits &target);

}  // namespace xpile::checks
