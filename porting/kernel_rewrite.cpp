#include "porting/kernel_rewrite.h"

#include "backends/printer.h"
#include "passes/pass_manager.h"
#include "passes/runtime_api_mapping.h"
#include "passes/translation_plan.h"

#include <llvm/Support/FileSystem.h>

#include <algorithm>

namespace xpile::porting {

namespace {

// One function printed alone as HIP (the printer's own #include lines dropped).
std::string printKernel(const ast::Module &m, const std::string &name) {
  ast::Module one;
  one.dialect = m.dialect;
  one.isCxx = m.isCxx;
  one.sourceFile = m.sourceFile;
  for (const auto &item : m.items)
    if (const auto *f = std::get_if<ast::Function>(&item); f && f->name == name && f->body) one.items.push_back(*f);
  if (one.items.empty()) return "";
  std::string code = backends::printModule(one, ast::Dialect::HIP).code;
  std::string out;
  size_t pos = 0;
  while (pos < code.size()) {
    size_t end = code.find('\n', pos);
    end = end == std::string::npos ? code.size() : end + 1;
    std::string line = code.substr(pos, end - pos);
    if (line.rfind("#include", 0) != 0 && !(out.empty() && line == "\n")) out += line;
    pos = end;
  }
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

}  // namespace

PipelineKernels rewriteKernelsThroughPipeline(const std::string &path, const std::string &source,
                                              const frontends::ParseOptions &parse,
                                              const std::vector<std::string> &kernels) {
  PipelineKernels out;
  frontends::ParseOptions opts = parse;
  opts.dialect = ast::Dialect::CUDA;
  opts.showWarnings = false;
  // The caller's options may be a parse-only configuration (`xpile check` parses with lower off):
  // the pipeline needs the shared AST whatever the caller asked of Clang.
  opts.lower = true;
  auto parsed = frontends::parseSource(path, source, opts);
  if (!parsed.module) {
    out.error = "the file could not be lowered to the shared AST";
    if (!parsed.diagnostics.empty()) out.error += ": " + parsed.diagnostics.substr(0, parsed.diagnostics.find('\n'));
    return out;
  }
  out.lowered = true;
  const ast::Module &input = *parsed.module;
  auto plan = passes::planTranslation(ast::Dialect::CUDA, ast::Dialect::HIP, passes::Route::Direct);

  passes::PipelineOptions options;
  llvm::SmallString<128> work;
  bool hasMain = input.findFunction("main") != nullptr;
  if (hasMain && !llvm::sys::fs::createUniqueDirectory("xpile-port-verify", work)) {
    passes::VerificationPlan verification;
    verification.workDir = std::string(work);
    verification.what = "the whole program (main), every kernel launch's buffers";
    verification.requestFor = [](const ast::Module &) -> std::optional<exec::RunRequest> {
      exec::RunRequest r;
      r.mode = exec::RunRequest::Mode::Program;
      r.limits.timeoutSeconds = 60;
      return r;
    };
    verification.options.seeds = 1;
    options.verification = verification;
  }
  passes::PipelineResult full = passes::runPipeline(input, ast::Dialect::HIP, plan.steps, options);
  // The same module with the runtime renaming alone: a kernel whose text differs needed the pipeline.
  std::vector<passes::PassStep> renameOnly;
  for (const auto &s : plan.steps)
    if (s.name == "runtime-api-mapping" || s.name == "runtime-api") renameOnly.push_back(s);
  if (renameOnly.empty() && !plan.steps.empty()) renameOnly.push_back(plan.steps.back());
  passes::PipelineResult renamed = passes::runPipeline(input, ast::Dialect::HIP, renameOnly, {});
  if (!work.empty()) llvm::sys::fs::remove_directories(work);
  if (!full.ok && full.verification != passes::VerifyStatus::Failed) {
    out.error = "the direct CUDA -> HIP route did not apply";
    for (const auto &p : full.passes)
      if (!p.applied && !p.diagnostics.empty()) out.error += " (" + p.name + ": " + p.diagnostics.front().message + ")";
    return out;
  }
  for (const auto &name : kernels) {
    std::string after = printKernel(full.module, name);
    if (after.empty() || after == printKernel(renamed.module, name)) continue;
    PipelineKernel k;
    k.name = name;
    k.hipText = after;
    if (!hasMain) {
      k.why = "not verified: the file has no main() and nothing says how to launch the kernel";
    } else if (full.verification == passes::VerifyStatus::Passed) {
      k.verified = true;
      k.why = "verified on the CPU executors: " + full.verdict;
    } else {
      k.why = std::string("not verified (") + passes::verifyStatusName(full.verification) + "): " + full.verdict;
    }
    out.changed.push_back(std::move(k));
  }
  return out;
}

}  // namespace xpile::porting
