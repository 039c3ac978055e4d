// `xpile check FILE... [--to DIALECT]`: clang-tidy for moving code between platforms. Diagnostics,
// exit status, NOLINT comments, .xpile configuration files and --export-fixes behave like
// clang-tidy's; the checks live in checks/.
#include "checks/check_config.h"
#include "checks/check_registry.h"
#include "checks/check_runner.h"
#include "checks/diagnostic_printer.h"
#include "checks/export_fixes.h"
#include "frontends/dialect_detection.h"
#include "tools/xpile/command_line.h"

#include <llvm/Support/FileSystem.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/raw_ostream.h>

namespace xpile::tools {

namespace cl = llvm::cl;


namespace {

cl::OptionCategory checkCategory("Check options");

cl::list<std::string> inputs(cl::Positional, cl::desc("FILE..."), cl::sub(checkCommand()));
cl::opt<std::string> targetDialect("to", cl::desc("Platform the code moves to (hip, cuda, bang, vnni, c); default: hip "
                                                  "for CUDA, cuda for HIP, the file's own dialect otherwise"),
                                   cl::value_desc("dialect"), cl::cat(checkCategory), cl::sub(checkCommand()));
cl::opt<std::string> checkGlobs("checks", cl::desc("Comma-separated globs of checks to run, appended to the .xpile file's "
                                                   "Checks (e.g. -*,portability-*)"),
                                cl::value_desc("globs"), cl::cat(checkCategory), cl::sub(checkCommand()));
cl::opt<std::string> warningsAsErrors("warnings-as-errors", cl::desc("Globs of checks whose warnings are errors"),
                                      cl::value_desc("globs"), cl::cat(checkCategory), cl::sub(checkCommand()));
cl::opt<std::string> exportFixes("export-fixes", cl::desc("Write the fix-its as YAML for clang-apply-replacements"),
                                 cl::value_desc("file.yaml"), cl::cat(checkCategory), cl::sub(checkCommand()));
cl::opt<bool> listChecks("list-checks", cl::desc("List the enabled checks and exit"), cl::cat(checkCategory),
                         cl::sub(checkCommand()));
cl::opt<bool> quiet("quiet", cl::desc("Do not print the summary lines"), cl::cat(checkCategory), cl::sub(checkCommand()));
cl::opt<std::string> projectRoot("project-root", cl::desc("Headers under this directory receive fix-its too "
                                                          "(default: the checked file only)"),
                                 cl::value_desc("dir"), cl::cat(checkCategory), cl::sub(checkCommand()));

std::optional<std::string> given(const cl::opt<std::string> &o) {
  return o.getNumOccurrences() ? std::optional<std::string>(o.getValue()) : std::nullopt;
}

// The input options shared with the other parsing subcommands (command_line.h); the checks need
// Clang's AST, and lower to the shared AST only where a check asks for it.
frontends::ParseOptions parseOptions() {
  frontends::ParseOptions opts = parseOptionsFromFlags();
  opts.lower = false;
  return opts;
}

// The configuration for `path` (the nearest .xpile) merged with the command line.
std::optional<checks::EffectiveConfig> configFor(const std::string &path) {
  std::string error;
  checks::CheckConfig file = checks::findCheckConfig(path, error);
  if (!error.empty()) {
    llvm::errs() << error;
    return std::nullopt;
  }
  return checks::mergeConfig(file, given(checkGlobs), given(warningsAsErrors), given(targetDialect));
}

std::optional<ast::Dialect> dialectNamed(const std::string &name) {
  auto d = ast::dialectFromName(name);
  if (!d) llvm::errs() << "xpile check: error: unknown dialect '" << name << "' (expected cuda, hip, bang, vnni or c)\n";
  return d;
}

int printEnabledChecks() {
  const std::string where = inputs.empty() ? std::string("./-") : inputs.front();
  auto config = configFor(where);
  if (!config) return 1;
  ast::Dialect source = ast::Dialect::CUDA;
  if (!fromDialectName().empty()) {
    auto d = dialectNamed(fromDialectName());
    if (!d) return 1;
    source = *d;
  } else if (!inputs.empty()) {
    auto buffer = llvm::MemoryBuffer::getFile(where, /*IsText=*/true);
    if (auto d = frontends::detectDialect(where, buffer ? (*buffer)->getBuffer().str() : "")) source = *d;
  }
  ast::Dialect target = checks::defaultTarget(source);
  if (config->target) {
    auto d = dialectNamed(*config->target);
    if (!d) return 1;
    target = *d;
  }
  llvm::outs() << "Enabled checks:\n";
  for (const checks::CheckInfo *info :
       checks::enabledChecks(checks::GlobList(config->checks), source, checks::targetLimits(target)))
    llvm::outs() << "    " << info->name << "\n";
  llvm::outs() << "\n";
  return 0;
}

}  // namespace

int runCheck() {
  if (!fromDialectName().empty() && !dialectNamed(fromDialectName())) return 1;
  if (listChecks) return printEnabledChecks();
  if (inputs.empty()) {
    llvm::errs() << "xpile check: error: no input files\n";
    return 1;
  }

  std::vector<checks::CheckDiagnostic> all;
  unsigned warnings = 0, promoted = 0, suppressed = 0, errors = 0;
  bool compilerErrors = false;
  for (const std::string &path : inputs) {
    auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/true);
    if (!buffer) {
      llvm::errs() << "xpile check: error: no such file or directory: '" << path << "' (" << buffer.getError().message()
                   << ")\n";
      compilerErrors = true;
      continue;
    }
    auto config = configFor(path);
    if (!config) return 1;
    checks::CheckRunOptions options;
    options.parse = parseOptions();
    options.checks = config->checks;
    options.warningsAsErrors = config->warningsAsErrors;
    if (config->target) {
      auto d = dialectNamed(*config->target);
      if (!d) return 1;
      options.target = *d;
    }
    options.projectRoot = projectRoot;
    const std::string source = (*buffer)->getBuffer().str();
    checks::FileCheckResult result = checks::checkSource(path, source, options);

    llvm::outs() << result.clangDiagnostics;
    if (!result.parsed) {
      compilerErrors = true;
      continue;
    }
    checks::printDiagnostics(result.diagnostics, {{path, source}}, llvm::outs());
    for (const auto &d : result.diagnostics) {
      if (d.warningAsError) ++promoted;
      if (d.level == checks::CheckDiagnostic::Level::Warning || d.warningAsError) ++warnings;
      else if (d.level == checks::CheckDiagnostic::Level::Error) ++errors;
    }
    suppressed += result.suppressedByNolint;
    all.insert(all.end(), result.diagnostics.begin(), result.diagnostics.end());
  }

  if (!exportFixes.empty()) {
    std::error_code ec;
    llvm::raw_fd_ostream out(exportFixes, ec, llvm::sys::fs::OF_Text);
    if (ec) {
      llvm::errs() << "xpile check: error: cannot write '" << exportFixes << "': " << ec.message() << "\n";
      return 1;
    }
    out << checks::exportFixesYaml(inputs.front(), all);
  }

  if (!quiet) {
    const unsigned generated = warnings + suppressed;
    if (generated) llvm::errs() << generated << (generated == 1 ? " warning" : " warnings") << " generated.\n";
    if (suppressed)
      llvm::errs() << "Suppressed " << suppressed << (suppressed == 1 ? " warning" : " warnings") << " (" << suppressed
                   << " NOLINT).\n";
  }
  if (promoted) llvm::errs() << promoted << (promoted == 1 ? " warning" : " warnings") << " treated as errors\n";
  if (compilerErrors) llvm::errs() << "Found compiler error(s).\n";
  return compilerErrors || errors || promoted ? 1 : 0;
}

}  // namespace xpile::tools
