// `xpile corpus [--check]`: lists the corpus (corpus/README.md) and, with --check, verifies every
// entry of every operator in every dialect against its C reference on every shape, printing the
// table operator x dialect x shape.
#include "backends/exec/verification.h"
#include "frontends/frontend.h"
#include "tools/xpile/command_line.h"
#include "tools/xpile/corpus_manifest.h"
#include "tools/xpile/corpus_translation.h"
#include "tools/xpile/work_dir.h"

#include <llvm/Support/FileSystem.h>
#include <llvm/Support/raw_ostream.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <mutex>
#include <thread>
#include <unistd.h>

namespace xpile::tools {

namespace cl = llvm::cl;


static cl::opt<bool> check("check", cl::desc("Verify every entry x dialect x shape against the C reference"),
                           cl::sub(corpusCommand()));
static cl::opt<std::string> corpusDir("corpus-dir", cl::desc("The corpus directory (default: ./corpus, else the one "
                                                             "xpile was built from)"),
                                      cl::value_desc("dir"), cl::sub(corpusCommand()));
static cl::list<std::string> onlyOperators("operator", cl::desc("Only this operator (repeatable)"),
                                           cl::value_desc("name"), cl::sub(corpusCommand()));
static cl::list<std::string> onlyDialects("dialect", cl::desc("Only this dialect (repeatable)"), cl::value_desc("name"),
                                          cl::sub(corpusCommand()));
static cl::opt<unsigned> corpusSeeds("seeds", cl::desc("Random inputs per check (default 1), plus edge values"),
                                     cl::value_desc("n"), cl::init(1), cl::sub(corpusCommand()));
static cl::opt<unsigned> jobs("j", cl::desc("Checks run in parallel (default: number of CPUs)"), cl::value_desc("n"),
                              cl::init(0), cl::sub(corpusCommand()));
static cl::opt<bool> translate("translate",
                               cl::desc("Translate every operator in each of the 12 directions among cuda, hip, vnni "
                                        "and c; compile each output with the real compiler and verify it against its "
                                        "source; print direction x compile % x computation %"),
                               cl::sub(corpusCommand()));
static cl::list<std::string> directionFilter("direction", cl::desc("--translate: only this direction (repeatable)"),
                                             cl::value_desc("from:to"), cl::sub(corpusCommand()));
static cl::opt<unsigned> shapesPerEntry("shapes", cl::desc("--translate: verify on the N smallest shapes of each entry "
                                                           "(default: all)"),
                                        cl::value_desc("n"), cl::init(0), cl::sub(corpusCommand()));
static cl::opt<bool> noCompile("no-compile", cl::desc("--translate: do not run the real compilers"),
                               cl::sub(corpusCommand()));
static cl::opt<std::string> keepDir("keep", cl::desc("--translate: write every translated file into DIR"),
                                    cl::value_desc("dir"), cl::sub(corpusCommand()));
static cl::opt<bool> corpusJson("json", cl::desc("Print the table as JSON"), cl::sub(corpusCommand()));

namespace {

const char *kDialects[] = {"cuda", "hip", "bang", "vnni"};

std::string defaultCorpusDir() {
  if (!corpusDir.empty()) return corpusDir;
  if (llvm::sys::fs::is_directory("corpus")) return "corpus";
  return XPILE_DEFAULT_CORPUS_DIR;
}

bool selected(const cl::list<std::string> &filter, const std::string &name) {
  return filter.empty() || std::find(filter.begin(), filter.end(), name) != filter.end();
}

struct Check {
  const CorpusOperator *op;
  const CorpusEntry *entry;
  const CorpusShape *shape;
  std::string dialect;
  exec::Verdict verdict;
  bool missing = false;  // the operator has no file for this dialect
};

std::string pad(std::string s, size_t width) {
  if (s.size() > width) s = s.substr(0, width - 1) + "~";
  return s + std::string(width - s.size(), ' ');
}

}  // namespace

int runCorpus() {
  std::vector<std::string> errors;
  std::string root = defaultCorpusDir();
  std::vector<CorpusOperator> ops = loadCorpus(root, errors);
  for (const auto &e : errors) llvm::errs() << "xpile: error: " << e << "\n";
  if (ops.empty()) {
    llvm::errs() << "xpile: error: no operators found under '" << root << "'\n";
    return 1;
  }

  if (translate) {
    CorpusTranslationOptions options;
    options.directions.assign(directionFilter.begin(), directionFilter.end());
    options.operators.assign(onlyOperators.begin(), onlyOperators.end());
    options.shapesPerEntry = shapesPerEntry;
    options.jobs = jobs;
    options.compile = !noCompile;
    options.json = corpusJson;
    options.keepDir = keepDir;
    return runCorpusTranslation(ops, options);
  }

  if (!check) {
    llvm::outs() << pad("family", 12) << pad("operator", 22) << pad("entry", 26) << "shapes  dialects\n";
    for (const auto &op : ops) {
      if (!selected(onlyOperators, op.name)) continue;
      std::string dialects;
      for (const auto &[d, file] : op.files) dialects += (dialects.empty() ? "" : " ") + d;
      for (const auto &e : op.entries)
        llvm::outs() << pad(op.family, 12) << pad(op.name, 22) << pad(e.name, 26) << pad(std::to_string(e.shapes.size()), 8)
                     << dialects << "\n";
    }
    return errors.empty() ? 0 : 1;
  }

  // Every check to run.
  std::vector<Check> checks;
  for (const auto &op : ops) {
    if (!selected(onlyOperators, op.name)) continue;
    for (const auto &entry : op.entries)
      for (const auto &shape : entry.shapes)
        for (const char *d : kDialects)
          if (selected(onlyDialects, d)) checks.push_back({&op, &entry, &shape, d, {}, op.files.count(d) == 0});
  }

  // Each file is parsed once.
  std::mutex mu;
  std::map<std::string, std::optional<ast::Module>> modules;
  std::map<std::string, std::string> parseErrors;
  auto module = [&](const std::string &path) -> const ast::Module * {
    {
      std::lock_guard<std::mutex> lock(mu);
      if (auto it = modules.find(path); it != modules.end()) return it->second ? &*it->second : nullptr;
    }
    frontends::ParseOptions opts;
    opts.showWarnings = false;
    frontends::ParseResult r = frontends::parseFile(path, opts);
    std::lock_guard<std::mutex> lock(mu);
    if (!r.module) parseErrors[path] = r.diagnostics;
    auto &slot = modules[path];
    slot = std::move(r.module);
    return slot ? &*slot : nullptr;
  };

  WorkDir work;
  std::atomic<size_t> next{0}, done{0};
  bool progress = isatty(STDERR_FILENO);
  auto worker = [&] {
    for (size_t i; (i = next++) < checks.size();) {
      Check &c = checks[i];
      if (!c.missing) {
        const ast::Module *ref = c.op->files.count("c") ? module(c.op->files.at("c")) : nullptr;
        const ast::Module *other = module(c.op->files.at(c.dialect));
        std::string error;
        auto args = corpusArguments(*c.entry, *c.shape, error);
        if (!ref || !other) {
          c.verdict.message = "does not parse: " + (ref ? c.op->files.at(c.dialect) : c.op->files.count("c") ? c.op->files.at("c") : std::string("no C reference"));
        } else if (!args) {
          c.verdict.message = error;
        } else {
          exec::RunRequest request;
          request.mode = exec::RunRequest::Mode::Entry;
          request.name = c.entry->name;
          request.args = *args;
          request.limits.timeoutSeconds = 60;
          request.limits.memoryBytes = size_t(16) << 30;
          exec::VerifyOptions options;
          options.seeds = corpusSeeds;
          options.rtol = c.entry->rtol;
          options.atol = c.entry->atol;
          options.nameA = c.op->files.at("c");
          options.nameB = c.op->files.at(c.dialect);
          std::string dir = work.path() + "/check" + std::to_string(i);
          llvm::sys::fs::create_directories(dir);
          c.verdict = exec::verifyWithArguments(*ref, *other, request, c.entry->name, options, dir);
          llvm::sys::fs::remove_directories(dir);
        }
      }
      size_t n = ++done;
      if (progress) {
        std::lock_guard<std::mutex> lock(mu);
        llvm::errs() << "\r[" << n << "/" << checks.size() << "] " << pad(c.op->name + " " + c.dialect, 40);
      }
    }
  };
  unsigned workers = jobs ? jobs : std::max(1u, std::thread::hardware_concurrency());
  std::vector<std::thread> threads;
  for (unsigned w = 0; w < workers; ++w) threads.emplace_back(worker);
  for (auto &t : threads) t.join();
  if (progress) llvm::errs() << "\r" << std::string(60, ' ') << "\r";

  size_t passed = 0, total = 0;
  for (const auto &c : checks)
    if (!c.missing) {
      ++total;
      passed += c.verdict.pass;
    }
  if (corpusJson) {
    nlohmann::json rows = nlohmann::json::array();
    for (const auto &c : checks)
      rows.push_back({{"operator", c.op->name}, {"family", c.op->family}, {"entry", c.entry->name}, {"shape", c.shape->name},
                      {"dialect", c.dialect}, {"result", c.missing ? "missing" : c.verdict.pass ? "PASS" : "FAIL"},
                      {"message", c.verdict.message}});
    llvm::outs() << nlohmann::json({{"checks", rows}, {"passed", passed}, {"total", total}}).dump(2) << "\n";
  } else {
    llvm::outs() << pad("operator", 20) << pad("entry", 24) << pad("shape", 34);
    for (const char *d : kDialects)
      if (selected(onlyDialects, d)) llvm::outs() << pad(d, 6);
    llvm::outs() << "\n";
    for (size_t i = 0; i < checks.size();) {
      const Check &first = checks[i];
      llvm::outs() << pad(first.op->name, 20) << pad(first.entry->name, 24) << pad(first.shape->name, 34);
      for (; i < checks.size() && checks[i].shape == first.shape; ++i)
        llvm::outs() << pad(checks[i].missing ? "-" : checks[i].verdict.pass ? "PASS" : "FAIL", 6);
      llvm::outs() << "\n";
    }
    for (const auto &c : checks)
      if (!c.missing && !c.verdict.pass)
        llvm::outs() << "FAIL " << c.op->name << " " << c.entry->name << " [" << c.shape->name << "] " << c.dialect << ": "
                     << c.verdict.message << "\n";
    for (const auto &[path, diag] : parseErrors) llvm::errs() << diag;
    llvm::outs() << passed << " of " << total << " checks passed\n";
  }
  return passed == total && errors.empty() ? 0 : 1;
}

}  // namespace xpile::tools
