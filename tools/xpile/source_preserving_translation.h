// CUDA -> HIP translation that keeps the user's source: the rewrite `xpile port` applies and
// `xpile check` offers as fix-its (porting/hip_rewrite.h), applied to the file and verified against
// the input like any translation. Comments, macros, formatting and #if branches stay as written.
#pragma once

#include "passes/pass_manager.h"
#include "porting/hip_rewrite.h"

#include <optional>
#include <string>

namespace xpile::tools {

struct SourcePreservingTranslation {
  bool usable = false;  // the rewrite applied and its output parses as HIP
  std::string why;      // not usable: why
  std::string text;     // the translated file
  std::optional<ast::Module> output;  // `text` parsed as HIP, for verification and the launch sidecar
  porting::FileRewrite rewrite;
  passes::VerifyStatus verification = passes::VerifyStatus::Skipped;
  std::string verdict;
  double verifySeconds = 0;
};

// `plan` empty: not verified (the caller says why).
SourcePreservingTranslation translatePreservingSource(const std::string &path, const ast::Module &input,
                                                      const frontends::ParseOptions &parse,
                                                      const std::optional<passes::VerificationPlan> &plan);

}  // namespace xpile::tools
