#include "tools/xpile/command_line.h"
#include "tools/xpile/run_options.h"

#include <llvm/Support/raw_ostream.h>

namespace xpile::tools {

namespace cl = llvm::cl;


static cl::OptionCategory inputCategory("Input options");

static cl::opt<std::string> fromDialect("from", cl::desc("Dialect of the input (cuda, hip, bang, vnni, c); detected from "
                                                         "the file name and content by default"),
                                        cl::value_desc("dialect"), cl::cat(inputCategory), cl::sub(translateCommand()),
                                        cl::sub(dumpCommand()), cl::sub(runCommand()), cl::sub(verifyCommand()), cl::sub(checkCommand()), cl::sub(portCommand()));
static cl::list<std::string> includeDirs("I", cl::desc("Add a directory to the include search path"), cl::Prefix,
                                         cl::value_desc("dir"), cl::cat(inputCategory), cl::sub(translateCommand()),
                                         cl::sub(dumpCommand()), cl::sub(runCommand()), cl::sub(verifyCommand()), cl::sub(checkCommand()), cl::sub(portCommand()));
static cl::list<std::string> systemIncludeDirs("isystem", cl::desc("Add a system include directory"),
                                               cl::value_desc("dir"), cl::cat(inputCategory),
                                               cl::sub(translateCommand()), cl::sub(dumpCommand()), cl::sub(runCommand()), cl::sub(verifyCommand()), cl::sub(checkCommand()), cl::sub(portCommand()));
static cl::list<std::string> defines("D", cl::desc("Define a macro (NAME or NAME=VALUE)"), cl::Prefix,
                                     cl::value_desc("macro"), cl::cat(inputCategory), cl::sub(translateCommand()),
                                     cl::sub(dumpCommand()), cl::sub(runCommand()), cl::sub(verifyCommand()), cl::sub(checkCommand()), cl::sub(portCommand()));
static cl::list<std::string> undefines("U", cl::desc("Undefine a macro"), cl::Prefix, cl::value_desc("macro"),
                                       cl::cat(inputCategory), cl::sub(translateCommand()), cl::sub(dumpCommand()), cl::sub(runCommand()), cl::sub(verifyCommand()), cl::sub(checkCommand()), cl::sub(portCommand()));
static cl::opt<std::string> buildDir("p", cl::desc("Build directory with compile_commands.json: the input's -I/-D flags "
                                                   "are taken from it"),
                                     cl::value_desc("build-dir"), cl::cat(inputCategory), cl::sub(translateCommand()),
                                     cl::sub(dumpCommand()), cl::sub(runCommand()), cl::sub(verifyCommand()), cl::sub(checkCommand()), cl::sub(portCommand()));
static cl::list<std::string> extraArgs("extra-arg", cl::desc("Additional argument to append to the Clang command line"),
                                       cl::value_desc("arg"), cl::cat(inputCategory), cl::sub(translateCommand()),
                                       cl::sub(dumpCommand()), cl::sub(checkCommand()), cl::sub(portCommand()));
static cl::opt<bool> noWarnings("w", cl::desc("Suppress Clang's warnings about the input"), cl::cat(inputCategory),
                                cl::sub(translateCommand()), cl::sub(dumpCommand()), cl::sub(runCommand()), cl::sub(verifyCommand()), cl::sub(checkCommand()), cl::sub(portCommand()));

std::string fromDialectName() { return fromDialect; }

frontends::ParseOptions parseOptionsFromFlags() {
  frontends::ParseOptions opts;
  if (!fromDialect.empty()) opts.dialect = ast::dialectFromName(fromDialect);
  for (auto &d : includeDirs) opts.extraArgs.push_back("-I" + d);
  for (auto &d : systemIncludeDirs) {
    opts.extraArgs.push_back("-isystem");
    opts.extraArgs.push_back(d);
  }
  for (auto &d : defines) opts.extraArgs.push_back("-D" + d);
  for (auto &d : undefines) opts.extraArgs.push_back("-U" + d);
  for (auto &a : extraArgs) opts.extraArgs.push_back(a);
  opts.compilationDatabaseDir = buildDir;
  opts.showWarnings = !noWarnings;
  return opts;
}

std::optional<ast::Module> parseInput(const std::string &path) {
  if (!fromDialect.empty() && !ast::dialectFromName(fromDialect)) {
    llvm::errs() << "xpile: error: unknown dialect '" << fromDialect << "' (expected cuda, hip, bang, vnni or c)\n";
    return std::nullopt;
  }
  frontends::ParseResult result = frontends::parseFile(path, parseOptionsFromFlags());
  llvm::errs() << result.diagnostics;
  if (!result.module) {
    if (result.errorCount) llvm::errs() << result.errorCount << (result.errorCount == 1 ? " error" : " errors") << " generated.\n";
    return std::nullopt;
  }
  return std::move(result.module);
}

}  // namespace xpile::tools
