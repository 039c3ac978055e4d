#include "tools/xpile/corpus_translation.h"

#include "backends/exec/sandbox.h"
#include "backends/exec/verification.h"
#include "backends/printer.h"
#include "frontends/frontend.h"
#include "passes/translation_plan.h"
#include "tools/xpile/given_extents.h"
#include "tools/xpile/work_dir.h"

#include <llvm/Support/FileSystem.h>
#include <llvm/Support/Program.h>
#include <llvm/Support/raw_ostream.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <map>
#include <mutex>
#include <thread>
#include <unistd.h>

namespace xpile::tools {

namespace {

const char *kDialects[] = {"cuda", "hip", "vnni", "c"};

struct Direction {
  std::string from, to;
  std::string name() const { return from + "->" + to; }
};

struct Job {
  const CorpusOperator *op = nullptr;
  Direction dir;
  // Results.
  bool translated = false, compiled = false, compileSkipped = false;
  std::string route, error, compileError;
  // `checks` is planned before translating (every shape verified of every entry), so an output
  // that is not produced counts as failing each of them.
  unsigned checks = 0, passedChecks = 0;
  std::vector<std::string> failures;
  std::vector<std::string> givenExtents;  // "entry:param" sized by the manifest's count, not the analysis
  double translateSeconds = 0;
};

// The target's real compiler on the printed output (syntax, types and code generation).
std::vector<std::string> compilerCommand(ast::Dialect d, bool isCxx, const std::string &file, const std::string &obj) {
  switch (d) {
  case ast::Dialect::CUDA: return {"/usr/local/cuda/bin/nvcc", "-arch=sm_80", "-std=c++17", "-c", file, "-o", obj};
  case ast::Dialect::HIP: return {"hipcc", "--offload-arch=gfx90a", "-std=c++17", "-c", file, "-o", obj};
  case ast::Dialect::VNNI:  // C or C++ with AVX-512 intrinsics and OpenMP
    if (!isCxx)
      return {"gcc", "-std=c11", "-O1", "-Wall", "-fopenmp", "-mavx512f", "-mavx512bw", "-mavx512vl", "-mavx512dq",
              "-mavx512vnni", "-c", file, "-o", obj};
    return {"g++", "-std=c++17", "-O1", "-Wall", "-fopenmp", "-mavx512f", "-mavx512bw", "-mavx512vl", "-mavx512dq",
            "-mavx512vnni", "-c", file, "-o", obj};
  case ast::Dialect::C:
    if (isCxx) return {"g++", "-std=c++17", "-O1", "-Wall", "-c", file, "-o", obj};
    return {"gcc", "-std=c11", "-O1", "-Wall", "-c", file, "-o", obj};
  case ast::Dialect::BANG: break;
  }
  return {};
}

bool compilerAvailable(const std::string &program) {
  if (program.find('/') != std::string::npos) return llvm::sys::fs::can_execute(program);
  return static_cast<bool>(llvm::sys::findProgramByName(program));
}

std::string firstLines(const std::string &text, size_t n) {
  size_t pos = 0;
  for (size_t i = 0; i < n && pos != std::string::npos; ++i) {
    pos = text.find('\n', pos);
    if (pos != std::string::npos) ++pos;
  }
  return pos == std::string::npos ? text : text.substr(0, pos);
}

std::string pad(std::string s, size_t width) {
  if (s.size() > width) s = s.substr(0, width - 1) + "~";
  return s + std::string(width - s.size(), ' ');
}

std::string percent(unsigned a, unsigned b) {
  if (b == 0) return "-";
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.1f%%", 100.0 * a / b);
  return buf;
}

}  // namespace

int runCorpusTranslation(const std::vector<CorpusOperator> &ops, const CorpusTranslationOptions &options) {
  std::vector<Direction> directions;
  for (const char *from : kDialects)
    for (const char *to : kDialects) {
      Direction d{from, to};
      if (d.from == d.to) continue;
      if (!options.directions.empty() &&
          std::find(options.directions.begin(), options.directions.end(), d.from + ":" + d.to) == options.directions.end())
        continue;
      directions.push_back(d);
    }
  std::vector<Job> jobs;
  for (const auto &op : ops) {
    if (!options.operators.empty() &&
        std::find(options.operators.begin(), options.operators.end(), op.name) == options.operators.end())
      continue;
    for (const auto &d : directions)
      if (op.files.count(d.from)) {
        Job job;
        job.op = &op;
        job.dir = d;
        for (const CorpusEntry &entry : op.entries)
          job.checks += options.shapesPerEntry ? std::min<unsigned>(entry.shapes.size(), options.shapesPerEntry)
                                               : static_cast<unsigned>(entry.shapes.size());
        jobs.push_back(job);
      }
  }

  // Each source file parsed once, with the manifest's element counts given as --extent gives them:
  // used only for buffers the analysis cannot size (counts over names that are not parameters of
  // the entry are skipped). The first parse of a file is kept, so references stay valid.
  struct Source {
    std::optional<ast::Module> module;
    passes::PlanOptions planOptions;
  };
  std::mutex mu;
  std::map<std::string, Source> sources;
  auto sourceOf = [&](const CorpusOperator &op, const std::string &path) -> const Source & {
    {
      std::lock_guard<std::mutex> lock(mu);
      if (auto it = sources.find(path); it != sources.end()) return it->second;
    }
    frontends::ParseOptions opts;
    opts.showWarnings = false;
    Source parsed;
    parsed.module = frontends::parseFile(path, opts).module;
    if (parsed.module)
      for (const CorpusEntry &entry : op.entries)
        for (const CorpusParam &p : entry.params) {
          std::string ignored;
          if (p.role != CorpusParam::Role::Scalar)
            addGivenExtents({entry.name + ":" + p.name + "=" + p.count}, *parsed.module, parsed.planOptions, ignored);
        }
    std::lock_guard<std::mutex> lock(mu);
    return sources.emplace(path, std::move(parsed)).first->second;
  };

  WorkDir work;
  std::atomic<size_t> next{0}, done{0};
  bool progress = isatty(STDERR_FILENO);
  auto runJob = [&](size_t index) {
    Job &job = jobs[index];
    const Source &parsed = sourceOf(*job.op, job.op->files.at(job.dir.from));
    const ast::Module *source = parsed.module ? &*parsed.module : nullptr;
    ast::Dialect target = *ast::dialectFromName(job.dir.to);
    // Whether the target's compiler can be run at all (decided before translating, so an output
    // that is not produced counts as not compiling).
    auto compilerMissing = [&](bool isCxx) {
      return options.compile && !compilerAvailable(compilerCommand(target, isCxx, "", "")[0]);
    };
    job.compileSkipped = compilerMissing(source ? source->isCxx : false);
    if (!source) {
      job.error = "the source does not parse";
      return;
    }
    auto start = std::chrono::steady_clock::now();
    passes::PipelineOptions pipelineOptions;  // outputs are verified below, on every shape
    const passes::PlanOptions &planOptions = parsed.planOptions;
    passes::TranslationPlan plan = passes::planTranslation(source->dialect, target, passes::Route::Direct, planOptions);
    passes::PipelineResult result = passes::runPipeline(*source, target, plan.steps, pipelineOptions);
    if (!result.ok && plan.route == passes::Route::Direct) {
      plan = passes::planTranslation(source->dialect, target, passes::Route::ViaC, planOptions);
      result = passes::runPipeline(*source, target, plan.steps, pipelineOptions);
    }
    job.route = passes::routeName(plan.route);
    for (const auto &rec : result.passes)
      if (rec.stats.contains("given_extents"))
        for (auto &[name, count] : rec.stats["given_extents"].items()) job.givenExtents.push_back(name);
    if (!plan.error.empty() || !result.ok) {
      job.error = plan.error;
      for (const auto &rec : result.passes)
        for (const auto &d : rec.diagnostics)
          if (d.severity == passes::Severity::Error && job.error.empty())
            job.error = rec.name + ": " + (d.loc.valid() ? d.loc.str() + ": " : "") + d.message;
      if (job.error.empty()) job.error = "translation failed";
      return;
    }
    backends::PrintResult printed = backends::printModule(result.module, target);
    job.translateSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!printed.ok()) {
      job.error = "print: " + printed.errors[0].loc.str() + ": " + printed.errors[0].message;
      return;
    }
    job.translated = true;
    std::string stem = job.op->name + "." + job.dir.from + "-to-" + job.dir.to;
    std::string dir = work.path() + "/job" + std::to_string(index);
    llvm::sys::fs::create_directories(dir);
    std::string file = dir + "/" + stem + ast::sourceExtension(target, result.module.isCxx);
    std::ofstream(file) << printed.code;
    if (!options.keepDir.empty()) {
      llvm::sys::fs::create_directories(options.keepDir);
      std::ofstream(options.keepDir + "/" + stem + ast::sourceExtension(target, result.module.isCxx)) << printed.code;
    }
    job.compileSkipped = compilerMissing(result.module.isCxx);
    if (options.compile) {
      std::vector<std::string> argv = compilerCommand(target, result.module.isCxx, file, dir + "/out.o");
      if (!job.compileSkipped) {
        exec::RunLimits limits;
        limits.timeoutSeconds = 600;
        limits.memoryBytes = 0;
        exec::RunResult r = exec::runSandboxed(argv, {}, limits, dir);
        job.compiled = r.ok();
        if (!r.ok()) job.compileError = firstLines(r.err + r.out, 6);
      }
    }
    // The output against its source on the manifest's shapes (the smallest first).
    for (const CorpusEntry &entry : job.op->entries) {
      std::vector<std::pair<long long, const CorpusShape *>> shapes;
      for (const CorpusShape &shape : entry.shapes) {
        std::string error;
        auto args = corpusArguments(entry, shape, error);
        long long size = 0;
        if (args)
          for (const auto &a : *args) size += static_cast<long long>(a.count);
        shapes.push_back({size, &shape});
      }
      std::stable_sort(shapes.begin(), shapes.end(),
                       [](const auto &a, const auto &b) { return a.first < b.first; });
      if (options.shapesPerEntry && shapes.size() > options.shapesPerEntry) shapes.resize(options.shapesPerEntry);
      for (const auto &[size, shape] : shapes) {
        std::string error;
        auto args = corpusArguments(entry, *shape, error);
        exec::Verdict v;
        if (!args) {
          v.message = error;
        } else {
          exec::RunRequest request;
          request.mode = exec::RunRequest::Mode::Entry;
          request.name = entry.name;
          request.args = *args;
          request.limits.timeoutSeconds = 120;
          request.limits.memoryBytes = size_t(16) << 30;
          exec::VerifyOptions vo;
          vo.seeds = 1;
          vo.rtol = entry.rtol;
          vo.atol = entry.atol;
          vo.nameA = job.op->files.at(job.dir.from);
          vo.nameB = stem;
          std::string vdir = dir + "/verify";
          llvm::sys::fs::create_directories(vdir);
          v = exec::verifyWithArguments(*source, result.module, request, entry.name, vo, vdir);
          llvm::sys::fs::remove_directories(vdir);
        }
        if (v.pass) ++job.passedChecks;
        else job.failures.push_back(entry.name + " [" + shape->name + "]: " + v.message);
      }
    }
  };
  auto worker = [&] {
    for (size_t i; (i = next++) < jobs.size();) {
      runJob(i);
      size_t n = ++done;
      if (progress) {
        std::lock_guard<std::mutex> lock(mu);
        llvm::errs() << "\r\x1b[2K[" << n << "/" << jobs.size() << "] " << jobs[i].op->name << " " << jobs[i].dir.name();
      }
    }
  };
  unsigned workers = options.jobs ? options.jobs : std::max(1u, std::thread::hardware_concurrency());
  std::vector<std::thread> threads;
  for (unsigned w = 0; w < workers; ++w) threads.emplace_back(worker);
  for (auto &t : threads) t.join();
  if (progress) llvm::errs() << "\r\x1b[2K";

