#include "porting/port_tree.h"
#include "porting/port_files.h"

#include <clang/Basic/LangOptions.h>
#include <clang/Lex/Lexer.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/Path.h>

#include <algorithm>
#include <map>
#include <set>

namespace xpile::porting {

namespace {

bool endsWith(const std::string &s, const std::string &suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}
bool startsWith(const std::string &s, const std::string &prefix) { return s.compare(0, prefix.size(), prefix) == 0; }

bool isHeaderName(const std::string &p) {
  for (const char *ext : {".cuh", ".h", ".hpp", ".hh", ".hxx", ".inl", ".inc"})
    if (endsWith(p, ext)) return true;
  return false;
}
bool isCppName(const std::string &p) {
  for (const char *ext : {".cpp", ".cc", ".cxx", ".c++", ".C"})
    if (endsWith(p, ext)) return true;
  return false;
}

}  // namespace

bool mentionsCuda(const std::string &source) {
  clang::LangOptions opts;
  opts.CPlusPlus = true;
  opts.CPlusPlus17 = true;
  clang::Lexer lexer(clang::SourceLocation(), opts, source.data(), source.data(), source.data() + source.size());
  clang::Token tok;
  bool afterHash = false;
  static const char *prefixes[] = {"cuda", "cublas", "curand", "cufft", "cusparse", "cusolver", "cudnn", "CUDA",
                                   "CUBLAS", "CURAND", "CUFFT", "CUSPARSE", "__shfl", "__syncwarp"};
  static const std::set<std::string> words = {"__global__", "__device__", "__shared__", "__constant__",
                                              "__syncthreads", "threadIdx", "blockIdx", "blockDim", "gridDim",
                                              "warpSize", "nvcuda", "thrust", "cub", "__ldg"};
  while (!lexer.LexFromRawLexer(tok)) {
    if (tok.is(clang::tok::hash) && tok.isAtStartOfLine()) {
      afterHash = true;
      continue;
    }
    if (afterHash && tok.is(clang::tok::raw_identifier) && tok.getRawIdentifier() == "include") {
      size_t at = lexer.getCurrentBufferOffset();
      size_t end = source.find('\n', at);
      std::string rest = source.substr(at, end == std::string::npos ? std::string::npos : end - at);
      size_t open = rest.find_first_of("<\"");
      if (open != std::string::npos) {
        std::string name = rest.substr(open + 1);
        for (const char *p : {"cuda", "cublas", "curand", "cufft", "cusparse", "cusolver", "cudnn", "thrust/", "cub/",
                              "device_launch_parameters", "nvrtc", "cooperative_groups", "mma.h", "sm_"})
          if (startsWith(name, p)) return true;
      }
      afterHash = false;
      continue;
    }
    afterHash = false;
    if (!tok.is(clang::tok::raw_identifier)) continue;
    std::string id = tok.getRawIdentifier().str();
    if (words.count(id)) return true;
    for (const char *p : prefixes)
      if (startsWith(id, p)) return true;
  }
  return false;
}

TreeWalk walkTree(const std::string &root, const TreeWalkOptions &options) {
  TreeWalk walk;
  std::map<std::string, PortFile> byPath;
  auto relative = [&](const std::string &path) {
    std::string rel = path.substr(root.size());
    while (!rel.empty() && rel[0] == '/') rel.erase(0, 1);
    return rel;
  };
  auto addFile = [&](const std::string &rel, const std::string &diskPath, bool fromBackup) {
    std::optional<std::string> contents = readWholeFile(diskPath);
    if (!contents) {
      walk.errors.push_back(diskPath + ": error: cannot read the file");
      return;
    }
    PortFile f;
    f.relativePath = rel;
    f.original = std::move(*contents);
    f.fromBackup = fromBackup;
    f.mode = filePermissions(diskPath);
    byPath[rel] = std::move(f);
  };
  std::error_code ec;
  for (llvm::sys::fs::recursive_directory_iterator it(root, ec), end; it != end && !ec; it.increment(ec)) {
    std::string path = it->path();
    std::string name = llvm::sys::path::filename(path).str();
    if (it->type() == llvm::sys::fs::file_type::directory_file) {
      bool skip = startsWith(name, ".") ||
                  std::find(options.skipPaths.begin(), options.skipPaths.end(), path) != options.skipPaths.end();
      if (skip) it.no_push();
      continue;
    }
    if (it->type() != llvm::sys::fs::file_type::regular_file && it->type() != llvm::sys::fs::file_type::symlink_file)
      continue;
    std::string rel = relative(path);
    if (rel.find('/') == std::string::npos &&
        std::find(options.skipRootFiles.begin(), options.skipRootFiles.end(), rel) != options.skipRootFiles.end())
      continue;
    if (name.find(".xpile-tmp-") != std::string::npos) {  // left by a killed run
      walk.leftovers.push_back(path);
      continue;
    }
    addFile(rel, path, false);
  }
  if (ec) walk.errors.push_back(root + ": error: " + ec.message());

  // In-place re-runs: the backup holds the original of every file already written, and the
  // ported file (possibly under its new name) is an output, not an input.
  if (!options.backupRoot.empty()) {
    std::string backups = options.backupRoot + "/" + kBackupDirName;
    std::set<std::string> outputsOfBackedUp;
    for (llvm::sys::fs::recursive_directory_iterator it(backups, ec), end; it != end && !ec; it.increment(ec)) {
      if (it->type() != llvm::sys::fs::file_type::regular_file) continue;
      std::string name = llvm::sys::path::filename(it->path()).str();
      if (name.find(".xpile-tmp-") != std::string::npos) {
        walk.leftovers.push_back(it->path());
        continue;
      }
      std::string rel = it->path().substr(backups.size() + 1);
      addFile(rel, it->path(), true);
      if (options.renameCudaSources && endsWith(rel, ".cu")) outputsOfBackedUp.insert(rel.substr(0, rel.size() - 3) + ".hip");
    }
    for (const std::string &out : outputsOfBackedUp)
      if (byPath.count(out) && !byPath[out].fromBackup) byPath.erase(out);
  }

  std::map<std::string, std::string> outputOwners;
  for (auto &[rel, f] : byPath) {
    f.outputPath = rel;
    f.buildKind = buildFileKind(rel);
    if (f.buildKind != BuildFileKind::None) {
      f.kind = PortFileKind::BuildFile;
    } else if (endsWith(rel, ".cu")) {
      f.kind = PortFileKind::Source;
      if (options.renameCudaSources) f.outputPath = rel.substr(0, rel.size() - 3) + ".hip";
    } else if (isCppName(rel) && mentionsCuda(f.original)) {
      f.kind = PortFileKind::Source;
    } else if (isHeaderName(rel)) {
      f.kind = PortFileKind::Header;
    }
    auto [owner, inserted] = outputOwners.emplace(f.outputPath, rel);
    if (!inserted)
      walk.errors.push_back(root + "/" + rel + ": error: ported, it would be named '" + f.outputPath +
                            "', which '" + owner->second + "' is named too");
    walk.files.push_back(std::move(f));
  }
  return walk;
}

}  // namespace xpile::porting
