// Running a program of any dialect on this CPU: print it for the dialect's executor (plus a harness
// main for one kernel or entry function), compile it with clang++-16 (cached), and run it in the
// sandbox with its arguments from files. `xpile run` and `xpile verify` are built on this.
#pragma once

#include "ast/module.h"
#include "backends/exec/arg_spec.h"
#include "backends/exec/compiler.h"
#include "backends/exec/sandbox.h"

#include <string>
#include <vector>

namespace xpile::exec {

struct LaunchSpec {
  unsigned grid[3] = {1, 1, 1}, block[3] = {1, 1, 1}, taskDim[3] = {1, 1, 1};
  uint64_t sharedBytes = 0;
  int taskTypeUnion = -1;  // 0 block, N unionN, -1 not given
  bool hasGrid = false, hasBlock = false, hasTaskDim = false;
};

struct RunRequest {
  enum class Mode { Program, Kernel, Entry } mode = Mode::Program;
  std::string name;            // Kernel / Entry: the kernel or function ("k" or "k<16>")
  LaunchSpec launch;           // Kernel mode
  std::vector<ArgSpec> args;   // Kernel / Entry mode: one per parameter, in order
  bool checkBounds = true;     // bounds-check device-code subscripts of pointers
  std::string schedule = "forward";
  int warpSize = 0;            // 0: the dialect's
  bool trace = false;          // record every launch's buffers (whole-program verification)
  bool bangStrict = false;     // BANG: enforce the MLU270-class alignment rules
  // Cpu: the dialect's executor. Gpu: a real NVIDIA GPU through nvcc (CUDA only; needs a GPU).
  enum class Device { Cpu, Gpu } device = Device::Cpu;
  RunLimits limits;
  std::string workDir;         // inputs, outputs (argK.bin in workDir/out) and traces (workDir/trace)
  // The user's -I directories and -D macros, as the source was parsed with them (the source's own
  // directory is always searched, so `#include "local.h"` resolves as it did for the compiler).
  std::vector<std::string> includeDirs, defines;
};

struct OutputBuffer {
  int position = 0;  // parameter position (scalars counted)
  DType type = DType::F32;
  uint64_t count = 0;
  std::string path;  // raw contents after the run
};

struct RunOutcome {
  // Why the program could not be run (bad request, print or compile error); empty when it ran.
  std::string setupError;
  CompileResult compile;
  RunResult run;
  std::vector<OutputBuffer> buffers;  // Kernel / Entry mode, after a successful run
  std::string traceDir;               // when tracing
  bool ran() const { return setupError.empty(); }
  bool ok() const { return ran() && run.ok(); }
};

// The dtype a parameter's element type corresponds to (f32 for `const float *`), if any.
std::optional<DType> dtypeOfElement(const ast::Type &t);

RunOutcome runProgram(const ast::Module &m, const RunRequest &request);

// Whether this machine has an NVIDIA GPU (nvidia-smi lists one).
bool haveNvidiaGpu();

// The CUDA program (and, for --kernel/--entry, its GPU harness) that `--device gpu` compiles with
// nvcc; exposed so tests can compile it where no GPU exists.
struct GpuProgram {
  std::string source, error;
};
GpuProgram gpuProgram(const ast::Module &m, const RunRequest &request);
// nvcc -O2 -std=c++17 -arch=$XPILE_NVCC_ARCH (default native), cached like compileProgram.
CompileResult compileWithNvcc(const std::string &source, const std::string &displayName);

// "fault (out-of-bounds): ...", "timed out after 10 s", ... for a run that did not succeed.
std::string describeFailure(const RunResult &r);

}  // namespace xpile::exec
