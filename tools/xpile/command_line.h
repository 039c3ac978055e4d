// Options shared by the subcommands that read source files, declared once with LLVM's command-line
// library (the same library clang-tidy and every LLVM tool use, so --help looks familiar).
#pragma once

#include "frontends/frontend.h"

#include <llvm/Support/CommandLine.h>

namespace xpile::tools {

extern llvm::cl::SubCommand translateCommand;
extern llvm::cl::SubCommand dumpCommand;
extern llvm::cl::SubCommand corpusCommand;
extern llvm::cl::SubCommand portCommand;   // port_command.cpp
extern llvm::cl::SubCommand checkCommand;  // check_command.cpp

// --from, -I, -D, -U, -isystem, -p, --extra-arg for the subcommands that parse.
frontends::ParseOptions parseOptionsFromFlags();
// Parses one input, printing Clang's diagnostics on stderr; nullopt on any error.
std::optional<ast::Module> parseInput(const std::string &path);

int runTranslate();
int runDump();
int runCorpus();
int runPort();
int runCheck();

}  // namespace xpile::tools
