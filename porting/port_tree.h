// The files of a source tree as `xpile port` sees them: what each one is (a CUDA translation
// unit, a header, a build file, anything else), its original contents (in-place re-runs read the
// backup), and the name it has once ported.
#pragma once

#include "porting/build_files.h"

#include <string>
#include <vector>

namespace xpile::porting {

enum class PortFileKind { Source, Header, BuildFile, Other };

struct PortFile {
  std::string relativePath;  // from the tree root, '/'-separated
  std::string outputPath;    // relative name once ported (`x.cu` -> `x.hip` when renaming)
  PortFileKind kind = PortFileKind::Other;
  BuildFileKind buildKind = BuildFileKind::None;
  std::string original;      // the original contents
  bool fromBackup = false;   // in-place re-run: `original` is the backup's
  unsigned mode = 0;         // permission bits
};

struct TreeWalkOptions {
  bool renameCudaSources = true;
  std::string backupRoot;                 // in-place: ROOT whose .xpile-port-backup/ holds originals
  std::vector<std::string> skipPaths;     // absolute paths not to enter (the output directory)
  std::vector<std::string> skipRootFiles; // names at the root written by `xpile port` itself
};

struct TreeWalk {
  std::vector<PortFile> files;  // sorted by relative path
  std::vector<std::string> errors;
  std::vector<std::string> leftovers;  // temporary files of a killed run (absolute paths)
};

// Walks `root`, skipping hidden directories (.git, the backup directory) and `skipPaths`.
TreeWalk walkTree(const std::string &root, const TreeWalkOptions &options);

// Whether C/C++ source mentions CUDA (its runtime, libraries, qualifiers or headers), from
// Clang's raw lexer: comments and strings do not count.
bool mentionsCuda(const std::string &source);

}  // namespace xpile::porting
