// `xpile dump FILE [--json]`: the shared AST as readable text or JSON.
#include "ast/dump.h"
#include "tools/xpile/command_line.h"

#include <llvm/Support/raw_ostream.h>

namespace xpile::tools {

namespace cl = llvm::cl;

static cl::opt<std::string> dumpInput(cl::Positional, cl::desc("<source file>"), cl::Required, cl::sub(dumpCommand()));
static cl::opt<bool> asJson("json", cl::desc("Print the shared AST as JSON"), cl::sub(dumpCommand()));

int runDump() {
  std::optional<ast::Module> module = parseInput(dumpInput);
  if (!module) return 1;
  if (asJson) llvm::outs() << ast::toJson(*module).dump(2) << "\n";
  else llvm::outs() << ast::dumpText(*module);
  return 0;
}

}  // namespace xpile::tools
