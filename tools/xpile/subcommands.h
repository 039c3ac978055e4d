// The subcommands of the xpile program. Each is a function-local static, constructed on first use:
// options in any source file name their subcommands during static initialisation, and a global
// SubCommand defined in another file may not be constructed yet at that point (the options would
// silently not be registered).
#pragma once

#include <llvm/Support/CommandLine.h>

namespace xpile::tools {

llvm::cl::SubCommand &translateCommand();
llvm::cl::SubCommand &dumpCommand();
llvm::cl::SubCommand &runCommand();
llvm::cl::SubCommand &verifyCommand();
llvm::cl::SubCommand &corpusCommand();
llvm::cl::SubCommand &portCommand();
llvm::cl::SubCommand &checkCommand();

}  // namespace xpile::tools
