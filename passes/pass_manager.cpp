#include "passes/pass_manager.h"

#include "backends/printer.h"

#include <filesystem>

#include <chrono>
#include <cstdio>
#include <fstream>

namespace xpile::passes {

namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

void writeTraceFile(const std::string &dir, int index, const std::string &name, const ast::Module &m) {
  char prefix[8];
  std::snprintf(prefix, sizeof prefix, "%02d-", index);
  backends::PrintOptions opts;
  backends::PrintResult printed = backends::printModule(m, m.dialect, opts);
  std::string text = printed.code;
  for (const auto &e : printed.errors) text += "\n// xpile: print error: " + e.loc.str() + ": " + e.message + "\n";
  std::ofstream(dir + "/" + prefix + name + ast::sourceExtension(m.dialect, m.isCxx), std::ios::binary) << text;
}

// Runs the plan's request for both versions and compares every buffer.
VerifyStatus verifyPair(const VerificationPlan &plan, const ast::Module &before, const std::string &beforeName,
                        const ast::Module &after, const std::string &afterName, const std::string &tag,
                        std::string &verdict, double &seconds) {
  auto start = Clock::now();
  std::optional<exec::RunRequest> requestA = plan.requestFor(before), requestB = plan.requestFor(after);
  if (!requestA || !requestB) {
    verdict = std::string("cannot run ") + (!requestA ? beforeName : afterName) + " with " + plan.what;
    seconds = secondsSince(start);
    return VerifyStatus::Skipped;
  }
  exec::VerifyOptions options = plan.options;
  options.nameA = beforeName;
  options.nameB = afterName;
  std::string dir = plan.workDir + "/" + tag;
  std::filesystem::create_directories(dir);
  bool wholePrograms = requestA->mode == exec::RunRequest::Mode::Program && requestB->mode == exec::RunRequest::Mode::Program;
  exec::Verdict v = wholePrograms ? exec::verifyWholePrograms(before, after, *requestA, options, dir)
                                  : exec::verifyRequests(before, *requestA, after, *requestB, options, dir);
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
  verdict = v.message;
  seconds = secondsSince(start);
  return v.pass ? VerifyStatus::Passed : VerifyStatus::Failed;
}

}  // namespace

VerifyStatus verifyModules(const VerificationPlan &plan, const ast::Module &before, const ast::Module &after,
                           std::string &verdict, double &seconds) {
  return verifyPair(plan, before, "input", after, "output", "output", verdict, seconds);
}

const char *verifyStatusName(VerifyStatus s) {
  switch (s) {
  case VerifyStatus::Passed: return "passed";
  case VerifyStatus::Failed: return "failed";
  case VerifyStatus::Skipped: return "skipped";
  }
  return "skipped";
}

PipelineResult runPipeline(const ast::Module &input, ast::Dialect target, const std::vector<PassStep> &steps,
                           const PipelineOptions &options) {
  PipelineResult result;
  result.module = input;  // nodes are shared and immutable: copying a module is cheap
  if (!options.traceDir.empty()) {
    std::filesystem::create_directories(options.traceDir);
    writeTraceFile(options.traceDir, 0, "input", input);
  }
  bool ok = true;
  for (size_t i = 0; i < steps.size() && ok; ++i) {
    const PassStep &step = steps[i];
    if (options.progress) options.progress(step.name);
    PassRecord record;
    record.name = step.name;
    PassContext ctx;
    ctx.source = input.dialect;
    ctx.target = target;
    ast::Module after = result.module;
    auto start = Clock::now();
    record.applied = step.run(after, ctx) && !ctx.hasErrors();
    record.seconds = secondsSince(start);
    record.params = ctx.params;
    record.stats = ctx.stats;
    record.diagnostics = ctx.diagnostics;
    record.dialectAfter = ast::dialectName(after.dialect);
    if (!record.applied) {
      ok = false;
      result.passes.push_back(std::move(record));
      break;
    }
    if (options.verification && options.verifyEachPass) {
      record.verification = verifyPair(*options.verification, result.module, "before " + step.name, after,
                                       "after " + step.name, "pass" + std::to_string(i), record.verdict,
                                       record.verifySeconds);
      if (record.verification == VerifyStatus::Failed) ok = false;
    }
    result.module = std::move(after);
    if (!options.traceDir.empty()) writeTraceFile(options.traceDir, static_cast<int>(i + 1), step.name, result.module);
    result.passes.push_back(std::move(record));
  }
  // The whole translation against its input: the result a user relies on.
  if (ok && options.verification && !steps.empty()) {
    result.verification = verifyPair(*options.verification, input, "input", result.module, "output", "final",
                                     result.verdict, result.verifySeconds);
    if (result.verification == VerifyStatus::Failed) ok = false;
  } else if (!ok) {
    result.verification = VerifyStatus::Failed;
    result.verdict = "not verified: a pass failed";
  }
  result.ok = ok;
  if (!options.traceDir.empty()) {
    nlohmann::json log = {{"input", input.sourceFile},
                          {"from", ast::dialectName(input.dialect)},
                          {"to", ast::dialectName(target)},
                          {"passes", nlohmann::json::array()},
                          {"verification", verifyStatusName(result.verification)},
                          {"verdict", result.verdict}};
    for (const auto &r : result.passes) log["passes"].push_back(toJson(r));
    std::ofstream(options.traceDir + "/log.json") << log.dump(2) << "\n";
  }
  return result;
}

nlohmann::json toJson(const Diagnostic &d) {
  nlohmann::json j = {{"severity", severityName(d.severity)}, {"message", d.message}};
  if (d.loc.valid()) j["location"] = d.loc.str();
  return j;
}

nlohmann::json toJson(const PassRecord &r) {
  nlohmann::json diags = nlohmann::json::array();
  for (const auto &d : r.diagnostics) diags.push_back(toJson(d));
  return {{"name", r.name},
          {"applied", r.applied},
          {"params", r.params},
          {"stats", r.stats},
          {"seconds", r.seconds},
          {"dialect_after", r.dialectAfter},
          {"verification", verifyStatusName(r.verification)},
          {"verdict", r.verdict},
          {"verify_seconds", r.verifySeconds},
          {"diagnostics", diags}};
}

}  // namespace xpile::passes
