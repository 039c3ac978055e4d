// Options shared by `xpile run` and `xpile verify`: what to run (--kernel / --entry), its launch
// configuration, its arguments (--arg), and the executor's settings.
#pragma once

#include "tools/xpile/subcommands.h"

#include "backends/exec/executor.h"

#include <llvm/Support/CommandLine.h>

namespace xpile::tools {


// Builds the request from the flags; false (after printing `xpile: error: ...`) on bad flags.
bool runRequestFromFlags(exec::RunRequest &request);
// The kernel name for the second file of `verify` (--kernel-b, else --kernel).
std::string secondKernelName();
bool hasArgFlags();
// Parses X[,Y[,Z]] (positive integers; missing dimensions are 1) into `dims`; "" or why not.
std::string parseDimList(const std::string &text, unsigned dims[3]);

int runRun();
int runVerify();

}  // namespace xpile::tools
