#include "backends/exec/executor.h"

#include "backends/exec/cpu_features.h"
#include "backends/harness_main.h"
#include "backends/printer.h"

#include "backends/exec/runtime_headers.h"

#include <llvm/Support/FileSystem.h>
#include <llvm/Support/SHA256.h>
#include <llvm/ADT/StringExtras.h>
#include <unistd.h>
#include <llvm/Support/Path.h>

namespace xpile::exec {

std::optional<DType> dtypeOfElement(const ast::Type &t) {
  if (t.kind != ast::Type::Kind::Scalar) return std::nullopt;
  switch (t.scalar) {
  case ast::ScalarType::F64: return DType::F64;
  case ast::ScalarType::F32: return DType::F32;
  case ast::ScalarType::F16: return DType::F16;
  case ast::ScalarType::BF16: return DType::BF16;
  case ast::ScalarType::I64: return DType::I64;
  case ast::ScalarType::U64: return DType::U64;
  case ast::ScalarType::I32: return DType::I32;
  case ast::ScalarType::U32: return DType::U32;
  case ast::ScalarType::I16: return DType::I16;
  case ast::ScalarType::U16: return DType::U16;
  case ast::ScalarType::I8: case ast::ScalarType::Char: return DType::I8;
  case ast::ScalarType::U8: case ast::ScalarType::Bool: return DType::U8;
  default: return std::nullopt;
  }
}

std::string describeFailure(const RunResult &r) {
  switch (r.status) {
  case RunResult::Status::Ok: return "ok";
  case RunResult::Status::Fault: return "fault (" + r.faultKind + "): " + r.faultMessage;
  case RunResult::Status::Failed: return "exited with status " + std::to_string(r.exitCode);
  default: return r.message.empty() ? statusName(r.status) : r.message;
  }
}

namespace {

RunOutcome runCompiled(const ast::Module &m, const RunRequest &req, RunOutcome &out);

// Checks one --arg against the parameter it feeds.
std::string checkArgument(const ast::Param &p, size_t k, const ArgSpec &spec) {
  std::string where = "argument " + std::to_string(k) + " ('" + p.name + "')";
  const ast::Type &t = *p.type;
  bool isBufferParam = t.kind == ast::Type::Kind::Pointer || t.kind == ast::Type::Kind::Array;
  if (isBufferParam && spec.kind != ArgSpec::Kind::Buffer)
    return where + " is a pointer: give a buffer, e.g. --arg '" + std::string(dtypeName(spec.type)) + "[1024]:rand'";
  if (!isBufferParam && spec.kind != ArgSpec::Kind::Scalar)
    return where + " is a scalar: give a value, e.g. --arg '" + std::string(dtypeName(spec.type)) + ":1'";
  const ast::Type &elem = isBufferParam ? *t.element : t;
  if (auto expected = dtypeOfElement(elem); expected && *expected != spec.type &&
                                            !(isBufferParam && elementSize(*expected) == elementSize(spec.type) &&
                                              isFloatType(*expected) == isFloatType(spec.type)))
    return where + " has element type " + dtypeName(*expected) + " but --arg gives " + dtypeName(spec.type);
  return "";
}

std::vector<std::string> dialectFlags(ast::Dialect d) {
  std::vector<std::string> flags;
  if (d == ast::Dialect::VNNI || d == ast::Dialect::C) {
    flags.push_back("-fopenmp");
    if (cpuHasAvx512Vnni())
      for (const auto &f : avx512VnniFlags()) flags.push_back(f);
  }
  return flags;
}

}  // namespace

bool haveNvidiaGpu() {
  RunLimits limits;
  limits.timeoutSeconds = 20;
  RunResult r = runSandboxed({"nvidia-smi", "-L"}, {}, limits, "/tmp");
  return r.ok() && r.out.find("GPU") != std::string::npos;
}

GpuProgram gpuProgram(const ast::Module &m, const RunRequest &req) {
  GpuProgram out;
  if (m.dialect != ast::Dialect::CUDA) {
    out.error = "--device gpu runs CUDA programs only";
    return out;
  }
  bool harnessed = req.mode != RunRequest::Mode::Program;
  std::string harness;
  if (harnessed) {
    backends::HarnessRequest hr;
    hr.mode = req.mode == RunRequest::Mode::Kernel ? backends::HarnessRequest::Mode::Kernel
                                                    : backends::HarnessRequest::Mode::Entry;
    hr.name = req.name;
    backends::HarnessMain main = backends::deviceHarnessMain(m, hr);
    if (main.code.empty()) {
      out.error = main.error;
      return out;
    }
    harness = main.code;
  }
  backends::PrintOptions opts;
  opts.format = false;
  backends::PrintResult printed = backends::printModule(m, m.dialect, opts);
  if (!printed.ok()) {
    out.error = printed.errors.front().message;
    return out;
  }
  if (harnessed) {
    // The program's own main() gives way to the harness.
    opts.forExecution = false;
    ast::Module renamed = m;
    for (auto &item : renamed.items)
      if (auto *f = std::get_if<ast::Function>(&item); f && f->name == "main") f->name = "xpile_user_main";
    printed = backends::printModule(renamed, m.dialect, opts);
  }
  out.source = printed.code + harness;
  return out;
}

CompileResult compileWithNvcc(const std::string &source, const std::string &displayName) {
  CompileResult result;
  std::string error, root = writableCacheRoot(&error);
  std::string runtimeDir = root.empty() ? "" : materializeRuntimeHeaders(root, &error);
  if (runtimeDir.empty()) {
    result.diagnostics = "xpile: " + error + "\n";
    return result;
  }
  const char *archEnv = std::getenv("XPILE_NVCC_ARCH");
  std::string arch = archEnv ? archEnv : "native";
  llvm::SHA256 sha;
  sha.update(source);
  sha.update(arch);
  sha.update(runtimeHeadersHash());
  auto digest = sha.final();
  std::string dir = root + "/programs-gpu/" + llvm::toHex(llvm::ArrayRef<uint8_t>(digest.data(), digest.size()), true).substr(0, 32);
  std::string src = dir + "/prog.cu", exe = dir + "/prog";
  if (::access(exe.c_str(), X_OK) == 0) {
    result.ok = true;
    result.cached = true;
    result.executable = exe;
    return result;
  }
  if (!makeDirectories(dir, &error) || !writeFileAtomically(src, "#line 1 \"" + displayName + "\"\n" + source, &error)) {
    result.diagnostics = "xpile: " + error + "\n";
    return result;
  }
  std::string nvcc = ::access("/usr/local/cuda/bin/nvcc", X_OK) == 0 ? "/usr/local/cuda/bin/nvcc" : "nvcc";
  RunLimits limits;
  limits.timeoutSeconds = 300;
  limits.memoryBytes = 0;
  std::vector<std::string> argv = {nvcc, "-O2", "-std=c++17", "-arch=" + arch, "-I" + runtimeDir, src, "-o", exe};
  RunResult r = runSandboxed(argv, {}, limits, dir);
  result.command = nvcc + " -O2 -std=c++17 -arch=" + arch + " ...";
  result.diagnostics = r.err + r.out;
  result.ok = r.ok();
  result.seconds = r.seconds;
  if (result.ok) result.executable = exe;
  return result;
}

RunOutcome runProgram(const ast::Module &m, const RunRequest &req) {
  RunOutcome out;
  bool harnessed = req.mode != RunRequest::Mode::Program;
  const ast::Function *target = nullptr;
  std::string harness;
  if (harnessed) {
    backends::HarnessRequest hr;
    hr.mode = req.mode == RunRequest::Mode::Kernel ? backends::HarnessRequest::Mode::Kernel
                                                    : backends::HarnessRequest::Mode::Entry;
    hr.name = req.name;
    backends::HarnessMain main = backends::harnessMain(m, hr);
    if (main.code.empty()) {  // no target, or a parameter --arg cannot supply
      out.setupError = main.error;
      return out;
    }
    target = main.target;
    harness = main.code;
    if (req.args.size() != target->params.size()) {
      out.setupError = "'" + req.name + "' takes " + std::to_string(target->params.size()) + " arguments but " +
                       std::to_string(req.args.size()) + " --arg were given";
      return out;
    }
    for (size_t k = 0; k < req.args.size(); ++k)
      if (std::string e = checkArgument(target->params[k], k, req.args[k]); !e.empty()) {
        out.setupError = e;
        return out;
      }
    if (req.mode == RunRequest::Mode::Kernel) {
      if (m.dialect == ast::Dialect::BANG && !req.launch.hasTaskDim) {
        out.setupError = "a BANG kernel needs --task-dim X[,Y[,Z]] (and --task-type)";
        return out;
      }
      if ((m.dialect == ast::Dialect::CUDA || m.dialect == ast::Dialect::HIP) &&
          (!req.launch.hasGrid || !req.launch.hasBlock)) {
        out.setupError = "a " + std::string(ast::dialectName(m.dialect)) + " kernel needs --grid and --block";
        return out;
      }
    }
  } else if (!m.findFunction("main")) {
    out.setupError = "the file has no main(); name what to run with --kernel or --entry";
    return out;
  }

  if (req.device == RunRequest::Device::Gpu) {
    GpuProgram program = gpuProgram(m, req);
    if (!program.error.empty()) {
      out.setupError = program.error;
      return out;
    }
    out.compile = compileWithNvcc(program.source, llvm::sys::path::filename(m.sourceFile).str() + ".gpu.cu");
    if (!out.compile.ok) {
      out.setupError = "the program does not compile with nvcc:\n" + out.compile.diagnostics;
      return out;
    }
    return runCompiled(m, req, out);
  }

  // The program: the module printed for its executor, then the harness.
  backends::PrintOptions opts;
  opts.format = false;
  opts.forExecution = true;
  opts.checkedAccesses = req.checkBounds;
  opts.renameMain = harnessed;
  backends::PrintResult printed = backends::printModule(m, m.dialect, opts);
  if (!printed.ok()) {
    out.setupError = "cannot print the program for the executor: " + printed.errors.front().message;
    return out;
  }
  CompileOptions copts;
  copts.flags = dialectFlags(m.dialect);
  llvm::SmallString<256> sourceDir(m.sourceFile);
  llvm::sys::fs::make_absolute(sourceDir);
  llvm::sys::path::remove_filename(sourceDir);
  if (!m.sourceFile.empty()) copts.includeDirs.push_back(std::string(sourceDir));
  copts.includeDirs.insert(copts.includeDirs.end(), req.includeDirs.begin(), req.includeDirs.end());
  copts.defines = req.defines;
  // The GPU and MLU runtimes are large enough to be worth precompiling; the CPU one is not.
  if (m.dialect == ast::Dialect::CUDA || m.dialect == ast::Dialect::HIP || m.dialect == ast::Dialect::BANG)
    copts.precompiledRuntime = backends::executorHeader(m.dialect);
  std::string base = llvm::sys::path::filename(m.sourceFile).str();
  if (m.isCxx) {
    copts.displayName = base + ".exec.cpp";
    out.compile = compileProgram(printed.code + harness, copts);
  } else {
    // A C program stays C; the harness main is C++ and calls it through C linkage.
    std::vector<SourceFile> sources = {{printed.code, SourceLanguage::C, base + ".exec.c"}};
    if (harnessed) {
      std::string decl = "extern \"C\" " + backends::cFunctionDeclaration(m, *target) + ";\n";
      sources.push_back({"#include \"xpile_cpu.h\"\n" + decl + harness, SourceLanguage::Cxx, base + ".harness.cpp"});
    }
    out.compile = compileProgram(sources, copts);
  }
  if (!out.compile.ok) {
    out.setupError = "the program does not compile for the executor:\n" + out.compile.diagnostics;
    return out;
  }
  return runCompiled(m, req, out);
}

namespace {

// Writes the inputs and the job, and runs the compiled program in the sandbox.
RunOutcome runCompiled(const ast::Module &m, const RunRequest &req, RunOutcome &out) {
  bool harnessed = req.mode != RunRequest::Mode::Program;

  // Inputs, the job, and the run.
  std::string work = req.workDir;
  std::string outDir = work + "/out", traceDir = work + "/trace";
  llvm::sys::fs::create_directories(outDir);
  std::map<std::string, std::string> env;
  if (harnessed) {
    JobSpec job;
    for (size_t k = 0; k < req.args.size(); ++k) {
      const ArgSpec &spec = req.args[k];
      std::string path;
      if (spec.kind == ArgSpec::Kind::Buffer && spec.init != ArgSpec::Init::Zeros) {
        if (spec.init == ArgSpec::Init::File) {
          path = spec.path;
        } else {
          std::vector<uint8_t> data;
          std::string error;
          path = work + "/in" + std::to_string(k) + ".bin";
          if (!makeBuffer(spec, data, &error) || !writeRawFile(path, data, &error)) {
            out.setupError = error;
            return out;
          }
        }
      }
      job.args.push_back(jobArg(spec, path));
    }
    for (int i = 0; i < 3; ++i) {
      job.grid[i] = req.launch.grid[i];
      job.block[i] = req.launch.block[i];
      job.taskDim[i] = req.launch.taskDim[i];
    }
    job.sharedBytes = req.launch.sharedBytes;
    job.taskTypeUnion = req.launch.taskTypeUnion < 0 ? 1 : req.launch.taskTypeUnion;
    job.dumpDir = outDir;
    std::string jobPath = work + "/job.txt", error;
    std::string text = formatJob(job);
    if (!writeRawFile(jobPath, std::vector<uint8_t>(text.begin(), text.end()), &error)) {
      out.setupError = error;
      return out;
    }
    env["XPILE_JOB"] = jobPath;
  }
  env["XPILE_CHECK_BOUNDS"] = req.checkBounds ? "1" : "0";
  env["XPILE_SCHEDULE"] = req.schedule;
  if (req.warpSize) env["XPILE_WARP_SIZE"] = std::to_string(req.warpSize);
  if (req.bangStrict) env["XPILE_BANG_STRICT"] = "1";
  if (req.trace) {
    llvm::sys::fs::remove_directories(traceDir);
    llvm::sys::fs::create_directories(traceDir);
    env["XPILE_TRACE_DIR"] = traceDir;
    out.traceDir = traceDir;
  }
  out.run = runSandboxed({out.compile.executable}, env, req.limits, work);
  if (out.run.ok() && harnessed)
    for (size_t k = 0; k < req.args.size(); ++k)
      if (req.args[k].kind == ArgSpec::Kind::Buffer)
        out.buffers.push_back({static_cast<int>(k), req.args[k].type, req.args[k].count,
                               outDir + "/arg" + std::to_string(k) + ".bin"});
  return out;
}

}  // namespace

}  // namespace xpile::exec
