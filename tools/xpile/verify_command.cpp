// `xpile verify A B`: runs both programs on identical inputs and compares every buffer.
//   - With --kernel/--entry: the arguments come from --arg; every random buffer gets several seeds
//     (--seeds) plus one run with edge values, and all buffer arguments are compared after each run.
//   - Without: both files' own main() run with every kernel launch recorded, and the buffers of
//     each launch are compared in launch order.
#include "backends/exec/verification.h"
#include "tools/xpile/command_line.h"
#include "tools/xpile/run_options.h"
#include "tools/xpile/work_dir.h"

#include <llvm/Support/raw_ostream.h>
#include <nlohmann/json.hpp>

namespace xpile::tools {

namespace cl = llvm::cl;

static cl::opt<std::string> fileA(cl::Positional, cl::desc("<reference file>"), cl::Required, cl::sub(verifyCommand()));
static cl::opt<std::string> fileB(cl::Positional, cl::desc("<candidate file>"), cl::Required, cl::sub(verifyCommand()));
static cl::opt<unsigned> seedCount("seeds", cl::desc("Random inputs per run: this many seeds (default 3), plus edge values"),
                                   cl::value_desc("n"), cl::init(3), cl::sub(verifyCommand()));
static cl::opt<double> rtolFlag("rtol", cl::desc("Relative tolerance (default per type: f64 1e-9, f32 1e-4, f16 1e-2, bf16 2e-2)"),
                                cl::value_desc("r"), cl::init(-1), cl::sub(verifyCommand()));
static cl::opt<double> atolFlag("atol", cl::desc("Absolute tolerance (default per type: f64 1e-12, f32 1e-5, f16 1e-3, bf16 1e-2)"),
                                cl::value_desc("a"), cl::init(-1), cl::sub(verifyCommand()));
static cl::opt<bool> verifyJson("json", cl::desc("Print the verdict as JSON"), cl::sub(verifyCommand()));

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
  exec::VerifyOptions options;
  options.seeds = seedCount;
  options.rtol = rtolFlag;
  options.atol = atolFlag;
  options.nameA = fileA;
  options.nameB = fileB;
  exec::Verdict v =
      request.mode == exec::RunRequest::Mode::Program
          ? exec::verifyWholePrograms(*a, *b, request, options, work.path())
          : exec::verifyWithArguments(*a, *b, request,
                                      request.mode == exec::RunRequest::Mode::Kernel ? secondKernelName() : request.name,
                                      options, work.path());
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
