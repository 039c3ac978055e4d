// What `xpile port` did, per file and in total (hipify-perl's statistics and more): converted API
// references by library and kind, kernels verified or not, every diagnostic with its location, the
// spans left unchanged on purpose. Printed as Markdown for people and JSON for tools.
#pragma once

#include "porting/port_tree.h"
#include "porting/port_unit.h"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace xpile::porting {

struct PortedFile {
  enum class Status {
    Ported,     // edited (or renamed) and written
    Unchanged,  // nothing to change: copied (out-dir) or left alone (in-place)
    Failed,     // not ported: Clang errors, a build file outside the grammar, a write error
    Skipped,    // not written on purpose (changed by hand since the last in-place run)
  };
  std::string path, outputPath;
  PortFileKind kind = PortFileKind::Other;
  Status status = Status::Unchanged;
  bool cached = false;   // its rewrite came from the cache
  bool written = false;  // this run wrote the output
  unsigned lines = 0;
  std::string failure;   // why, for Failed and Skipped (Clang's diagnostics verbatim)
  std::vector<ConvertedReference> converted;
  std::vector<Diagnostic> diagnostics;
  std::vector<KeptSpan> kept;
  std::vector<KernelRewrite> kernels;
};

struct PortReport {
  std::string source, destination;
  bool inPlace = false;
  unsigned jobs = 1;
  double seconds = 0;
  std::string xpileVersion;
  std::vector<PortedFile> files;
  std::vector<std::string> errors;  // about the run, not one file (walk errors, cache)

  // Every file ported or unchanged, no error diagnostic, every rewritten kernel verified.
  bool success() const;
  // Why not, one line per reason (empty on success).
  std::vector<std::string> failureReasons() const;
};

const char *statusName(PortedFile::Status status);
const char *kindName(PortFileKind kind);

std::string reportMarkdown(const PortReport &report);
nlohmann::json reportJson(const PortReport &report);

}  // namespace xpile::porting
