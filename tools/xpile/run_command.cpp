// `xpile run FILE`: run a whole program, one kernel, or one host function on this CPU with the
// dialect's executor. The program's own output passes through; `--dump DIR` writes every buffer
// argument afterwards to DIR/argK.bin; `--json` prints a summary instead.
#include "backends/exec/buffer_compare.h"
#include "tools/xpile/command_line.h"
#include "tools/xpile/run_options.h"
#include "tools/xpile/work_dir.h"

#include <llvm/Support/FileSystem.h>
#include <llvm/Support/raw_ostream.h>
#include <nlohmann/json.hpp>

namespace xpile::tools {

namespace cl = llvm::cl;

static cl::opt<std::string> runInput(cl::Positional, cl::desc("<source file>"), cl::Required, cl::sub(runCommand()));
static cl::opt<std::string> dumpDir("dump", cl::desc("Write every buffer argument after the run to DIR/argK.bin "
                                                     "(K = parameter position, scalars counted; raw little-endian)"),
                                    cl::value_desc("dir"), cl::sub(runCommand()));
static cl::opt<bool> runJson("json", cl::desc("Print a JSON summary on stdout (the program's output included)"),
                             cl::sub(runCommand()));
static cl::opt<std::string> scheduleFlag("schedule", cl::desc("Order of GPU threads within a block: forward, reverse, "
                                                              "or shuffle:SEED"),
                                         cl::value_desc("order"), cl::init("forward"), cl::sub(runCommand()));
static cl::opt<bool> raceCheck("race-check", cl::desc("Run twice (forward and reverse thread order) and report results "
                                                      "that depend on the order (a missing barrier)"),
                               cl::sub(runCommand()));

namespace {

// Runs under both thread orders; the first buffer that differs means the program has a race.
std::optional<std::string> orderDependence(const ast::Module &m, exec::RunRequest request, const exec::RunOutcome &forward,
                                           const std::string &work) {
  request.schedule = "reverse";
  request.workDir = work + "/reverse";
  llvm::sys::fs::create_directories(request.workDir);
  exec::RunOutcome reverse = exec::runProgram(m, request);
  if (!reverse.ok()) return "under the reverse thread order the program " + exec::describeFailure(reverse.run);
  if (reverse.run.out != forward.run.out) return "its output differs between thread orders";
  for (size_t i = 0; i < forward.buffers.size(); ++i) {
    std::vector<uint8_t> a, b;
    std::string error;
    exec::readRawFile(forward.buffers[i].path, a, &error);
    exec::readRawFile(reverse.buffers[i].path, b, &error);
    if (auto mismatch = exec::compareBuffers(forward.buffers[i].type, a, b, exec::Tolerance{})) {
      return "argument " + std::to_string(forward.buffers[i].position) + " differs at index " +
             std::to_string(mismatch->index) + " (forward " + std::to_string(mismatch->a) + ", reverse " +
             std::to_string(mismatch->b) + "; " + std::to_string(mismatch->count) + " elements differ)";
    }
  }
  return std::nullopt;
}

}  // namespace

int runRun() {
  exec::RunRequest request;
  if (!runRequestFromFlags(request)) return 2;
  request.schedule = scheduleFlag;
  std::optional<ast::Module> module = parseInput(runInput);
  if (!module) return 1;

  WorkDir work;
  request.workDir = work.path() + "/run";
  llvm::sys::fs::create_directories(request.workDir);
  exec::RunOutcome outcome = exec::runProgram(*module, request);
  if (!outcome.ran()) {
    llvm::errs() << runInput << ": error: " << outcome.setupError << "\n";
    return outcome.compile.ok || outcome.compile.diagnostics.empty() ? 2 : 1;
  }
  std::optional<std::string> race;
  if (outcome.ok() && raceCheck) race = orderDependence(*module, request, outcome, work.path());

  // Buffers to the user's directory.
  std::vector<std::string> dumped;
  if (outcome.ok() && !dumpDir.empty()) {
    llvm::sys::fs::create_directories(dumpDir);
    for (const auto &b : outcome.buffers) {
      std::string to = dumpDir + "/arg" + std::to_string(b.position) + ".bin";
      if (auto ec = llvm::sys::fs::copy_file(b.path, to)) {
        llvm::errs() << "xpile: error: cannot write '" << to << "': " << ec.message() << "\n";
        return 1;
      }
      dumped.push_back(to);
    }
  }

  const exec::RunResult &r = outcome.run;
  bool ok = outcome.ok() && !race;
  if (runJson) {
    nlohmann::json buffers = nlohmann::json::array();
    for (size_t i = 0; i < outcome.buffers.size(); ++i) {
      const auto &b = outcome.buffers[i];
      nlohmann::json jb = {{"arg", b.position}, {"dtype", exec::dtypeName(b.type)}, {"count", b.count}};
      if (i < dumped.size()) jb["path"] = dumped[i];
      buffers.push_back(jb);
    }
    nlohmann::json summary = {{"file", runInput.getValue()},
                              {"status", race ? "race" : exec::statusName(r.status)},
                              {"exit_code", r.exitCode},
                              {"compile_seconds", outcome.compile.seconds},
                              {"compile_cached", outcome.compile.cached},
                              {"run_seconds", r.seconds},
                              {"buffers", buffers},
                              {"stdout", r.out},
                              {"stderr", r.err}};
    if (r.status == exec::RunResult::Status::Fault)
      summary["fault"] = {{"kind", r.faultKind}, {"message", r.faultMessage}};
    if (race) summary["race"] = *race;
    llvm::outs() << summary.dump(2) << "\n";
  } else {
    llvm::outs() << r.out;
    llvm::outs().flush();
    // The program's diagnostics, except the executor's fault line (reported below as an error).
    std::string err = r.err;
    if (r.status == exec::RunResult::Status::Fault && err.rfind("xpile-fault:", 0) == 0) err = err.substr(err.find('\n') + 1);
    llvm::errs() << err;
  }
  if (!outcome.ok()) llvm::errs() << runInput << ": error: the program " << exec::describeFailure(r) << "\n";
  else if (race)
    llvm::errs() << runInput << ": error: results depend on the order of GPU threads (a missing barrier or a race): "
                 << *race << "\n";
  return ok ? 0 : 1;
}

}  // namespace xpile::tools
