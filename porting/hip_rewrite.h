// CUDA -> HIP source-preserving rewriting: the edits `xpile port` applies and `xpile check` offers
// as fix-its. Edits are computed from Clang's AST of each translation unit (runtime and library
// API references, types, enumerators, macros, #include lines, identifiers in macro bodies and in
// inactive #if branches) and kept as Clang replacements, so everything the user did not need
// changed stays byte for byte. Kernels that need deeper changes (warp-size hazards, intrinsics)
// are rewritten through the pass pipeline and spliced back in as one replacement each.
#pragma once

#include "frontends/frontend.h"

#include <clang/Tooling/Core/Replacement.h>

#include <map>
#include <string>
#include <vector>

namespace xpile::porting {

// One API reference converted, for reports (hipify-style statistics).
struct ConvertedReference {
  std::string file;
  unsigned line = 0, column = 0;
  std::string library;  // "runtime", "cublas", "curand", "cufft", "cusparse", "cub", "thrust", "cudnn"
  std::string kind;     // "function", "type", "enumerator", "macro", "include", "kernel"
  std::string from, to;
};

// A diagnostic in clang-tidy form: `file:line:col: warning: message [check]`.
struct Diagnostic {
  enum class Level { Note, Warning, Error };
  Level level = Level::Warning;
  std::string file;
  unsigned offset = 0;  // byte offset in `file`, for --export-fixes
  unsigned line = 0, column = 0;
  std::string message;
  std::string check;                                // e.g. "hip-api-without-equivalent"
  std::vector<clang::tooling::Replacement> fixes;   // fix-its, in `file` or headers it includes
  std::vector<Diagnostic> notes;
};

// A span carried unchanged on purpose (an API with no exact equivalent, inline PTX, ...).
struct KeptSpan {
  std::string file;
  unsigned line = 0, column = 0;
  std::string text, reason;
};

// A kernel rewritten through the pass pipeline, and whether it verified on the executors.
struct KernelRewrite {
  std::string file, name;
  unsigned line = 0;
  bool verified = false;
  std::string why;  // what was not verified, or which hazard made the rewrite necessary
};

struct RewriteOptions {
  frontends::ParseOptions parse;  // -I/-D/-U, -p compilation database, --extra-arg
  // Only files under this directory receive edits (headers outside it, system and SDK headers,
  // are never touched). Empty: the main file only.
  std::string projectRoot;
  // Rewrite kernels with warp-size hazards or intrinsics through the pass pipeline (and verify
  // them when a launch configuration can be inferred). Off: diagnose them only.
  bool rewriteKernels = true;
};

struct FileRewrite {
  bool parsed = false;             // false: Clang reported errors; `clangDiagnostics` says which
  std::string clangDiagnostics;    // Clang's own diagnostics, formatted like clang's
  // Replacements per file: the main file and every project header it includes.
  std::map<std::string, clang::tooling::Replacements> replacements;
  std::vector<ConvertedReference> converted;
  std::vector<Diagnostic> diagnostics;  // APIs without an exact equivalent, hazards, ...
  std::vector<KeptSpan> kept;
  std::vector<KernelRewrite> kernels;
};

// Computes the HIP rewrite of the CUDA translation unit `path` whose contents are `source`.
FileRewrite rewriteCudaToHip(const std::string &path, const std::string &source, const RewriteOptions &options);

}  // namespace xpile::porting
