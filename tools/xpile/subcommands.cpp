#include "tools/xpile/subcommands.h"

namespace xpile::tools {

namespace cl = llvm::cl;

cl::SubCommand &translateCommand() {
  static cl::SubCommand s("translate", "Translate a source file into another dialect");
  return s;
}
cl::SubCommand &dumpCommand() {
  static cl::SubCommand s("dump", "Print the shared AST of a source file");
  return s;
}
cl::SubCommand &runCommand() {
  static cl::SubCommand s("run", "Run a program, a kernel or a host function on this CPU with xpile's executors");
  return s;
}
cl::SubCommand &verifyCommand() {
  static cl::SubCommand s("verify", "Run two programs on identical inputs and compare every buffer");
  return s;
}
cl::SubCommand &corpusCommand() {
  static cl::SubCommand s("corpus", "List the operator corpus, or check every version against its C reference");
  return s;
}
cl::SubCommand &portCommand() {
  static cl::SubCommand s("port", "Port a CUDA source tree (sources, headers, CMake and Makefiles) to HIP");
  return s;
}
cl::SubCommand &checkCommand() {
  static cl::SubCommand s("check", "Portability checks in clang-tidy's form: what breaks when the code moves to "
                                   "another platform, with fix-its");
  return s;
}

}  // namespace xpile::tools
