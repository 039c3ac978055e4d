// The pass manager: runs a sequence of passes over a module, verifies the program after each pass
// against the program before it (differential testing on the executors), and records for every
// pass its name, parameters, what it changed, its time and its verification result. With a trace
// directory it also writes the program after each pass and a JSON log.
#pragma once

#include "backends/exec/verification.h"
#include "passes/pass.h"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace xpile::passes {

struct PassStep {
  std::string name;  // "loop-recovery"
  std::function<bool(ast::Module &, PassContext &)> run;
};

// How to run a module so two versions of it can be compared: the request for a given version
// (a kernel may become a host function with the grid as leading arguments, so the request can
// depend on the module), or nullopt when that version cannot be run.
using RequestFor = std::function<std::optional<exec::RunRequest>(const ast::Module &)>;

struct VerificationPlan {
  RequestFor requestFor;
  exec::VerifyOptions options;
  std::string workDir;  // scratch space for runs
  std::string what;     // "entry softmax_f32 with rows=4, cols=100", for reports
};

enum class VerifyStatus { Passed, Failed, Skipped };
const char *verifyStatusName(VerifyStatus s);  // "passed", "failed", "skipped"

struct PassRecord {
  std::string name;
  nlohmann::json params, stats;
  std::vector<Diagnostic> diagnostics;
  bool applied = false;  // the pass ran to completion
  double seconds = 0, verifySeconds = 0;
  VerifyStatus verification = VerifyStatus::Skipped;
  std::string verdict;  // what was compared, or the first mismatch / failure
  std::string dialectAfter;
};

struct PipelineOptions {
  std::optional<VerificationPlan> verification;  // none: nothing is verified
  bool verifyEachPass = true;   // false: only the final program against the input
  std::string traceDir;         // non-empty: NN-pass.EXT after each pass and log.json
  std::function<void(const std::string &)> progress;  // "loop-recovery", called before each pass
};

struct PipelineResult {
  ast::Module module;  // after the last pass that applied
  std::vector<PassRecord> passes;
  bool ok = false;  // every pass applied and no verification failed
  // The final program against the input (when a verification plan was given).
  VerifyStatus verification = VerifyStatus::Skipped;
  std::string verdict;
  double verifySeconds = 0;
};

// Verifies `after` against `before` with the plan (what the pipeline does after each pass), for
// translations made outside the pipeline. `verdict` says what was compared or the first mismatch.
VerifyStatus verifyModules(const VerificationPlan &plan, const ast::Module &before, const ast::Module &after,
                           std::string &verdict, double &seconds);

PipelineResult runPipeline(const ast::Module &input, ast::Dialect target, const std::vector<PassStep> &steps,
                           const PipelineOptions &options);

nlohmann::json toJson(const PassRecord &r);
nlohmann::json toJson(const Diagnostic &d);

}  // namespace xpile::passes
