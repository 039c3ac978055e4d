#include "tools/xpile/source_preserving_translation.h"

#include <clang/Tooling/Core/Replacement.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/Path.h>

namespace xpile::tools {

SourcePreservingTranslation translatePreservingSource(const std::string &path, const ast::Module &input,
                                                      const frontends::ParseOptions &parse,
                                                      const std::optional<passes::VerificationPlan> &plan) {
  SourcePreservingTranslation t;
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/true);
  if (!buffer) {
    t.why = "cannot read '" + path + "' again";
    return t;
  }
  std::string source = (*buffer)->getBuffer().str();
  porting::RewriteOptions options;
  options.parse = parse;
  options.parse.dialect = ast::Dialect::CUDA;
  t.rewrite = porting::rewriteCudaToHip(path, source, options);
  if (!t.rewrite.parsed) {
    t.why = "the source-preserving rewrite could not parse the file";
    return t;
  }
  auto edits = t.rewrite.replacements.find(path);
  if (edits == t.rewrite.replacements.end()) {
    t.text = source;
  } else {
    auto applied = clang::tooling::applyAllReplacements(source, edits->second);
    if (!applied) {
      t.why = "the rewrite's edits conflict: " + llvm::toString(applied.takeError());
      return t;
    }
    t.text = *applied;
  }
  // Parse the result as the HIP file it now is, with the same include paths and macros.
  frontends::ParseOptions hip = parse;
  hip.dialect = ast::Dialect::HIP;
  hip.showWarnings = false;
  std::string hipName = (llvm::sys::path::parent_path(path) + "/" + llvm::sys::path::stem(path) + ".hip").str();
  if (llvm::sys::path::parent_path(path).empty()) hipName = (llvm::sys::path::stem(path) + ".hip").str();
  frontends::ParseResult parsed = frontends::parseSource(hipName, t.text, hip);
  if (!parsed.module) {
    t.why = "the rewritten file does not parse as HIP:\n" + parsed.diagnostics;
    return t;
  }
  t.output = std::move(parsed.module);
  t.usable = true;
  if (plan) t.verification = passes::verifyModules(*plan, input, *t.output, t.verdict, t.verifySeconds);
  return t;
}

}  // namespace xpile::tools
