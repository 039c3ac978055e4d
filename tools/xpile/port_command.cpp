// `xpile port SRC --to hip (--out-dir DIR | --in-place)`: ports a CUDA tree, sources and build
// files, to HIP (porting/port_project.h does the work), with progress on stderr and a report.
#include "porting/port_project.h"
#include "tools/xpile/command_line.h"

#include <llvm/Support/FileSystem.h>
#include <llvm/Support/Process.h>
#include <llvm/Support/Program.h>
#include <llvm/Support/raw_ostream.h>

#include <chrono>
#include <thread>
#include <unistd.h>

namespace xpile::tools {

namespace cl = llvm::cl;


static cl::OptionCategory portCategory("Port options");
static cl::opt<std::string> sourceTree(cl::Positional, cl::desc("<source tree>"), cl::Required, cl::sub(portCommand()));
static cl::opt<std::string> toDialect("to", cl::desc("Target: hip (the only one for now)"), cl::value_desc("dialect"),
                                      cl::Required, cl::cat(portCategory), cl::sub(portCommand()));
static cl::opt<std::string> outDir("out-dir", cl::desc("Write the ported tree here (the source tree is never written)"),
                                   cl::value_desc("dir"), cl::cat(portCategory), cl::sub(portCommand()));
static cl::opt<bool> inPlace("in-place",
                             cl::desc("Port the tree in place: each file written atomically after its original is "
                                      "kept under SRC/.xpile-port-backup/"),
                             cl::cat(portCategory), cl::sub(portCommand()));
static cl::opt<unsigned> jobs("j", cl::desc("Rewrite this many translation units in parallel (default: 1)"),
                              cl::value_desc("n"), cl::init(1), cl::Prefix, cl::cat(portCategory), cl::sub(portCommand()));
static cl::opt<std::string> offloadArch("offload-arch",
                                        cl::desc("AMD GPU architecture replacing CUDA architectures in build files "
                                                 "(default: gfx90a)"),
                                        cl::value_desc("gfxNNN"), cl::init("gfx90a"), cl::cat(portCategory),
                                        cl::sub(portCommand()));
static cl::opt<bool> keepNames("keep-names",
                               cl::desc("Keep `.cu` file names (default: `x.cu` becomes `x.hip`, which CMake's HIP "
                                        "language and hipcc compile as HIP without further settings)"),
                               cl::cat(portCategory), cl::sub(portCommand()));
static cl::opt<bool> noKernelRewrite("no-kernel-rewrite",
                                     cl::desc("Diagnose kernels with warp-size hazards instead of rewriting them"),
                                     cl::cat(portCategory), cl::sub(portCommand()));
static cl::opt<std::string> reportPrefix("report",
                                         cl::desc("Write the report to PREFIX.md and PREFIX.json (default: "
                                                  "DEST/xpile-port-report)"),
                                         cl::value_desc("prefix"), cl::cat(portCategory), cl::sub(portCommand()));
static cl::opt<bool> progressFlag("progress", cl::desc("Show progress on stderr even when it is not a terminal"),
                                  cl::cat(portCategory), cl::sub(portCommand()));
static cl::opt<bool> noProgress("no-progress", cl::desc("Never show progress"), cl::cat(portCategory),
                                cl::sub(portCommand()));

// The xpile build: version plus the binary's size and time, so a rebuilt xpile does not reuse
// results the previous one cached.
static std::string buildIdentity() {
  std::string id = XPILE_VERSION;
  std::string exe = llvm::sys::fs::getMainExecutable("xpile", reinterpret_cast<void *>(&buildIdentity));
  llvm::sys::fs::file_status st;
  if (!exe.empty() && !llvm::sys::fs::status(exe, st))
    id += " " + std::to_string(st.getSize()) + " " +
          std::to_string(std::chrono::duration_cast<std::chrono::seconds>(st.getLastModificationTime().time_since_epoch()).count());
  return id;
}

static std::string clock(double seconds) {
  unsigned s = static_cast<unsigned>(seconds + 0.5);
  char buf[32];
  snprintf(buf, sizeof buf, "%u:%02u", s / 60, s % 60);
  return buf;
}

int runPort() {
  if (toDialect != "hip") {
    llvm::errs() << "xpile port: error: --to " << toDialect << " is not supported (only hip)\n";
    return 2;
  }
  if (inPlace == !outDir.empty()) {
    llvm::errs() << "xpile port: error: give exactly one of --out-dir DIR and --in-place\n";
    return 2;
  }
  if (jobs == 0) {
    llvm::errs() << "xpile port: error: -j needs a positive number\n";
    return 2;
  }
  if (!llvm::sys::fs::is_directory(sourceTree)) {
    llvm::errs() << "xpile port: error: '" << sourceTree << "' is not a directory\n";
    return 2;
  }
  porting::PortOptions options;
  options.source = sourceTree;
  options.outDir = outDir;
  options.inPlace = inPlace;
  options.jobs = jobs;
  options.rewrite.parse = parseOptionsFromFlags();  // -I, -D, -U, -isystem, -p, --extra-arg
  options.rewrite.parse.dialect = ast::Dialect::CUDA;
  options.rewrite.parse.showWarnings = false;
  options.rewrite.rewriteKernels = !noKernelRewrite;
  options.build.offloadArch = offloadArch;
  options.build.renameCudaSources = !keepNames;
  options.reportPrefix = reportPrefix;
  options.buildIdentity = buildIdentity();

  bool showProgress = !noProgress && (progressFlag || ::isatty(STDERR_FILENO));
  auto start = std::chrono::steady_clock::now();
  if (showProgress)
    options.progress = [&](const porting::PortProgress &p) {
      double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      double eta = p.done ? elapsed / p.done * (p.total - p.done) : 0;
      llvm::errs() << "\r\x1b[K[" << p.done << "/" << p.total << "] " << clock(elapsed) << " elapsed, ETA "
                   << clock(eta) << "  " << p.current;
      llvm::errs().flush();
    };
  porting::PortReport report = porting::portProject(options);
  if (showProgress) llvm::errs() << "\r\x1b[K";

  for (const auto &e : report.errors) llvm::errs() << e << "\n";
  for (const auto &f : report.files) {
    if (!f.failure.empty()) llvm::errs() << f.failure << (f.failure.back() == '\n' ? "" : "\n");
    for (const auto &d : f.diagnostics)
      llvm::errs() << d.file << ":" << d.line << ":" << d.column << ": " << porting::levelName(d.level) << ": "
                   << d.message << (d.check.empty() ? "" : " [" + d.check + "]") << "\n";
  }
  if (report.files.empty() && !report.errors.empty()) return 1;
  unsigned written = 0, converted = 0, kernels = 0, verified = 0;
  for (const auto &f : report.files) {
    written += f.written;
    converted += f.converted.size();
    for (const auto &k : f.kernels) {
      ++kernels;
      verified += k.verified;
    }
  }
  std::string prefix = reportPrefix.empty() ? report.destination + "/" + porting::kReportBaseName : reportPrefix.getValue();
  llvm::errs() << "xpile port: " << report.files.size() << " files, " << written << " written, " << converted
               << " references converted, " << verified << "/" << kernels << " rewritten kernels verified; report: "
               << prefix << ".md\n";
  if (!report.success()) {
    llvm::errs() << "xpile port: incomplete:\n";
    for (const auto &r : report.failureReasons()) llvm::errs() << "  " << r << "\n";
    return 1;
  }
  return 0;
}

}  // namespace xpile::tools
