// `xpile translate FILE --to DIALECT [-o OUT] [--report R.json]`: parse, (translate), print.
// Today only the identity direction exists; other directions are refused with a clear error until
// the pass pipeline lands, never faked.
#include "backends/printer.h"
#include "tools/xpile/command_line.h"
#include "tools/xpile/output_file.h"

#include <llvm/Support/raw_ostream.h>
#include <nlohmann/json.hpp>

namespace xpile::tools {

namespace cl = llvm::cl;

static cl::OptionCategory translateCategory("Translation options");
static cl::opt<std::string> translateInput(cl::Positional, cl::desc("<source file>"), cl::Required,
                                           cl::sub(translateCommand));
static cl::opt<std::string> targetDialect("to", cl::desc("Target dialect: cuda, hip, bang, vnni or c"), cl::Required,
                                          cl::value_desc("dialect"), cl::cat(translateCategory),
                                          cl::sub(translateCommand));
static cl::opt<std::string> outputPath("o", cl::desc("Output file ('-' for stdout, the default)"),
                                       cl::value_desc("file"), cl::init("-"), cl::cat(translateCategory),
                                       cl::sub(translateCommand));
static cl::opt<std::string> reportPath("report", cl::desc("Write a JSON summary (dialects, spans carried unchanged)"),
                                       cl::value_desc("file.json"), cl::cat(translateCategory),
                                       cl::sub(translateCommand));
static cl::opt<bool> quiet("quiet", cl::desc("Do not list the spans carried unchanged on stderr"),
                           cl::cat(translateCategory), cl::sub(translateCommand));
static cl::opt<bool> noFormat("no-format", cl::desc("Do not run clang-format over the output"),
                              cl::cat(translateCategory), cl::sub(translateCommand));

int runTranslate() {
  auto target = ast::dialectFromName(targetDialect);
  if (!target) {
    llvm::errs() << "xpile: error: unknown target dialect '" << targetDialect
                 << "' (expected cuda, hip, bang, vnni or c)\n";
    return 2;
  }
  std::optional<ast::Module> module = parseInput(translateInput);
  if (!module) return 1;
  if (module->dialect != *target) {
    llvm::errs() << translateInput << ":1:1: error: translation from " << ast::dialectName(module->dialect) << " to "
                 << ast::dialectName(*target)
                 << " is not implemented yet; only the identity direction (--to "
                 << ast::dialectName(module->dialect) << ") is available\n";
    return 1;
  }

  backends::PrintOptions opts;
  opts.format = !noFormat;
  backends::PrintResult printed = backends::printModule(*module, *target, opts);
  for (const auto &e : printed.errors)
    llvm::errs() << (e.loc.valid() ? e.loc.str() : translateInput + ":1:1") << ": error: " << e.message << "\n";
  if (!printed.ok()) return 1;

  auto carried = module->carriedSpans();
  // Preprocessor directives are carried on purpose; code the model does not understand is worth a note.
  if (!quiet)
    for (const auto &span : carried)
      if (span.reason != "preprocessor directive")
        llvm::errs() << span.loc.str() << ": note: carried unchanged (" << span.reason << ")\n";

  if (!reportPath.empty()) {
    nlohmann::json spans = nlohmann::json::array();
    for (const auto &span : carried)
      spans.push_back({{"file", span.loc.file}, {"line", span.loc.line}, {"column", span.loc.column},
                       {"reason", span.reason}, {"text", span.text}});
    nlohmann::json report = {{"input", translateInput.getValue()},
                             {"from", ast::dialectName(module->dialect)},
                             {"to", ast::dialectName(*target)},
                             {"passes", nlohmann::json::array()},
                             {"verified", false},
                             {"verification", "not available yet (identity translation: parse and print only)"},
                             {"carried_spans", spans}};
    if (!writeOutput(reportPath, report.dump(2) + "\n", translateInput)) return 1;
  }
  return writeOutput(outputPath, printed.code, translateInput) ? 0 : 1;
}

}  // namespace xpile::tools
