// Placeholder, replaced by the real subcommand.
#include "tools/xpile/command_line.h"

#include <llvm/Support/raw_ostream.h>

namespace xpile::tools {

llvm::cl::SubCommand checkCommand("check", "placeholder");

int runCheck() {
  llvm::errs() << "xpile check: error: not implemented yet\n";
  return 2;
}

}  // namespace xpile::tools
