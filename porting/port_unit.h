// One translation unit (or lone header) rewritten, with every path made relative to the tree
// root: the form `xpile port` merges, reports and keeps in its cache.
#pragma once

#include "porting/hip_rewrite.h"
#include "porting/port_text_edits.h"

#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <vector>

namespace xpile::porting {

struct UnitResult {
  bool parsed = false;
  std::string clangDiagnostics;
  std::map<std::string, std::vector<TextEdit>> edits;  // by relative path; files outside the tree dropped
  std::vector<ConvertedReference> converted;
  std::vector<Diagnostic> diagnostics;
  std::vector<KeptSpan> kept;
  std::vector<KernelRewrite> kernels;
};

// Rewrites `root/relativePath` (whose original contents are `source`) with the HIP rewriter.
UnitResult rewriteUnit(const std::string &root, const std::string &relativePath, const std::string &source,
                       const RewriteOptions &options);

// `path` relative to `root` when it lies inside it, else `path` unchanged and `inside` false.
std::string relativeToRoot(const std::string &root, const std::string &path, bool *inside = nullptr);

nlohmann::json unitResultToJson(const UnitResult &unit);
UnitResult unitResultFromJson(const nlohmann::json &j);

nlohmann::json diagnosticToJson(const Diagnostic &d);
const char *levelName(Diagnostic::Level level);

}  // namespace xpile::porting
