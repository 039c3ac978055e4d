#include "porting/port_project.h"
#include "porting/port_cache.h"
#include "porting/port_files.h"

#include <llvm/Support/FileSystem.h>
#include <llvm/Support/Path.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <thread>

namespace xpile::porting {

namespace {

unsigned countLines(const std::string &text) {
  unsigned n = static_cast<unsigned>(std::count(text.begin(), text.end(), '\n'));
  return n + (!text.empty() && text.back() != '\n');
}

std::string absolutePath(const std::string &path) {
  llvm::SmallString<256> p(path);
  llvm::sys::fs::make_absolute(p);
  llvm::sys::path::remove_dots(p, /*remove_dot_dot=*/true);
  llvm::SmallString<256> real;
  if (!llvm::sys::fs::real_path(p, real)) return std::string(real);
  return std::string(p);
}

bool isInside(const std::string &path, const std::string &dir) {
  return path.size() > dir.size() && path.compare(0, dir.size(), dir) == 0 && path[dir.size()] == '/';
}

// Everything besides a file's own contents that its rewrite depends on.
std::string optionsFingerprint(const PortOptions &o) {
  std::string f = "xpile-port/1\n" + o.buildIdentity + "\n";
  for (const auto &a : o.rewrite.parse.extraArgs) f += "arg " + a + "\n";
  if (o.rewrite.parse.dialect) f += "dialect " + std::to_string(static_cast<int>(*o.rewrite.parse.dialect)) + "\n";
  if (!o.rewrite.parse.compilationDatabaseDir.empty()) {
    f += "p " + o.rewrite.parse.compilationDatabaseDir + "\n";
    if (auto db = readWholeFile(o.rewrite.parse.compilationDatabaseDir + "/compile_commands.json")) f += sha256Hex(*db) + "\n";
  }
  f += std::string("kernels ") + (o.rewrite.rewriteKernels ? "1" : "0") + "\n";
  f += "arch " + o.build.offloadArch + "\nrename " + (o.build.renameCudaSources ? "1" : "0") + "\n";
  return sha256Hex(f);
}

// Merges the edits several units made to one file: identical ones once, overlapping different
// ones are a conflict (the first kept, the others reported).
std::vector<TextEdit> mergeEdits(const std::string &file, std::vector<TextEdit> edits, const std::string &text,
                                 std::vector<Diagnostic> &diagnostics) {
  std::stable_sort(edits.begin(), edits.end(), [](const TextEdit &a, const TextEdit &b) {
    return a.offset != b.offset ? a.offset < b.offset : a.length < b.length;
  });
  std::vector<TextEdit> merged;
  for (TextEdit &e : edits) {
    if (!merged.empty()) {
      const TextEdit &last = merged.back();
      if (last.offset == e.offset && last.length == e.length && last.text == e.text) continue;
      bool overlaps = e.offset < last.offset + last.length || (e.offset == last.offset && e.length == 0 && last.length == 0);
      if (overlaps) {
        Diagnostic d;
        d.level = Diagnostic::Level::Error;
        d.file = file;
        d.offset = static_cast<unsigned>(e.offset);
        lineColumnAt(text, e.offset, d.line, d.column);
        d.message = "translation units including this file disagree on its rewrite ('" + last.text + "' vs '" +
                    e.text + "'); the first was applied";
        d.check = "hip-port-conflicting-edits";
        diagnostics.push_back(std::move(d));
        continue;
      }
    }
    merged.push_back(std::move(e));
  }
  return merged;
}

}  // namespace

PortReport portProject(const PortOptions &options) {
  auto start = std::chrono::steady_clock::now();
  PortReport report;
  report.inPlace = options.inPlace;
  report.jobs = std::max(1u, options.jobs);
  report.xpileVersion = options.buildIdentity.substr(0, options.buildIdentity.find(' '));
  const std::string root = absolutePath(options.source);
  report.source = root;
  if (!llvm::sys::fs::is_directory(root)) {
    report.errors.push_back(options.source + ": error: not a directory");
    return report;
  }
  std::string dest = root;
  if (!options.inPlace) {
    if (auto ec = llvm::sys::fs::create_directories(options.outDir)) {
      report.errors.push_back(options.outDir + ": error: cannot create the output directory: " + ec.message());
      return report;
    }
    dest = absolutePath(options.outDir);
    if (dest == root) {
      report.errors.push_back(options.outDir + ": error: the output directory is the source tree; use --in-place to "
                              "port it in place");
      return report;
    }
    if (isInside(root, dest)) {
      report.errors.push_back(options.outDir + ": error: the source tree lies inside the output directory");
      return report;
    }
  }
  report.destination = dest;
  const std::string prefix = options.reportPrefix.empty() ? dest + "/" + kReportBaseName : options.reportPrefix;

  TreeWalkOptions walkOptions;
  walkOptions.renameCudaSources = options.build.renameCudaSources;
  if (options.inPlace) walkOptions.backupRoot = root;
  if (!options.inPlace && isInside(dest, root)) walkOptions.skipPaths.push_back(dest);
  walkOptions.skipRootFiles = {kCacheFileName, std::string(kReportBaseName) + ".md", std::string(kReportBaseName) + ".json"};
  TreeWalk walk = walkTree(root, walkOptions);
  for (auto &e : walk.errors) report.errors.push_back(e);
  if (!walk.errors.empty()) return report;
  std::vector<PortFile> &files = walk.files;
  if (options.inPlace)  // a killed run's temporaries: never renamed, so never part of the tree
    for (const std::string &leftover : walk.leftovers) llvm::sys::fs::remove(leftover);

  PortCache cache;
  const std::string cachePath = dest + "/" + kCacheFileName;
  cache.load(cachePath);
  const std::string fingerprint = optionsFingerprint(options);
  std::string headerSet;
  for (const PortFile &f : files)
    if (f.kind == PortFileKind::Header) headerSet += f.relativePath + " " + sha256Hex(f.original) + "\n";
  const std::string headersDigest = sha256Hex(headerSet);
  auto keyOf = [&](const PortFile &f, const char *role) {
    return sha256Hex(fingerprint + "\n" + headersDigest + "\n" + role + "\n" + f.relativePath + "\n" + sha256Hex(f.original));
  };

  RewriteOptions rewriteOptions = options.rewrite;
  rewriteOptions.projectRoot = root;
  BuildFileOptions buildOptions = options.build;
  for (const PortFile &f : files)
    if (f.kind == PortFileKind::BuildFile)
      for (const auto &lib : cudaLibrariesReferenced(f.buildKind, f.original)) buildOptions.projectLibraries.insert(lib);

  std::mutex mutex;  // guards everything below that workers touch
  PortProgress progress;
  progress.total = files.size();
  auto tick = [&](const std::string &file) {  // call with the mutex held
    ++progress.done;
    progress.current = file;
    if (options.progress) options.progress(progress);
  };
  std::map<std::string, std::string> writtenThisRun;  // output path -> hash
  std::map<std::string, PortedFile> ported;           // by relative path
  for (const PortFile &f : files) {
    PortedFile &p = ported[f.relativePath];
    p.path = f.relativePath;
    p.outputPath = f.outputPath;
    p.kind = f.kind;
    p.lines = countLines(f.original);
  }

  // Writes one file's output; in place, after keeping the original and only over a file that is
  // still the original or a port of it (never over changes made by hand).
  auto writeOutput = [&](const PortFile &f, const std::string &output, PortedFile &p) {
    const std::string target = dest + "/" + f.outputPath;
    const std::string hash = sha256Hex(output);
    bool renamed = f.outputPath != f.relativePath;
    if (options.inPlace && !renamed && output == f.original) return;
    std::optional<std::string> current = readWholeFile(target);
    if (current && *current == output) {
      cache.setOutputHash(f.outputPath, hash);
    } else {
      if (options.inPlace && current) {
        std::string was = sha256Hex(*current);
        bool ours = (!renamed && *current == f.original) || was == cache.outputHash(f.outputPath) ||
                    (writtenThisRun.count(f.outputPath) && writtenThisRun[f.outputPath] == was);
        if (!ours) {
          p.status = PortedFile::Status::Skipped;
          p.failure = "'" + f.outputPath + "' changed since xpile port last wrote it; left alone (restore it from " +
                      std::string(kBackupDirName) + " to port it again)";
          return;
        }
      }
      if (options.inPlace) {
        std::string backup = backupPathFor(root, f.relativePath);
        if (!llvm::sys::fs::exists(backup))
          if (std::string e = writeFileAtomically(backup, f.original, f.mode); !e.empty()) {
            p.status = PortedFile::Status::Failed;
            p.failure = e;
            return;
          }
      }
      if (std::string e = writeFileAtomically(target, output, f.mode); !e.empty()) {
        p.status = PortedFile::Status::Failed;
        p.failure = e;
        return;
      }
      p.written = true;
      writtenThisRun[f.outputPath] = hash;
      cache.setOutputHash(f.outputPath, hash);
    }
    if (options.inPlace && renamed) llvm::sys::fs::remove(root + "/" + f.relativePath);
  };

  // Translation units: from the cache, or rewritten on `jobs` threads.
  std::map<std::string, UnitResult> units;  // by relative path of the main file
  std::vector<const PortFile *> todo;
  for (const PortFile &f : files) {
    if (f.kind != PortFileKind::Source) continue;
    if (auto cached = cache.lookup(f.relativePath, keyOf(f, "unit"))) {
      units[f.relativePath] = std::move(*cached);
      ported[f.relativePath].cached = true;
    } else {
      todo.push_back(&f);
    }
  }
  auto restoreOriginals = [&] {  // in place: Clang must read the original headers
    if (!options.inPlace) return;
    for (const PortFile &f : files) {
      if (!f.fromBackup || f.outputPath != f.relativePath) continue;
      std::optional<std::string> current = readWholeFile(root + "/" + f.relativePath);
      if (current && *current == f.original) continue;
      if (current && sha256Hex(*current) != cache.outputHash(f.outputPath) &&
          !(f.kind == PortFileKind::Source && current)) {
        // Changed by hand after a port: leave it, writeOutput reports it.
        continue;
      }
      writeFileAtomically(root + "/" + f.relativePath, f.original, f.mode);
    }
  };
  auto runParallel = [&](const std::vector<const PortFile *> &work, const char *role,
                         const std::function<void(const PortFile &, UnitResult &)> &finished) {
    std::atomic<size_t> next{0};
    auto worker = [&] {
      for (size_t i; (i = next++) < work.size();) {
        const PortFile &f = *work[i];
        UnitResult unit = rewriteUnit(root, f.relativePath, f.original, rewriteOptions);
        std::lock_guard<std::mutex> lock(mutex);
        if (unit.parsed) cache.store(f.relativePath, keyOf(f, role), unit);
        finished(f, unit);
      }
    };
    std::vector<std::thread> threads;
    unsigned n = std::min<unsigned>(report.jobs, static_cast<unsigned>(work.size()));
    for (unsigned t = 1; t < n; ++t) threads.emplace_back(worker);
    if (n > 0) worker();
    for (auto &t : threads) t.join();
  };
  if (!todo.empty()) restoreOriginals();
  runParallel(todo, "unit", [&](const PortFile &f, UnitResult &unit) {
    // The main file is final unless another unit includes it: write it now, so a long run makes
    // progress on disk; the final pass rewrites it if a later unit adds edits.
    if (unit.parsed) {
      std::vector<Diagnostic> ignored;
      std::string output = applyTextEdits(f.original, mergeEdits(f.relativePath, unit.edits[f.relativePath], f.original, ignored));
      writeOutput(f, output, ported[f.relativePath]);
    }
    units[f.relativePath] = std::move(unit);
    tick(f.relativePath);
  });
  for (const PortFile &f : files)
    if (f.kind == PortFileKind::Source && ported[f.relativePath].cached) tick(f.relativePath);

  // Headers no translation unit reached are rewritten on their own.
  std::set<std::string> reached;
  for (const auto &[rel, unit] : units)
    for (const auto &[file, edits] : unit.edits) reached.insert(file);
  std::vector<const PortFile *> loneHeaders;
  for (const PortFile &f : files) {
    if (f.kind != PortFileKind::Header || reached.count(f.relativePath) || !mentionsCuda(f.original)) continue;
    if (auto cached = cache.lookup(f.relativePath, keyOf(f, "header"))) {
      units[f.relativePath] = std::move(*cached);
      ported[f.relativePath].cached = true;
    } else {
      loneHeaders.push_back(&f);
    }
  }
  if (!loneHeaders.empty() && todo.empty()) restoreOriginals();
  runParallel(loneHeaders, "header", [&](const PortFile &f, UnitResult &unit) { units[f.relativePath] = std::move(unit); });

  // Merge every unit's edits and report entries by file.
  std::map<std::string, std::vector<TextEdit>> editsByFile;
  std::set<std::string> seenEntries;
  auto owner = [&](const std::string &file, const std::string &fallback) -> PortedFile & {
    auto it = ported.find(file);
    return it != ported.end() ? it->second : ported[fallback];
  };
  for (auto &[rel, unit] : units) {
    PortedFile &main = ported[rel];
    if (!unit.parsed) {
      main.status = PortedFile::Status::Failed;
      main.failure = unit.clangDiagnostics;
      continue;
    }
    for (auto &[file, edits] : unit.edits)
      if (ported.count(file)) editsByFile[file].insert(editsByFile[file].end(), edits.begin(), edits.end());
    auto once = [&](const std::string &entry) { return seenEntries.insert(entry).second; };
    for (auto &c : unit.converted)
      if (once("c" + c.file + ":" + std::to_string(c.line) + ":" + std::to_string(c.column) + c.from + ">" + c.to))
        owner(c.file, rel).converted.push_back(c);
    for (auto &d : unit.diagnostics)
      if (once("d" + d.file + ":" + std::to_string(d.line) + ":" + std::to_string(d.column) + d.message))
        owner(d.file, rel).diagnostics.push_back(d);
    for (auto &k : unit.kept)
      if (once("k" + k.file + ":" + std::to_string(k.line) + ":" + std::to_string(k.column) + k.text))
        owner(k.file, rel).kept.push_back(k);
    for (auto &k : unit.kernels)
      if (once("K" + k.file + ":" + std::to_string(k.line) + k.name)) owner(k.file, rel).kernels.push_back(k);
  }

  // Final pass: every file's output, written where it differs from what is there.
  for (const PortFile &f : files) {
    PortedFile &p = ported[f.relativePath];
    std::string output = f.original;
    bool failed = p.status == PortedFile::Status::Failed;
    if (f.kind == PortFileKind::BuildFile) {
      BuildFileRewrite b = f.buildKind == BuildFileKind::CMake ? rewriteCMake(f.relativePath, f.original, buildOptions)
                                                                : rewriteMakefile(f.relativePath, f.original, buildOptions);
      p.converted = b.converted;
      p.diagnostics = b.diagnostics;
      p.kept = b.kept;
      if (!b.parsed) {
        failed = true;
        p.status = PortedFile::Status::Failed;
      }
      output = applyTextEdits(f.original, b.edits);
    } else if (!failed && editsByFile.count(f.relativePath)) {
      output = applyTextEdits(f.original, mergeEdits(f.relativePath, editsByFile[f.relativePath], f.original, p.diagnostics));
    }
    if (failed && options.inPlace) {  // never touch a file that could not be ported
      if (f.kind != PortFileKind::Source) tick(f.relativePath);
      continue;
    }
    if (!failed) p.status = output != f.original || f.outputPath != f.relativePath ? PortedFile::Status::Ported
                                                                                 : PortedFile::Status::Unchanged;
    std::lock_guard<std::mutex> lock(mutex);
    writeOutput(f, output, p);
    if (f.kind != PortFileKind::Source) tick(f.relativePath);
  }

  if (std::string e = cache.save(cachePath); !e.empty()) report.errors.push_back(e);
  for (auto &[rel, p] : ported) report.files.push_back(std::move(p));
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (std::string e = writeFileAtomically(prefix + ".md", reportMarkdown(report)); !e.empty()) report.errors.push_back(e);
  if (std::string e = writeFileAtomically(prefix + ".json", reportJson(report).dump(2) + "\n"); !e.empty())
    report.errors.push_back(e);
  return report;
}

}  // namespace xpile::porting
