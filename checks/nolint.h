// clang-tidy's suppression comments, found by Clang's raw lexer over the comments of a file:
//   // NOLINT                  this line, every check
//   // NOLINT(hip-*,bang-x)    this line, checks matching the globs
//   // NOLINTNEXTLINE(...)     the next line
//   // NOLINTBEGIN(...) ... // NOLINTEND(...)   the lines between, inclusive
// An NOLINTEND without its NOLINTBEGIN (same check list), or the reverse, is an error, as in clang-tidy.
#pragma once

#include "checks/check.h"

#include <llvm/ADT/StringRef.h>

#include <string>
#include <vector>

namespace xpile::checks {

// The check name under which unmatched NOLINTBEGIN/NOLINTEND comments are reported.
constexpr const char *kNolintCheckName = "xpile-nolint";

class NolintComments {
public:
  NolintComments(const std::string &file, llvm::StringRef contents);
  // Whether a diagnostic of `check` on 1-based `line` is suppressed.
  bool suppresses(unsigned line, const std::string &check) const;
  // Unmatched NOLINTBEGIN / NOLINTEND comments, as errors of kNolintCheckName.
  const std::vector<CheckDiagnostic> &errors() const { return errors_; }

private:
  struct Region {
    unsigned firstLine, lastLine;
    std::string checks;  // the glob list between the parentheses; "*" when there were none
  };
  std::vector<Region> regions_;
  std::vector<CheckDiagnostic> errors_;
};

// 1-based line and column of a byte offset.
void lineAndColumn(llvm::StringRef contents, unsigned offset, unsigned &line, unsigned &column);

}  // namespace xpile::checks
