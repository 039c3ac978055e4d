// `xpile port` as a library call: walk the tree, rewrite its translation units in parallel (one
// Clang per thread), merge the edits each one makes in shared headers, rewrite build files, and
// write every file atomically (in-place: after keeping a backup), skipping what the content-hash
// cache says is done.
#pragma once

#include "porting/port_report.h"

#include <functional>
#include <string>

namespace xpile::porting {

struct PortProgress {
  size_t done = 0, total = 0;
  std::string current;  // the file just finished
};

struct PortOptions {
  std::string source;     // the tree to port
  std::string outDir;     // where the ported tree goes; empty with inPlace
  bool inPlace = false;
  unsigned jobs = 1;
  RewriteOptions rewrite;  // projectRoot is set to `source`
  BuildFileOptions build;
  std::string reportPrefix;    // PREFIX.md and PREFIX.json; default DEST/xpile-port-report
  std::string buildIdentity;   // the xpile build (version and binary), part of every cache key
  std::function<void(const PortProgress &)> progress;  // called from worker threads, serialized
};

// Ports the tree and writes the report; the report is also returned. Problems with the options
// (missing source, output inside nothing writable, ...) come back as `errors` with no files.
PortReport portProject(const PortOptions &options);

constexpr const char *kReportBaseName = "xpile-port-report";

}  // namespace xpile::porting
