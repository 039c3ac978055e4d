// The xpile program: one binary, one subcommand per job, --help for each.
#include "tools/xpile/command_line.h"
#include "tools/xpile/run_options.h"

#include <llvm/Support/InitLLVM.h>
#include <llvm/Support/raw_ostream.h>

using namespace xpile;

static void printVersion(llvm::raw_ostream &os) {
  os << "xpile " << XPILE_VERSION << " (Clang/LLVM " << LLVM_VERSION_STRING << ")\n";
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  llvm::cl::SetVersionPrinter(printVersion);
  llvm::cl::HideUnrelatedOptions({});
  llvm::cl::ParseCommandLineOptions(
      argc, argv,
      "xpile: a neural-symbolic transcompiler for tensor programs (CUDA, HIP, BANG C, C with VNNI, C)\n\n"
      "  xpile translate FILE --to DIALECT [-o OUT]   translate a file (cuda, hip, vnni, c), verified\n"
      "  xpile dump FILE [--json]                      print the shared AST\n"
      "  xpile run FILE [--kernel K | --entry F] ...   run on this CPU with the dialect's executor\n"
      "  xpile verify A B [--kernel K ...]             run both on identical inputs, compare buffers\n"
      "  xpile port SRC --to hip --out-dir DIR        port a CUDA tree (sources and build files) to HIP\n"
      "  xpile check FILE... [--to hip]               clang-tidy-style portability checks, fix-its\n"
      "  xpile corpus [--check | --translate]          list the corpus / check every version / translate it\n\n"
      "  Run `xpile SUBCOMMAND --help` for the options of a subcommand.\n");
  if (tools::translateCommand()) return tools::runTranslate();
  if (tools::dumpCommand()) return tools::runDump();
  if (tools::runCommand()) return tools::runRun();
  if (tools::verifyCommand()) return tools::runVerify();
  if (tools::corpusCommand()) return tools::runCorpus();
  if (tools::portCommand()) return tools::runPort();
  if (tools::checkCommand()) return tools::runCheck();
  llvm::errs() << "xpile: error: no subcommand given; run `xpile --help`\n";
  return 2;
}
