#include "backends/exec/verification.h"

#include <llvm/Support/FileSystem.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <future>
#include <sstream>

namespace xpile::exec {

namespace {

Tolerance toleranceFor(DType type, const VerifyOptions &o) {
  Tolerance t = defaultTolerance(type);
  if (o.rtol >= 0) t.rtol = o.rtol;
  if (o.atol >= 0) t.atol = o.atol;
  return t;
}

std::string describeMismatch(const std::string &what, DType type, uint64_t elements, const Mismatch &m) {
  std::ostringstream os;
  os.precision(9);
  os << what << " (" << dtypeName(type) << "[" << elements << "]) differs at index " << m.index << ": A=" << m.a
     << " B=" << m.b << " (" << m.count << " of " << elements << " elements differ)";
  return os.str();
}

// One run of each program, side by side (each in its own work directory and process).
bool runBoth(const ast::Module &a, RunRequest requestA, const ast::Module &b, RunRequest requestB,
             const VerifyOptions &o, const std::string &work, RunOutcome &outA, RunOutcome &outB, Verdict &v) {
  requestA.workDir = work + "/a";
  requestB.workDir = work + "/b";
  llvm::sys::fs::create_directories(requestA.workDir);
  llvm::sys::fs::create_directories(requestB.workDir);
  auto futureB = std::async(std::launch::async, [&] { return runProgram(b, requestB); });
  outA = runProgram(a, requestA);
  outB = futureB.get();
  for (auto [name, out] : {std::pair<std::string, RunOutcome *>{o.nameA, &outA}, {o.nameB, &outB}}) {
    if (!out->ran()) {
      v.message = name + ": " + out->setupError;
      return false;
    }
    if (!out->ok()) {
      v.message = name + ": the program " + describeFailure(out->run);
      return false;
    }
  }
  return true;
}

// Random buffers of `request` become files under `inputs` (seeded by `run`, or edge values), so
// both programs read identical data; equal specs give equal bytes.
bool materializeInputs(RunRequest &request, unsigned run, bool edge, const std::string &inputs, std::string &error) {
  for (size_t k = 0; k < request.args.size(); ++k) {
    ArgSpec &spec = request.args[k];
    if (spec.kind != ArgSpec::Kind::Buffer || spec.init != ArgSpec::Init::Random) continue;
    std::vector<uint8_t> data = edge ? edgeValueBuffer(spec.type, spec.count, spec.seed)
                                     : randomBuffer(spec.type, spec.count, spec.seed + run);
    std::string path = inputs + "/arg" + std::to_string(k) + ".bin";
    if (!writeRawFile(path, data, &error)) return false;
    spec.init = ArgSpec::Init::File;
    spec.path = path;
  }
  return true;
}

}  // namespace

Verdict verifyWithArguments(const ast::Module &a, const ast::Module &b, const RunRequest &base,
                            const std::string &nameInB, const VerifyOptions &o, const std::string &work) {
  RunRequest requestB = base;
  requestB.name = nameInB;
  return verifyRequests(a, base, b, requestB, o, work);
}

Verdict verifyRequests(const ast::Module &a, const RunRequest &baseA, const ast::Module &b, const RunRequest &baseB,
                       const VerifyOptions &o, const std::string &work) {
  Verdict v;
  unsigned runs = o.seeds + 1;  // seeds, then edge values
  for (unsigned run = 0; run < runs; ++run) {
    bool edge = run == o.seeds;
    RunRequest requestA = baseA, requestB = baseB;
    std::string inputs = work + "/inputs" + std::to_string(run);
    llvm::sys::fs::create_directories(inputs + "/a");
    llvm::sys::fs::create_directories(inputs + "/b");
    if (!materializeInputs(requestA, run, edge, inputs + "/a", v.message) ||
        !materializeInputs(requestB, run, edge, inputs + "/b", v.message))
      return v;
    RunOutcome outA, outB;
    if (!runBoth(a, requestA, b, requestB, o, work + "/run" + std::to_string(run), outA, outB, v)) return v;
    if (outA.buffers.size() != outB.buffers.size()) {
      v.message = o.nameA + " has " + std::to_string(outA.buffers.size()) + " buffer arguments, " + o.nameB + " " +
                  std::to_string(outB.buffers.size());
      return v;
    }
    for (size_t i = 0; i < outA.buffers.size(); ++i) {
      std::vector<uint8_t> da, db;
      std::string error;
      if (!readRawFile(outA.buffers[i].path, da, &error) || !readRawFile(outB.buffers[i].path, db, &error)) {
        v.message = error;
        return v;
      }
      const OutputBuffer &buf = outA.buffers[i];
      if (auto m = compareBuffers(buf.type, da, db, toleranceFor(buf.type, o))) {
        const ast::Function *f = a.findFunction(baseA.name);
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
  v.message = std::to_string(v.runs) + " runs (" + std::to_string(o.seeds) + " seeds and edge values), " +
              std::to_string(v.buffers) + " buffers compared each run";
  return v;
}

namespace {

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

}  // namespace

Verdict verifyWholePrograms(const ast::Module &a, const ast::Module &b, const RunRequest &base, const VerifyOptions &o,
                            const std::string &work) {
  Verdict v;
  RunRequest request = base;
  request.trace = true;
  RunOutcome outA, outB;
  if (!runBoth(a, request, b, request, o, work, outA, outB, v)) return v;
  std::vector<TraceEntry> ta = readTrace(outA.traceDir), tb = readTrace(outB.traceDir);
  if (ta.empty() && tb.empty()) {
    v.message = "neither program launched a kernel on device buffers; nothing to compare";
    return v;
  }
  if (ta.size() != tb.size()) {
    v.message = "the programs record different launches: " + std::to_string(ta.size()) + " device buffers in " + o.nameA +
                ", " + std::to_string(tb.size()) + " in " + o.nameB;
    return v;
  }
  for (size_t i = 0; i < ta.size(); ++i) {
    const TraceEntry &ea = ta[i], &eb = tb[i];
    // Buffers of element types without a dtype (structs) compare byte for byte.
    auto type = ea.dtype == "bytes" ? std::optional<DType>(DType::U8) : parseDType(ea.dtype);
    if (ea.launch != eb.launch || ea.arg != eb.arg || ea.dtype != eb.dtype || !type) {
      v.message = "launch " + std::to_string(ea.launch) + " ('" + ea.kernel + "' / '" + eb.kernel +
                  "'): the recorded arguments differ (argument " + std::to_string(ea.arg) + " " + ea.dtype + " vs " +
                  std::to_string(eb.arg) + " " + eb.dtype + ")";
      return v;
    }
    std::vector<uint8_t> da, db;
    std::string error;
    if (!readRawFile(outA.traceDir + "/" + ea.file, da, &error) || !readRawFile(outB.traceDir + "/" + eb.file, db, &error)) {
      v.message = error;
      return v;
    }
    if (auto m = compareBuffers(*type, da, db, toleranceFor(*type, o))) {
      v.message = describeMismatch("after launch " + std::to_string(ea.launch) + " of '" + ea.kernel + "', argument " +
                                       std::to_string(ea.arg) + (ea.label.empty() ? "" : " ('" + ea.label + "')"),
                                   *type, da.size() / elementSize(*type), *m);
      return v;
    }
  }
  v.pass = true;
  v.runs = 1;
  v.buffers = static_cast<unsigned>(ta.size());
  v.message = std::to_string(ta.back().launch + 1) + " launches, " + std::to_string(ta.size()) + " device buffers compared";
  return v;
}


}  // namespace xpile::exec
