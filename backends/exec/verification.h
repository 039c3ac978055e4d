// Differential verification: two programs (a reference A and a candidate B, of any dialects) run on
// identical inputs and every buffer is compared with dtype-aware tolerances.
//   - With arguments (--kernel/--entry): random buffers get several seeds plus one run with edge
//     values; all buffer arguments are compared after each run.
//   - Whole programs: both main() run with every kernel launch recorded, and each launch's buffers
//     are compared in launch order.
#pragma once

#include "backends/exec/buffer_compare.h"
#include "backends/exec/executor.h"

#include <string>

namespace xpile::exec {

struct VerifyOptions {
  unsigned seeds = 3;
  double rtol = -1, atol = -1;  // < 0: the dtype's default (defaultTolerance)
  std::string nameA = "A", nameB = "B";  // how messages name the two programs
};

struct Verdict {
  bool pass = false;
  std::string message;  // the first mismatch or failure, or what was compared
  unsigned runs = 0, buffers = 0;
};

// `request` names the kernel/entry of A; `nameInB` the same computation's name in B.
Verdict verifyWithArguments(const ast::Module &a, const ast::Module &b, const RunRequest &request,
                            const std::string &nameInB, const VerifyOptions &options, const std::string &workDir);

// The general form: each program with its own request (e.g. a kernel launched with a grid in A, the
// host function loop recovery made of it in B, with the grid as leading scalar arguments). Buffer
// arguments must appear in the same order with the same specs in both requests.
Verdict verifyRequests(const ast::Module &a, const RunRequest &requestA, const ast::Module &b,
                       const RunRequest &requestB, const VerifyOptions &options, const std::string &workDir);

Verdict verifyWholePrograms(const ast::Module &a, const ast::Module &b, const RunRequest &request,
                            const VerifyOptions &options, const std::string &workDir);

}  // namespace xpile::exec