  // Per direction, over every operator and every entry of it, an operator that does not translate
  // counting as not compiled and as failing all its checks: translated (of operators), compiled (of
  // operators whose target compiler could run), verified checks (of all checks).
  struct Row {
    unsigned operators = 0, translated = 0, compiled = 0, compileChecked = 0, checks = 0, passed = 0;
    std::vector<double> seconds;
  };
  std::map<std::string, Row> rows;
  for (const auto &job : jobs) {
    Row &r = rows[job.dir.name()];
    ++r.operators;
    if (job.translated) {
      ++r.translated;
      r.seconds.push_back(job.translateSeconds);
    }
    if (!job.compileSkipped && options.compile) {
      ++r.compileChecked;
      r.compiled += job.compiled;
    }
    r.checks += job.checks;
    r.passed += job.passedChecks;
  }
  bool allGood = true;
  if (options.json) {
    nlohmann::json out = {{"directions", nlohmann::json::array()}, {"jobs", nlohmann::json::array()}};
    for (const auto &d : directions) {
      const Row &r = rows[d.name()];
      out["directions"].push_back({{"direction", d.name()}, {"operators", r.operators}, {"translated", r.translated},
                                   {"compiled", r.compiled}, {"compile_checked", r.compileChecked},
                                   {"checks", r.checks}, {"verified", r.passed}});
    }
    for (const auto &job : jobs)
      out["jobs"].push_back({{"operator", job.op->name}, {"direction", job.dir.name()}, {"route", job.route},
                             {"translated", job.translated}, {"error", job.error}, {"compiled", job.compiled},
                             {"compile_error", job.compileError}, {"checks", job.checks},
                             {"verified", job.passedChecks}, {"failures", job.failures},
                             {"given_extents", job.givenExtents},
                             {"translate_seconds", job.translateSeconds}});
    llvm::outs() << out.dump(2) << "\n";
  }
  if (!options.json) {
    for (const auto &job : jobs) {
      if (!job.error.empty()) llvm::outs() << "NOT TRANSLATED " << job.op->name << " " << job.dir.name() << ": " << job.error << "\n";
      if (job.translated && !job.compiled && !job.compileSkipped && options.compile)
        llvm::outs() << "DOES NOT COMPILE " << job.op->name << " " << job.dir.name() << ":\n" << job.compileError;
      for (const auto &f : job.failures) llvm::outs() << "NOT VERIFIED " << job.op->name << " " << job.dir.name() << ": " << f << "\n";
      for (const auto &g : job.givenExtents)
        llvm::outs() << "EXTENT FROM MANIFEST " << job.op->name << " " << job.dir.name() << ": " << g
                     << " (the analysis could not size it)\n";
    }
    llvm::outs() << "\n" << pad("direction", 12) << pad("translated", 12) << pad("compiles", 12) << pad("computes", 12)
                 << pad("checks", 12) << "translation time (median / worst)\n";
  }
  for (const auto &d : directions) {
    Row &r = rows[d.name()];
    std::sort(r.seconds.begin(), r.seconds.end());
    char times[64] = "-";
    if (!r.seconds.empty())
      std::snprintf(times, sizeof times, "%.2f s / %.2f s", r.seconds[r.seconds.size() / 2], r.seconds.back());
    if (!options.json)
      llvm::outs() << pad(d.name(), 12) << pad(std::to_string(r.translated) + "/" + std::to_string(r.operators), 12)
                   << pad(options.compile ? percent(r.compiled, r.compileChecked) : "-", 12)
                   << pad(percent(r.passed, r.checks), 12)
                   << pad(std::to_string(r.passed) + "/" + std::to_string(r.checks), 12) << times << "\n";
    allGood = allGood && r.translated == r.operators && r.compiled == r.compileChecked && r.passed == r.checks;
  }
  if (!options.json)
    llvm::outs() << "\ncompiles: of all operators (not translated = not compiled); computes and checks: of every "
                    "entry's shapes of all operators (not translated = failed)\n";
  return allGood ? 0 : 1;
}

}  // namespace xpile::tools
