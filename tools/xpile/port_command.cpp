// Placeholder, replaced by the real subcommand.
#include "tools/xpile/command_line.h"

#include <llvm/Support/raw_ostream.h>

namespace xpile::tools {

llvm::cl::SubCommand portCommand("port", "placeholder");

int runPort() {
  llvm::errs() << "xpile port: error: not implemented yet\n";
  return 2;
}

}  // namespace xpile::tools
