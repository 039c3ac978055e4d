// `xpile verify A B`: runs both programs on identical inputs and compares every buffer.
//   - With --kernel/--entry: the arguments come from --arg; every random buffer gets several seeds
//     (--seeds) plus one run with edge values, and all buffer arguments are compared after each run.
//   - Without: both files' own main() run with every kernel launch recorded, and the buffers of
//     each launch are compared in launch order.
#include "backends/exec/buffer_compare.h"
#include "tools/xpile/command_line.h"
#include "tools/xpile/run_options.h"
#include "tools/xpile/work_dir.h"

#include <llvm/Support/FileSystem.h>
#include <llvm/Support/raw_ostream.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <future>
#include <sstream>

namespace xpile::tools {

namespace cl = llvm::cl;

static cl::opt<std::string> fileA(cl::Positional, cl::desc("<reference file>"), cl::Required, cl::sub(verifyCommand));
static cl::opt<std::string> fileB(cl::Positional, cl::desc("<candidate file>"), cl::Required, cl::sub(verifyCommand));
static cl::opt<unsigned> seedCount("seeds", cl::desc("Random inputs per run: this many seeds (default 3), plus edge values"),
                                   cl::value_desc("n"), cl::init(3), cl::sub(verifyCommand));
static cl::opt<double> rtolFlag("rtol", cl::desc("Relative tolerance (default per type: f64 1e-9, f32 1e-4, f16 1e-2, bf16 2e-2)"),
                                cl::value_desc("r"), cl::init(-1), cl::sub(verifyCommand));
static cl::opt<double> atolFlag("atol", cl::desc("Absolute tolerance (default per type: f64 1e-12, f32 1e-5, f16 1e-3, bf16 1e-2)"),
                                cl::value_desc("a"), cl::init(-1), cl::sub(verifyCommand));
static cl::opt<bool> verifyJson("json", cl::desc("Print the verdict as JSON"), cl::sub(verifyCommand));

namespace {

exec::Tolerance toleranceFor(exec::DType type) {
  exec::Tolerance t = exec::defaultTolerance(type);
  if (rtolFlag >= 0) t.rtol = rtolFlag;
  if (atolFlag >= 0) t.atol = atolFlag;
  return t;
}

struct Verdict {
  bool pass = false;
  std::string message;  // the first mismatch or failure, or what was compared
  unsigned runs = 0, buffers = 0;
};

std::string describeMismatch(const std::string &what, exec::DType type, uint64_t elements, const exec::Mismatch &m) {
  std::ostringstream os;
  os.precision(9);
  os << what << " (" << exec::dtypeName(type) << "[" << elements << "]) differs at index " << m.index << ": A=" << m.a
     << " B=" << m.b << " (" << m.count << " of " << elements << " elements differ)";
  return os.str();
}

bool readBuffer(const std::string &path, std::vector<uint8_t> &data, std::string &error) {
  return exec::readRawFile(path, data, &error);
}

// One run of each program with the same request but for the kernel name.
bool runBoth(const ast::Module &a, const ast::Module &b, exec::RunRequest request, const std::string &work,
             exec::RunOutcome &outA, exec::RunOutcome &outB, Verdict &v) {
  exec::RunRequest requestB = request;
  requestB.name = request.mode == exec::RunRequest::Mode::Kernel ? secondKernelName() : request.name;
  request.workDir = work + "/a";
  requestB.workDir = work + "/b";
  llvm::sys::fs::create_directories(request.workDir);
  llvm::sys::fs::create_directories(requestB.workDir);
  // The two programs compile and run side by side (each in its own work directory and process).
  auto futureB = std::async(std::launch::async, [&] { return exec::runProgram(b, requestB); });
  outA = exec::runProgram(a, request);
  outB = futureB.get();
  for (auto [name, out] : {std::pair<std::string, exec::RunOutcome *>{fileA, &outA}, {fileB, &outB}}) {
    if (!out->ran()) {
      v.message = name + ": " + out->setupError;
      return false;
    }
    if (!out->ok()) {
      v.message = name + ": the program " + exec::describeFailure(out->run);
      return false;
    }
  }
  return true;
}

Verdict verifyArguments(const ast::Module &a, const ast::Module &b, const exec::RunRequest &base, const std::string &work) {
  Verdict v;
  unsigned runs = seedCount + 1;  // seeds, then edge values
  for (unsigned run = 0; run < runs; ++run) {
    bool edge = run == seedCount;
    exec::RunRequest request = base;
    std::string inputs = work + "/inputs" + std::to_string(run);
    llvm::sys::fs::create_directories(inputs);
    // Identical inputs for both programs: generated once, passed as files.
    for (size_t k = 0; k < request.args.size(); ++k) {
      exec::ArgSpec &spec = request.args[k];
      if (spec.kind != exec::ArgSpec::Kind::Buffer || spec.init != exec::ArgSpec::Init::Random) continue;
      std::vector<uint8_t> data = edge ? exec::edgeValueBuffer(spec.type, spec.count, spec.seed)
                                       : exec::randomBuffer(spec.type, spec.count, spec.seed + run);
      std::string path = inputs + "/arg" + std::to_string(k) + ".bin", error;
      if (!exec::writeRawFile(path, data, &error)) {
        v.message = error;
        return v;
      }
      spec.init = exec::ArgSpec::Init::File;
      spec.path = path;
    }
    exec::RunOutcome outA, outB;
    if (!runBoth(a, b, request, work + "/run" + std::to_string(run), outA, outB, v)) return v;
    for (size_t i = 0; i < outA.buffers.size() && i < outB.buffers.size(); ++i) {
      std::vector<uint8_t> da, db;
      std::string error;
      if (!readBuffer(outA.buffers[i].path, da, error) || !readBuffer(outB.buffers[i].path, db, error)) {
        v.message = error;
        return v;
      }
      const exec::OutputBuffer &buf = outA.buffers[i];
      if (auto m = exec::compareBuffers(buf.type, da, db, toleranceFor(buf.type))) {
        const ast::Function *f = a.findFunction(base.name);
        std::string param = f && buf.position < static_cast<int>(f->params.size()) ? " ('" + f->params[buf.position].name + "')" : "";
        v.message = describeMismatch("argument " + std::to_string(buf.position) + param, buf.type, buf.count, *m) +
                    (edge ? " with edge-value inputs" : " with seed " + std::to_string(run + 1));
        return v;
      }
    }
    v.buffers = static_cast<unsigned>(outA.buffers.size());
    ++v.runs;
  }
  v.pass = true;
  v.message = std::to_string(v.runs) + " runs (" + std::to_string(seedCount) + " seeds and edge values), " +
              std::to_string(v.buffers) + " buffers compared each run";
  return v;
}

struct TraceEntry {
  int launch = 0, arg = 0;
  std::string kernel, dtype, label, file;
  uint64_t bytes = 0;
};

std::vector<TraceEntry> readTrace(const std::string &dir) {
  std::vector<TraceEntry> entries;
  std::ifstream in(dir + "/trace.jsonl");
  std::string line;
  while (std::getline(in, line)) {
    auto j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) continue;
    entries.push_back({j.value("launch", 0), j.value("arg", 0), j.value("kernel", ""), j.value("dtype", "bytes"),
                       j.value("label", ""), j.value("file", ""), j.value("bytes", uint64_t(0))});
  }
  return entries;
}

Verdict verifyPrograms(const ast::Module &a, const ast::Module &b, exec::RunRequest request, const std::string &work) {
  Verdict v;
  request.trace = true;
  exec::RunOutcome outA, outB;
  if (!runBoth(a, b, request, work, outA, outB, v)) return v;
  std::vector<TraceEntry> ta = readTrace(outA.traceDir), tb = readTrace(outB.traceDir);
  if (ta.empty() && tb.empty()) {
    v.message = "neither program launched a kernel on device buffers; nothing to compare";
    return v;
  }
  if (ta.size() != tb.size()) {
    v.message = "the programs record different launches: " + std::to_string(ta.size()) + " device buffers in " + fileA +
                ", " + std::to_string(tb.size()) + " in " + fileB;
    return v;
  }
  for (size_t i = 0; i < ta.size(); ++i) {
    const TraceEntry &ea = ta[i], &eb = tb[i];
    // Buffers of element types without a dtype (structs) compare byte for byte.
    auto type = ea.dtype == "bytes" ? std::optional<exec::DType>(exec::DType::U8) : exec::parseDType(ea.dtype);
    if (ea.launch != eb.launch || ea.arg != eb.arg || ea.dtype != eb.dtype || !type) {
      v.message = "launch " + std::to_string(ea.launch) + " ('" + ea.kernel + "' / '" + eb.kernel +
                  "'): the recorded arguments differ (argument " + std::to_string(ea.arg) + " " + ea.dtype + " vs " +
                  std::to_string(eb.arg) + " " + eb.dtype + ")";
      return v;
    }
    std::vector<uint8_t> da, db;
    std::string error;
    if (!readBuffer(outA.traceDir + "/" + ea.file, da, error) || !readBuffer(outB.traceDir + "/" + eb.file, db, error)) {
      v.message = error;
      return v;
    }
    if (auto m = exec::compareBuffers(*type, da, db, toleranceFor(*type))) {
      v.message = describeMismatch("after launch " + std::to_string(ea.launch) + " of '" + ea.kernel + "', argument " +
                                       std::to_string(ea.arg) + (ea.label.empty() ? "" : " ('" + ea.label + "')"),
                                   *type, da.size() / exec::elementSize(*type), *m);
      return v;
    }
  }
  v.pass = true;
  v.runs = 1;
  v.buffers = static_cast<unsigned>(ta.size());
  v.message = std::to_string(ta.back().launch + 1) + " launches, " + std::to_string(ta.size()) + " device buffers compared";
  return v;
}

}  // namespace

int runVerify() {
  exec::RunRequest request;
  if (!runRequestFromFlags(request)) return 2;
  std::optional<ast::Module> a = parseInput(fileA);
  if (!a) return 1;
  std::optional<ast::Module> b = parseInput(fileB);
  if (!b) return 1;
  if (request.mode != exec::RunRequest::Mode::Program && request.args.empty()) {
    llvm::errs() << "xpile: error: give one --arg per parameter of '" << request.name << "'\n";
    return 2;
  }
  WorkDir work;
  Verdict v = request.mode == exec::RunRequest::Mode::Program ? verifyPrograms(*a, *b, request, work.path())
                                                              : verifyArguments(*a, *b, request, work.path());
  if (verifyJson) {
    nlohmann::json j = {{"a", fileA.getValue()}, {"b", fileB.getValue()}, {"verdict", v.pass ? "PASS" : "FAIL"},
                        {"runs", v.runs}, {"message", v.message}};
    llvm::outs() << j.dump(2) << "\n";
  } else {
    llvm::outs() << (v.pass ? "PASS: " : "FAIL: ") << v.message << "\n";
  }
  return v.pass ? 0 : 1;
}

}  // namespace xpile::tools
