// Helpers shared by the pass tests: parse a snippet of any dialect, print a module, and verify a
// transformed module against the original by running both on the executors.
#pragma once

#include "ast/module.h"
#include "backends/exec/verification.h"

#include <string>
#include <vector>

namespace xpile::passes::test {

// Parses `source` as the file `name` (its extension picks the dialect); fails the test on errors.
ast::Module parse(const std::string &name, const std::string &source);

// The module printed for its own dialect (clang-formatted); fails the test on print errors.
std::string print(const ast::Module &m);

// Runs entry function `entry` of `before` and of `after` on the same random inputs (2 seeds plus
// edge values) and compares every buffer. `args` in the --arg language: {"f32[256]:rand", "i32:256"}.
exec::Verdict verifyEntry(const ast::Module &before, const ast::Module &after, const std::string &entry,
                          const std::vector<std::string> &args, double rtol = -1, double atol = -1);

}  // namespace xpile::passes::test
