// `xpile translate FILE --to DIALECT [-o OUT]`: parse, run the direction's passes (each verified
// against the program before it on the executors), print for the target, verify the output against
// the input, write the output, its launch sidecar and (on request) a report and a per-pass trace.
//
// Exit status: 0 only when the output is complete and verified (or --no-verify was given); 1 when a
// pass could not translate the input (nothing written) or the output could not be verified (the
// output is written, with an error saying what was not verified and why).
#include "ast/visitor.h"
#include "backends/printer.h"
#include "passes/translation_plan.h"
#include "tools/xpile/command_line.h"
#include "tools/xpile/given_extents.h"
#include "tools/xpile/output_file.h"
#include "tools/xpile/source_preserving_translation.h"
#include "tools/xpile/translation_verification.h"
#include "tools/xpile/unified_diff.h"
#include "tools/xpile/work_dir.h"

#include <llvm/Support/FileSystem.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/Path.h>
#include <llvm/Support/raw_ostream.h>
#include <nlohmann/json.hpp>

#include <unistd.h>

namespace xpile::tools {

namespace cl = llvm::cl;

static cl::OptionCategory translateCategory("Translation options");
static cl::opt<std::string> translateInput(cl::Positional, cl::desc("<source file>"), cl::Required,
                                           cl::sub(translateCommand()));
static cl::opt<std::string> targetDialect("to", cl::desc("Target dialect: cuda, hip, bang, vnni or c"), cl::Required,
                                          cl::value_desc("dialect"), cl::cat(translateCategory),
                                          cl::sub(translateCommand()));
static cl::opt<std::string> outputPath("o", cl::desc("Output file ('-' for stdout, the default)"),
                                       cl::value_desc("file"), cl::init("-"), cl::cat(translateCategory),
                                       cl::sub(translateCommand()));
static cl::opt<std::string> reportPath("report",
                                       cl::desc("Write a JSON summary: pass sequence, per-pass verification, times, "
                                                "spans carried unchanged"),
                                       cl::value_desc("file.json"), cl::cat(translateCategory),
                                       cl::sub(translateCommand()));
static cl::opt<std::string> traceDir("trace", cl::desc("Write the program after each pass, and log.json, into DIR"),
                                     cl::value_desc("dir"), cl::cat(translateCategory), cl::sub(translateCommand()));
static cl::opt<bool> noVerify("no-verify", cl::desc("Do not run the programs to verify the translation"),
                              cl::cat(translateCategory), cl::sub(translateCommand()));
static cl::opt<bool> verifyFinalOnly("verify-final-only",
                                     cl::desc("Verify only the output against the input, not every pass"),
                                     cl::cat(translateCategory), cl::sub(translateCommand()));
static cl::opt<std::string> launchFlag("launch",
                                       cl::desc("The source kernel's launch: grid=X,Y,Z;block=X,Y,Z[;shared=BYTES] "
                                                "(inferred from the kernel's index arithmetic when absent)"),
                                       cl::value_desc("config"), cl::cat(translateCategory),
                                       cl::sub(translateCommand()));
static cl::opt<std::string> routeFlag("route",
                                      cl::desc("auto (default): for CUDA to HIP the source-preserving rewrite, then "
                                               "the direct passes, then through C; elsewhere direct when the dialects "
                                               "allow it, else through C; source (CUDA to HIP only); direct; via-c"),
                                      cl::value_desc("route"), cl::init("auto"), cl::cat(translateCategory),
                                      cl::sub(translateCommand()));
static cl::opt<bool> quiet("quiet", cl::desc("No notes on stderr (spans carried unchanged, passes run)"),
                           cl::cat(translateCategory), cl::sub(translateCommand()));
static cl::opt<bool> diffFlag("diff",
                              cl::desc("Print a unified diff from the input to the translation on stdout instead "
                                       "of the translation (nothing is written)"),
                              cl::cat(translateCategory), cl::sub(translateCommand()));
static cl::list<std::string> extentFlags("extent",
                                         cl::desc("[FUNCTION:]PARAM=EXPR: the element count of a buffer parameter, "
                                                  "an expression over the function's integer parameters, for "
                                                  "buffers accessed through data (gathers, computed indices) when "
                                                  "translating to a GPU (repeatable)"),
                                         cl::value_desc("spec"), cl::cat(translateCategory),
                                         cl::sub(translateCommand()));
static cl::opt<bool> noFormat("no-format", cl::desc("Do not run clang-format over the output"),
                              cl::cat(translateCategory), cl::sub(translateCommand()));

namespace {

std::string locationOr(const ast::SourceLoc &loc, const std::string &fallback) {
  return loc.valid() ? loc.str() : fallback + ":1:1";
}

// `asNotes`: diagnostics of a route that was abandoned for another one explain the choice; they
// are not errors of the translation.
void printDiagnostics(const passes::PassRecord &record, bool asNotes = false) {
  for (const auto &d : record.diagnostics) {
    passes::Severity severity = asNotes ? passes::Severity::Note : d.severity;
    if (quiet && severity == passes::Severity::Note) continue;
    llvm::errs() << locationOr(d.loc, translateInput) << ": " << passes::severityName(severity) << ": "
                 << d.message << " [" << record.name << "]\n";
  }
}

nlohmann::json dims(const unsigned d[3]) { return nlohmann::json::array({d[0], d[1], d[2]}); }

// An integer launch dimension as a number, anything else as "computed by the host code".
nlohmann::json configDims(const ast::ExprPtr &e) {
  if (auto lit = e ? e->as<ast::IntLit>() : nullptr) return nlohmann::json::array({lit->value, 1, 1});
  return "computed by the host code";
}

// What a tool needs to run the output: for GPU targets the kernel and its launch, for CPU targets
// the entry function.
nlohmann::json launchSidecar(const ast::Module &out, const std::optional<exec::LaunchSpec> &sourceLaunch,
                             const std::string &sourceKernel, const std::string &entry) {
  bool gpu = out.dialect == ast::Dialect::CUDA || out.dialect == ast::Dialect::HIP;
  if (!gpu) {
    std::string name = !entry.empty() ? entry : sourceKernel;
    if (name.empty())
      for (const auto &item : out.items)
        if (auto f = std::get_if<ast::Function>(&item); f && f->body && !f->isStatic && f->name != "main") name = f->name;
    return {{"entry", name}};
  }
  const ast::Function *k = sourceKernel.empty() ? nullptr : out.findFunction(sourceKernel);
  if (k && k->kind == ast::FunctionKind::Kernel && sourceLaunch)
    return {{"kernel", sourceKernel}, {"grid", dims(sourceLaunch->grid)}, {"block", dims(sourceLaunch->block)}};
  // A host wrapper launches the kernels: name it, and each launch it makes.
  nlohmann::json launches = nlohmann::json::array();
  struct Finder : ast::IRVisitor {
    nlohmann::json *out;
    void visitLaunch(const ast::Launch &l) override {
      out->push_back({{"kernel", l.kernel}, {"grid", configDims(l.config.grid)}, {"block", configDims(l.config.block)}});
      ast::IRVisitor::visitLaunch(l);
    }
  } finder;
  finder.out = &launches;
  std::string wrapper = !sourceKernel.empty() ? sourceKernel : entry;
  for (const auto &item : out.items)
    if (auto f = std::get_if<ast::Function>(&item); f && f->body && f->kind == ast::FunctionKind::Host) {
      size_t before = launches.size();
      finder.visit(*f);
      if (launches.size() > before && wrapper.empty()) wrapper = f->name;
    }
  nlohmann::json j = launches.empty() ? nlohmann::json::object() : launches[0];
  if (!wrapper.empty()) j["host_wrapper"] = wrapper;
  if (launches.size() > 1) j["launches"] = launches;
  return j;
}

// One translation, ready to be written: the text, the module it came from, and what was verified.
struct Emission {
  std::string code;
  const ast::Module *output;
  bool verified;
  std::string verificationText;
  bool translated;       // false: the identity (parse and print)
  nlohmann::json report;  // the route's own fields
  std::vector<ast::CarriedSpan> carried;
};

// Prints what was verified, writes the output (or its diff), the launch sidecar and the report.
int emitTranslation(const Emission &e, const ast::Module &input, ast::Dialect target,
                    const TranslationVerification &verification) {
  if (!quiet)
    for (const auto &span : e.carried)
      if (span.reason != "preprocessor directive")
        llvm::errs() << span.loc.str() << ": note: carried unchanged (" << span.reason << ")\n";
  if (!e.verified && !noVerify)
    llvm::errs() << translateInput << ":1:1: error: output " << e.verificationText << "\n";
  else if (!quiet && !noVerify && e.translated)
    llvm::errs() << translateInput << ":1:1: note: " << e.verificationText << "\n";

  if (diffFlag) {
    std::string error;
    auto original = llvm::MemoryBuffer::getFile(translateInput.getValue(), /*IsText=*/true);
    std::string newLabel = llvm::sys::path::stem(translateInput).str() + ast::sourceExtension(target, true);
    auto diff = original ? unifiedDiff(translateInput, (*original)->getBuffer().str(), newLabel, e.code, error)
                         : std::nullopt;
    if (!diff) {
      llvm::errs() << "xpile: error: " << (original ? error : "cannot read '" + translateInput + "' again") << "\n";
      return 1;
    }
    llvm::outs() << *diff;
  } else if (!writeOutput(outputPath, e.code, translateInput)) {
    return 1;
  }
  std::string kernelName, entryName;
  if (verification.plan && verification.launch) {
    if (auto r = verification.plan->requestFor(input)) kernelName = r->name;
  } else if (verification.plan) {
    if (auto r = verification.plan->requestFor(input)) entryName = r->name;
  }
  if (outputPath != "-" && !diffFlag) {
    nlohmann::json sidecar = launchSidecar(*e.output, verification.launch, kernelName, entryName);
    if (!writeOutput(outputPath + ".launch.json", sidecar.dump(2) + "\n", translateInput)) return 1;
  }

  if (!reportPath.empty()) {
    nlohmann::json spans = nlohmann::json::array();
    for (const auto &span : e.carried)
      spans.push_back({{"file", span.loc.file}, {"line", span.loc.line}, {"column", span.loc.column},
                       {"reason", span.reason}, {"text", span.text}});
    nlohmann::json report = e.report;
    report["input"] = translateInput.getValue();
    report["from"] = ast::dialectName(input.dialect);
    report["to"] = ast::dialectName(target);
    report["verified"] = e.verified;
    report["verification"] = e.verificationText;
    report["carried_spans"] = spans;
    if (!writeOutput(reportPath, report.dump(2) + "\n", translateInput)) return 1;
  }
  return e.verified || noVerify ? 0 : 1;
}

const char *levelName(porting::Diagnostic::Level level) {
  switch (level) {
  case porting::Diagnostic::Level::Note: return "note";
  case porting::Diagnostic::Level::Warning: return "warning";
  case porting::Diagnostic::Level::Error: return "error";
  }
  return "warning";
}

// The source-preserving CUDA -> HIP translation: the rewrite's own diagnostics (APIs without an
// exact equivalent, kernels it could not rewrite), then the common emission.
int emitSourcePreserving(const SourcePreservingTranslation &sp, const ast::Module &input, ast::Dialect target,
                         const TranslationVerification &verification, const nlohmann::json &attempts) {
  for (const auto &d : sp.rewrite.diagnostics) {
    if (quiet && d.level == porting::Diagnostic::Level::Note) continue;
    llvm::errs() << d.file << ":" << d.line << ":" << d.column << ": " << levelName(d.level) << ": " << d.message
                 << " [" << d.check << "]\n";
    for (const auto &n : d.notes)
      if (!quiet) llvm::errs() << n.file << ":" << n.line << ":" << n.column << ": note: " << n.message << "\n";
  }
  bool verified = sp.verification == passes::VerifyStatus::Passed;
  std::string text;
  if (noVerify) text = "not verified (--no-verify)";
  else if (!verification.plan) text = "not verified: " + verification.why;
  else text = (verified ? "verified (" + verification.plan->what + "): " : "not verified: ") + sp.verdict;
  nlohmann::json kernels = nlohmann::json::array();
  for (const auto &k : sp.rewrite.kernels)
    kernels.push_back({{"kernel", k.name}, {"line", k.line}, {"verified", k.verified}, {"why", k.why}});
  nlohmann::json report = {{"route", "source-preserving"},
                           {"references_converted", sp.rewrite.converted.size()},
                           {"kernels_rewritten", kernels},
                           {"attempts", attempts},
                           {"final_verify_seconds", sp.verifySeconds}};
  if (!traceDir.empty()) {  // the same trace layout as the passes': the input, each step, a log
    std::error_code ec;
    llvm::sys::fs::create_directories(traceDir.getValue());
    auto original = llvm::MemoryBuffer::getFile(translateInput.getValue(), /*IsText=*/true);
    llvm::raw_fd_ostream(traceDir + "/00-input" + ast::sourceExtension(input.dialect, true), ec)
        << (original ? (*original)->getBuffer() : "");
    llvm::raw_fd_ostream(traceDir + "/01-source-preserving.hip", ec) << sp.text;
    llvm::raw_fd_ostream(traceDir + "/log.json", ec) << report.dump(2) << "\n";
  }
  std::vector<ast::CarriedSpan> none;  // nothing is re-printed: every byte not edited is the user's
  return emitTranslation({sp.text, &*sp.output, verified, text, true, report, none}, input, target, verification);
}

}  // namespace

int runTranslate() {
  auto target = ast::dialectFromName(targetDialect);
  if (!target) {
    llvm::errs() << "xpile: error: unknown target dialect '" << targetDialect
                 << "' (expected cuda, hip, bang, vnni or c)\n";
    return 2;
  }
  if (routeFlag != "auto" && routeFlag != "source" && routeFlag != "direct" && routeFlag != "via-c") {
    llvm::errs() << "xpile: error: --route must be auto, source, direct or via-c\n";
    return 2;
  }
  if (diffFlag && outputPath != "-") {
    llvm::errs() << "xpile: error: --diff prints on stdout; it cannot be combined with -o\n";
    return 2;
  }
  std::optional<ast::Module> module = parseInput(translateInput);
  if (!module) return 1;
  const ast::Module &input = *module;

  passes::Route route = routeFlag == "via-c" ? passes::Route::ViaC : passes::Route::Direct;
  passes::PlanOptions planOptions;
  std::string extentError;
  if (!addGivenExtents(extentFlags, input, planOptions, extentError)) {
    llvm::errs() << "xpile: error: " << extentError << "\n";
    return 2;
  }
  passes::TranslationPlan plan = passes::planTranslation(input.dialect, *target, route, planOptions);
  if (!plan.error.empty()) {
    llvm::errs() << translateInput << ":1:1: error: " << plan.error << "\n";
    return 1;
  }

  WorkDir work;
  TranslationVerification verification;
  if (!noVerify && !translationVerification(input, translateInput, launchFlag, work.path(), verification)) return 2;
  passes::PipelineOptions options;
  options.verification = noVerify ? std::nullopt : verification.plan;
  options.verifyEachPass = !verifyFinalOnly;
  options.traceDir = traceDir;
  bool progress = !quiet && isatty(STDERR_FILENO);
  options.progress = [&](const std::string &pass) {
    if (progress) llvm::errs() << "\r\x1b[2K" << "translating: " << pass;
  };
  if (!quiet && !verification.inferredLaunchNote.empty())
    llvm::errs() << translateInput << ":1:1: note: " << verification.inferredLaunchNote << "\n";

  nlohmann::json attempts = nlohmann::json::array();
  // CUDA -> HIP keeps the user's source (comments, macros, formatting) when that rewrite verifies, or
  // when nothing could verify any translation; otherwise the passes rewrite the kernels.
  bool sourceRoute = input.dialect == ast::Dialect::CUDA && *target == ast::Dialect::HIP &&
                     (routeFlag == "auto" || routeFlag == "source");
  if (routeFlag == "source" && !sourceRoute) {
    llvm::errs() << "xpile: error: --route source is CUDA to HIP only\n";
    return 2;
  }
  if (sourceRoute) {
    std::optional<passes::VerificationPlan> sourcePlan = noVerify ? std::nullopt : verification.plan;
    SourcePreservingTranslation sp = translatePreservingSource(translateInput, input, parseOptionsFromFlags(), sourcePlan);
    attempts.push_back({{"route", "source-preserving"},
                        {"ok", sp.usable},
                        {"verification", passes::verifyStatusName(sp.verification)},
                        {"verdict", sp.usable ? sp.verdict : sp.why}});
    bool verified = sp.usable && sp.verification == passes::VerifyStatus::Passed;
    if (sp.usable && (verified || !sourcePlan || routeFlag == "source"))
      return emitSourcePreserving(sp, input, *target, verification, attempts);
    if (routeFlag == "source") {
      llvm::errs() << translateInput << ":1:1: error: " << sp.why << "\n";
      return 1;
    }
    if (!quiet)
      llvm::errs() << translateInput << ":1:1: note: the source-preserving rewrite "
                   << (sp.usable ? "was not verified (" + sp.verdict + ")" : "failed (" + sp.why + ")")
                   << "; translating with the passes\n";
  }

  passes::PipelineResult result = passes::runPipeline(input, *target, plan.steps, options);
  auto recordAttempt = [&](const passes::TranslationPlan &p, const passes::PipelineResult &r) {
    nlohmann::json passesJson = nlohmann::json::array();
    for (const auto &rec : r.passes) passesJson.push_back(passes::toJson(rec));
    attempts.push_back({{"route", passes::routeName(p.route)}, {"passes", passesJson}, {"ok", r.ok}});
  };
  recordAttempt(plan, result);
  // The direct route keeps kernels as written; when it cannot, the route through C is always correct.
  if (!result.ok && plan.route == passes::Route::Direct && routeFlag == "auto") {
    for (const auto &rec : result.passes) printDiagnostics(rec, /*asNotes=*/true);
    if (!quiet)
      llvm::errs() << translateInput << ":1:1: note: the direct route failed; translating through sequential C\n";
    plan = passes::planTranslation(input.dialect, *target, passes::Route::ViaC, planOptions);
    result = passes::runPipeline(input, *target, plan.steps, options);
    recordAttempt(plan, result);
  }
  if (progress) llvm::errs() << "\r\x1b[2K";
  for (const auto &rec : result.passes) printDiagnostics(rec);

  bool applied = std::all_of(result.passes.begin(), result.passes.end(), [](const auto &r) { return r.applied; });
  if (!applied) {
    llvm::errs() << translateInput << ":1:1: error: cannot translate from " << ast::dialectName(input.dialect)
                 << " to " << ast::dialectName(*target) << "; nothing written\n";
    return 1;
  }

  backends::PrintOptions printOptions;
  printOptions.format = !noFormat;
  backends::PrintResult printed = backends::printModule(result.module, *target, printOptions);
  for (const auto &e : printed.errors) llvm::errs() << locationOr(e.loc, translateInput) << ": error: " << e.message << "\n";
  if (!printed.ok()) return 1;

  // What was verified, said plainly.
  bool verified = false;
  std::string verificationText;
  if (plan.steps.empty()) {
    verified = true;  // nothing was translated: the output is the input, printed
    verificationText = "identity translation (parse and print)";
  } else if (noVerify) {
    verificationText = "not verified (--no-verify)";
  } else if (!verification.plan) {
    verificationText = "not verified: " + verification.why;
  } else {
    for (const auto &rec : result.passes)
      if (rec.verification == passes::VerifyStatus::Failed)
        verificationText = "pass '" + rec.name + "' changed the result: " + rec.verdict;
    if (verificationText.empty()) {
      verified = result.verification == passes::VerifyStatus::Passed;
      verificationText = verified ? "verified (" + verification.plan->what + "): " + result.verdict
                                  : "not verified: " + result.verdict;
    }
  }
  nlohmann::json passesJson = nlohmann::json::array();
  double seconds = 0;
  for (const auto &rec : result.passes) {
    passesJson.push_back(passes::toJson(rec));
    seconds += rec.seconds;
  }
  nlohmann::json report = {{"route", passes::routeName(plan.route)},
                           {"passes", passesJson},
                           {"attempts", attempts},
                           {"pass_seconds", seconds},
                           {"final_verify_seconds", result.verifySeconds}};
  return emitTranslation({printed.code, &result.module, verified, verificationText, !plan.steps.empty(), report,
                          result.module.carriedSpans()},
                         input, *target, verification);
}

}  // namespace xpile::tools
