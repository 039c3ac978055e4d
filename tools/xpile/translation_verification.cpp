#include "tools/xpile/translation_verification.h"

#include "tools/xpile/corpus_manifest.h"
#include "tools/xpile/launch_inference.h"
#include "tools/xpile/run_options.h"

#include <llvm/Support/FileSystem.h>
#include <llvm/Support/Path.h>
#include <llvm/Support/raw_ostream.h>

#include <algorithm>

namespace xpile::tools {

namespace {

exec::ArgSpec scalarArg(exec::DType type, uint64_t value) {
  exec::ArgSpec s;
  s.kind = exec::ArgSpec::Kind::Scalar;
  s.type = type;
  s.value = std::to_string(value);
  s.intValue = static_cast<int64_t>(value);
  s.floatValue = static_cast<double>(value);
  return s;
}

// Loop recovery turns kernel K(params) into host function K(grid xyz, block xyz, [shared bytes,]
// params): run that with the launch as leading scalar arguments.
std::optional<exec::RunRequest> requestForKernel(const ast::Module &m, const exec::RunRequest &kernelRequest) {
  const ast::Function *f = m.findFunction(kernelRequest.name);
  if (!f) return std::nullopt;
  if (f->kind == ast::FunctionKind::Kernel) return kernelRequest;
  size_t extra = f->params.size() - std::min(f->params.size(), kernelRequest.args.size());
  if (extra != 6 && extra != 7) return std::nullopt;
  exec::RunRequest r = kernelRequest;
  r.mode = exec::RunRequest::Mode::Entry;
  r.args.clear();
  const exec::LaunchSpec &l = kernelRequest.launch;
  for (unsigned v : {l.grid[0], l.grid[1], l.grid[2], l.block[0], l.block[1], l.block[2]})
    r.args.push_back(scalarArg(exec::DType::U32, v));
  if (extra == 7) r.args.push_back(scalarArg(exec::DType::U64, l.sharedBytes));
  r.args.insert(r.args.end(), kernelRequest.args.begin(), kernelRequest.args.end());
  return r;
}

// The corpus manifest in the input's directory that lists this file: its first entry, smallest shape.
std::optional<exec::RunRequest> corpusRequest(const std::string &inputPath, exec::VerifyOptions &options,
                                              std::string &what) {
  llvm::SmallString<256> dir(inputPath);
  llvm::sys::path::remove_filename(dir);
  if (dir.empty()) dir = ".";
  llvm::SmallString<256> family(dir), root(dir);
  llvm::sys::path::remove_filename(family);
  llvm::sys::path::remove_filename(root);
  llvm::sys::path::remove_filename(root);
  if (!llvm::sys::fs::exists(dir + "/manifest.json")) return std::nullopt;
  std::vector<std::string> errors;
  std::vector<CorpusOperator> ops = loadCorpus(root.empty() ? "." : std::string(root), errors);
  std::string file = std::string(llvm::sys::path::filename(inputPath));
  for (const CorpusOperator &op : ops) {
    bool listed = std::any_of(op.files.begin(), op.files.end(), [&](const auto &kv) {
      return llvm::sys::path::filename(kv.second) == file && llvm::sys::fs::equivalent(kv.second, inputPath);
    });
    if (!listed || op.entries.empty() || op.entries[0].shapes.empty()) continue;
    const CorpusEntry &entry = op.entries[0];
    // The smallest shape (fewest buffer elements) keeps verification quick.
    const CorpusShape *best = nullptr;
    long long bestSize = 0;
    for (const CorpusShape &shape : entry.shapes) {
      std::string error;
      auto args = corpusArguments(entry, shape, error);
      if (!args) continue;
      long long size = 0;
      for (const auto &a : *args) size += static_cast<long long>(a.count);
      if (!best || size < bestSize) best = &shape, bestSize = size;
    }
    if (!best) return std::nullopt;
    std::string error;
    exec::RunRequest r;
    r.mode = exec::RunRequest::Mode::Entry;
    r.name = entry.name;
    r.args = *corpusArguments(entry, *best, error);
    r.limits.timeoutSeconds = 120;
    options.rtol = entry.rtol;
    options.atol = entry.atol;
    what = "entry " + entry.name + " on corpus shape '" + best->name + "'";
    return r;
  }
  return std::nullopt;
}

}  // namespace

bool parseLaunchText(const std::string &text, exec::LaunchSpec &launch, std::string &error) {
  size_t start = 0;
  while (start <= text.size()) {
    size_t semi = text.find(';', start);
    std::string item = text.substr(start, semi == std::string::npos ? std::string::npos : semi - start);
    start = semi == std::string::npos ? text.size() + 1 : semi + 1;
    if (item.empty()) continue;
    size_t eq = item.find('=');
    std::string key = item.substr(0, eq), value = eq == std::string::npos ? "" : item.substr(eq + 1);
    bool ok = false;
    if (key == "grid") ok = launch.hasGrid = parseDimList(value, launch.grid).empty();
    else if (key == "block") ok = launch.hasBlock = parseDimList(value, launch.block).empty();
    else if (key == "shared") {
      char *end = nullptr;
      launch.sharedBytes = std::strtoull(value.c_str(), &end, 10);
      ok = !value.empty() && *end == '\0';
    } else {
      error = "--launch '" + text + "': unknown item '" + key + "' (expected grid=X,Y,Z;block=X,Y,Z[;shared=BYTES])";
      return false;
    }
    if (!ok) {
      error = "--launch '" + text + "': bad value for '" + key + "' (positive integers X[,Y[,Z]])";
      return false;
    }
  }
  return true;
}

static bool isGpu(ast::Dialect d) { return d == ast::Dialect::CUDA || d == ast::Dialect::HIP; }

bool translationVerification(const ast::Module &input, const std::string &inputPath, const std::string &launchText,
                             const std::string &workDir, TranslationVerification &out) {
  exec::RunRequest request;
  if (!runRequestFromFlags(request)) return false;
  passes::VerificationPlan plan;
  plan.workDir = workDir;
  if (request.mode == exec::RunRequest::Mode::Kernel) {
    if (!launchText.empty()) {
      std::string error;
      if (!parseLaunchText(launchText, request.launch, error)) {
        llvm::errs() << "xpile: error: " << error << "\n";
        return false;
      }
    }
    const ast::Function *kernel = input.findFunction(request.name);
    if (!kernel || kernel->kind != ast::FunctionKind::Kernel) {
      llvm::errs() << inputPath << ":1:1: error: --kernel " << request.name << ": no such kernel in the input\n";
      return false;
    }
    if (!request.launch.hasGrid || !request.launch.hasBlock) {
      InferredLaunch inferred = inferLaunch(input, *kernel, request.args, request.launch);
      out.inferredLaunchNote = inferred.note;
      if (!request.launch.hasBlock) std::copy(inferred.launch.block, inferred.launch.block + 3, request.launch.block);
      if (!request.launch.hasGrid) std::copy(inferred.launch.grid, inferred.launch.grid + 3, request.launch.grid);
      request.launch.hasGrid = request.launch.hasBlock = true;
    }
    out.launch = request.launch;
    plan.what = "kernel " + request.name + " with the given arguments";
    plan.requestFor = [request](const ast::Module &m) { return requestForKernel(m, request); };
  } else if (request.mode == exec::RunRequest::Mode::Entry) {
    plan.what = "entry " + request.name + " with the given arguments";
    plan.requestFor = [request](const ast::Module &m) -> std::optional<exec::RunRequest> {
      if (!m.findFunction(request.name)) return std::nullopt;
      return request;
    };
  } else if (auto corpus = corpusRequest(inputPath, plan.options, plan.what)) {
    exec::RunRequest r = *corpus;
    plan.requestFor = [r](const ast::Module &m) -> std::optional<exec::RunRequest> {
      if (!m.findFunction(r.name)) return std::nullopt;
      return r;
    };
  } else if (const ast::Function *main = input.findFunction("main"); main && main->body && isGpu(input.dialect)) {
    // A whole GPU program: both main() run, every kernel launch's device buffers are compared in
    // launch order. Only GPU programs record launches, so a version without them cannot be run.
    plan.what = "the whole program (main), every kernel launch compared";
    plan.requestFor = [](const ast::Module &m) -> std::optional<exec::RunRequest> {
      if (!isGpu(m.dialect) || !m.findFunction("main")) return std::nullopt;
      exec::RunRequest r;
      r.mode = exec::RunRequest::Mode::Program;
      r.trace = true;
      return r;
    };
  } else {
    out.why = "nothing says how to run it: give --entry NAME or --kernel NAME (with --launch) and --arg for each "
              "parameter";
    return true;
  }
  plan.options.seeds = 2;
  out.plan = plan;
  return true;
}

}  // namespace xpile::tools
