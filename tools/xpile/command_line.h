// Options shared by the subcommands that read source files, declared once with LLVM's command-line
// library (the same library clang-tidy and every LLVM tool use, so --help looks familiar).
#pragma once

#include "tools/xpile/subcommands.h"

#include "frontends/frontend.h"

#include <llvm/Support/CommandLine.h>

namespace xpile::tools {


// --from, -I, -D, -U, -isystem, -p, --extra-arg for the subcommands that parse.
frontends::ParseOptions parseOptionsFromFlags();
// The --from flag as given (empty when absent), for subcommands that report an unknown dialect themselves.
std::string fromDialectName();
// Parses one input, printing Clang's diagnostics on stderr; nullopt on any error.
std::optional<ast::Module> parseInput(const std::string &path);

int runTranslate();
int runDump();
int runCorpus();
int runPort();
int runCheck();

}  // namespace xpile::tools
