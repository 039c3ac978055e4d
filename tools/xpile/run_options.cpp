#include "tools/xpile/run_options.h"

#include "tools/xpile/command_line.h"

#include <llvm/Support/FileSystem.h>
#include <llvm/Support/raw_ostream.h>

namespace xpile::tools {

namespace cl = llvm::cl;


static cl::OptionCategory runCategory("Run options");

#define XPILE_RUN_AND_VERIFY cl::cat(runCategory), cl::sub(runCommand()), cl::sub(verifyCommand())
// What to run is also how `translate` verifies its output against its input.
#define XPILE_RUN_VERIFY_TRANSLATE XPILE_RUN_AND_VERIFY, cl::sub(translateCommand())

static cl::opt<std::string> kernelName("kernel", cl::desc("Launch this kernel (a template instance as 'k<16>')"),
                                       cl::value_desc("name"), XPILE_RUN_VERIFY_TRANSLATE);
static cl::opt<std::string> kernelNameB("kernel-b", cl::desc("verify: the kernel's name in the second file, when it differs"),
                                        cl::value_desc("name"), cl::cat(runCategory), cl::sub(verifyCommand()));
static cl::opt<std::string> entryName("entry", cl::desc("Call this host function (default: the program's main)"),
                                      cl::value_desc("name"), XPILE_RUN_VERIFY_TRANSLATE);
static cl::opt<std::string> gridFlag("grid", cl::desc("CUDA/HIP grid: X[,Y[,Z]]"), cl::value_desc("x,y,z"),
                                     XPILE_RUN_VERIFY_TRANSLATE);
static cl::opt<std::string> blockFlag("block", cl::desc("CUDA/HIP block: X[,Y[,Z]]"), cl::value_desc("x,y,z"),
                                      XPILE_RUN_VERIFY_TRANSLATE);
static cl::opt<uint64_t> sharedFlag("shared", cl::desc("CUDA/HIP dynamic shared memory per block, in bytes"),
                                    cl::value_desc("bytes"), cl::init(0), XPILE_RUN_VERIFY_TRANSLATE);
static cl::opt<std::string> taskDimFlag("task-dim", cl::desc("BANG task dimension: X[,Y[,Z]]"), cl::value_desc("x,y,z"),
                                        XPILE_RUN_AND_VERIFY);
static cl::opt<std::string> taskTypeFlag("task-type", cl::desc("BANG task type: block, union1, union2, union4, union8, union16"),
                                         cl::value_desc("type"), XPILE_RUN_AND_VERIFY);
static cl::list<std::string> argFlags("arg",
                                      cl::desc("An argument, in parameter order: TYPE[COUNT]:rand[:SEED], TYPE[COUNT]:zeros, "
                                               "TYPE[COUNT]:file=PATH, or TYPE:VALUE (types f64 f32 f16 bf16 i64 i32 i16 i8 u8)"),
                                      cl::value_desc("spec"), XPILE_RUN_VERIFY_TRANSLATE);
static cl::opt<double> timeoutFlag("timeout", cl::desc("Wall-clock limit for each run, in seconds (default 10)"),
                                   cl::value_desc("seconds"), cl::init(10), XPILE_RUN_VERIFY_TRANSLATE);
static cl::opt<unsigned> memoryFlag("memory-limit", cl::desc("Address-space limit for each run, in GiB (default 16)"),
                                    cl::value_desc("GiB"), cl::init(16), XPILE_RUN_VERIFY_TRANSLATE);
static cl::opt<bool> noBoundsCheck("no-bounds-check", cl::desc("Do not bounds-check device memory accesses (faster)"),
                                   XPILE_RUN_AND_VERIFY);
static cl::opt<int> warpSizeFlag("warp-size", cl::desc("Warp size for CUDA/HIP kernels: 32 or 64 (default: CUDA 32, HIP 64)"),
                                 cl::value_desc("n"), cl::init(0), XPILE_RUN_VERIFY_TRANSLATE);

static cl::opt<bool> bangStrict("bang-strict", cl::desc("BANG: enforce the MLU270-class alignment rules of the intrinsics"),
                                XPILE_RUN_AND_VERIFY);
static cl::opt<std::string> deviceFlag("device", cl::desc("Where to run: cpu (xpile's executors, the default) or gpu (a real "
                                                          "NVIDIA GPU through nvcc; CUDA only)"),
                                       cl::value_desc("cpu|gpu"), cl::init("cpu"), XPILE_RUN_AND_VERIFY);

#undef XPILE_RUN_VERIFY_TRANSLATE
#undef XPILE_RUN_AND_VERIFY

std::string parseDimList(const std::string &text, unsigned dims[3]) {
  unsigned values[3] = {1, 1, 1};
  size_t start = 0;
  for (int i = 0; i < 3; ++i) {
    size_t comma = text.find(',', start);
    std::string part = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    char *end = nullptr;
    unsigned long v = std::strtoul(part.c_str(), &end, 10);
    if (part.empty() || *end != '\0' || v == 0 || v > 0xffffffffu) return "expected X[,Y[,Z]] with positive integers";
    values[i] = static_cast<unsigned>(v);
    if (comma == std::string::npos) break;
    start = comma + 1;
    if (i == 2) return "at most three dimensions";
  }
  std::copy(values, values + 3, dims);
  return "";
}

static bool parseDims(const std::string &flag, const std::string &text, unsigned dims[3]) {
  std::string error = parseDimList(text, dims);
  if (!error.empty()) llvm::errs() << "xpile: error: --" << flag << " '" << text << "': " << error << "\n";
  return error.empty();
}

bool hasArgFlags() { return !argFlags.empty(); }
std::string secondKernelName() { return kernelNameB.empty() ? kernelName.getValue() : kernelNameB.getValue(); }

bool runRequestFromFlags(exec::RunRequest &r) {
  // The program is compiled for the executor with the include paths and macros it was parsed with.
  for (const std::string &a : parseOptionsFromFlags().extraArgs) {
    llvm::StringRef flag(a);
    if (flag.consume_front("-I")) {
      llvm::SmallString<256> dir(flag);  // the compiler runs elsewhere: relative to where xpile was started
      llvm::sys::fs::make_absolute(dir);
      r.includeDirs.push_back(std::string(dir));
    }
    else if (flag.consume_front("-D")) r.defines.push_back(flag.str());
  }
  if (!kernelName.empty() && !entryName.empty()) {
    llvm::errs() << "xpile: error: give either --kernel or --entry, not both\n";
    return false;
  }
  if (!kernelName.empty()) {
    r.mode = exec::RunRequest::Mode::Kernel;
    r.name = kernelName;
  } else if (!entryName.empty() && entryName != "main") {
    r.mode = exec::RunRequest::Mode::Entry;
    r.name = entryName;
  } else {
    r.mode = exec::RunRequest::Mode::Program;
  }
  if (!gridFlag.empty() && !(r.launch.hasGrid = parseDims("grid", gridFlag, r.launch.grid))) return false;
  if (!blockFlag.empty() && !(r.launch.hasBlock = parseDims("block", blockFlag, r.launch.block))) return false;
  if (!taskDimFlag.empty() && !(r.launch.hasTaskDim = parseDims("task-dim", taskDimFlag, r.launch.taskDim))) return false;
  r.launch.sharedBytes = sharedFlag;
  if (!taskTypeFlag.empty()) {
    static const std::pair<const char *, int> kTypes[] = {{"block", 0}, {"union1", 1}, {"union2", 2},
                                                          {"union4", 4}, {"union8", 8}, {"union16", 16}};
    for (auto &[name, n] : kTypes)
      if (taskTypeFlag == name) r.launch.taskTypeUnion = n;
    if (r.launch.taskTypeUnion < 0) {
      llvm::errs() << "xpile: error: --task-type '" << taskTypeFlag
                   << "': expected block, union1, union2, union4, union8 or union16\n";
      return false;
    }
  }
  for (const auto &text : argFlags) {
    std::string error;
    auto spec = exec::parseArgSpec(text, &error);
    if (!spec) {
      llvm::errs() << "xpile: error: " << error << "\n";
      return false;
    }
    r.args.push_back(*spec);
  }
  if (r.mode == exec::RunRequest::Mode::Program && !r.args.empty()) {
    llvm::errs() << "xpile: error: --arg needs --kernel or --entry (a whole program makes its own inputs)\n";
    return false;
  }
  if (warpSizeFlag != 0 && warpSizeFlag != 32 && warpSizeFlag != 64) {
    llvm::errs() << "xpile: error: --warp-size must be 32 or 64\n";
    return false;
  }
  r.warpSize = warpSizeFlag;
  r.bangStrict = bangStrict;
  if (deviceFlag != "cpu" && deviceFlag != "gpu") {
    llvm::errs() << "xpile: error: --device must be cpu or gpu\n";
    return false;
  }
  if (deviceFlag == "gpu") {
    if (!exec::haveNvidiaGpu()) {
      llvm::errs() << "xpile: error: --device gpu: no NVIDIA GPU on this machine (nvidia-smi lists none)\n";
      return false;
    }
    r.device = exec::RunRequest::Device::Gpu;
  }
  r.checkBounds = !noBoundsCheck;
  r.limits.timeoutSeconds = timeoutFlag;
  r.limits.memoryBytes = static_cast<size_t>(memoryFlag) << 30;
  return true;
}

}  // namespace xpile::tools
