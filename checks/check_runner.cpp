#include "checks/check_runner.h"

#include "checks/check_registry.h"
#include "checks/nolint.h"
#include "checks/rewrite_diagnostics.h"
#include "frontends/dialect_detection.h"
#include "porting/hip_rewrite.h"

#include <clang/AST/ASTConsumer.h>
#include <clang/Frontend/CompilerInstance.h>
#include <clang/Frontend/FrontendAction.h>

#include <algorithm>
#include <map>

namespace xpile::checks {

namespace {

using clang::ast_matchers::MatchFinder;

// Runs the matchers, then tells every check the translation unit is complete.
class ChecksConsumer : public clang::ASTConsumer {
public:
  ChecksConsumer(clang::CompilerInstance &ci, MatchFinder &finder, const std::vector<std::unique_ptr<Check>> &checks)
      : ci_(ci), finder_(finder), checks_(checks) {}
  void HandleTranslationUnit(clang::ASTContext &ctx) override {
    if (ci_.getDiagnostics().hasErrorOccurred()) return;
    finder_.matchAST(ctx);
    for (const auto &check : checks_) check->onEndOfTranslationUnit(ctx);
  }

private:
  clang::CompilerInstance &ci_;
  MatchFinder &finder_;
  const std::vector<std::unique_ptr<Check>> &checks_;
};

class ChecksAction : public clang::ASTFrontendAction {
public:
  ChecksAction(MatchFinder &finder, const std::vector<std::unique_ptr<Check>> &checks) : finder_(finder), checks_(checks) {}
  std::unique_ptr<clang::ASTConsumer> CreateASTConsumer(clang::CompilerInstance &ci, llvm::StringRef) override {
    return std::make_unique<ChecksConsumer>(ci, finder_, checks_);
  }

private:
  MatchFinder &finder_;
  const std::vector<std::unique_ptr<Check>> &checks_;
};

// Conservative: ranges that overlap or merely touch (an insertion at the edge of an edit) count,
// since clang-apply-replacements rejects the ambiguous cases.
bool overlaps(const clang::tooling::Replacement &a, const clang::tooling::Replacement &b) {
  if (absolutePath(a.getFilePath().str()) != absolutePath(b.getFilePath().str())) return false;
  unsigned aEnd = a.getOffset() + a.getLength(), bEnd = b.getOffset() + b.getLength();
  return a.getOffset() <= bEnd && b.getOffset() <= aEnd;
}

// Fix-its of the other checks that touch code the rewrite also edits are dropped: the rewrite is
// what `xpile translate` and `xpile port` apply, so applying every fix-it must stay conflict-free.
void dropFixesOverlappingRewrite(std::vector<CheckDiagnostic> &diagnostics, const porting::FileRewrite &rewrite) {
  std::vector<clang::tooling::Replacement> edits;
  for (const auto &[file, replacements] : rewrite.replacements)
    for (const auto &r : replacements) edits.push_back(r);
  for (CheckDiagnostic &d : diagnostics) {
    if (d.check == "hip-api-rename") continue;
    d.fixes.erase(std::remove_if(d.fixes.begin(), d.fixes.end(),
                                 [&](const clang::tooling::Replacement &f) {
                                   return std::any_of(edits.begin(), edits.end(),
                                                      [&](const auto &e) { return overlaps(f, e); });
                                 }),
                  d.fixes.end());
  }
}

}  // namespace

FileCheckResult checkSource(const std::string &path, const std::string &source, const CheckRunOptions &options) {
  FileCheckResult result;
  std::optional<ast::Dialect> dialect = options.parse.dialect ? options.parse.dialect : frontends::detectDialect(path, source);
  if (!dialect) {
    result.clangDiagnostics = path + ":1:1: error: cannot tell the dialect of this file from its name or content; "
                                     "use --from cuda|hip|bang|vnni|c\n";
    result.clangErrors = 1;
    return result;
  }
  result.source = *dialect;
  result.target = options.target ? *options.target : defaultTarget(*dialect);

  CheckContext context;
  context.source = result.source;
  context.target = targetLimits(result.target);
  context.mainFile = path;
  context.mainSource = source;

  std::vector<std::unique_ptr<Check>> checks;
  for (const CheckInfo *info : enabledChecks(GlobList(options.checks), result.source, context.target))
    checks.push_back(info->make(context));

  frontends::ParseOptions parse = options.parse;
  parse.dialect = result.source;

  // The shared AST, for the checks that reuse the executors' analyses of it.
  std::optional<ast::Module> module;
  if (std::any_of(checks.begin(), checks.end(), [](const auto &c) { return c->needsModule(); })) {
    frontends::ParseOptions lowering = parse;
    lowering.showWarnings = false;
    lowering.lower = true;
    frontends::ParseResult lowered = frontends::parseSource(path, source, lowering);
    if (lowered.module) module = std::move(lowered.module);
    context.module = module ? &*module : nullptr;
  }

  MatchFinder finder;
  for (const auto &check : checks) check->registerMatchers(finder);
  frontends::ParseResult parsed = frontends::runClangAction(path, source, parse, [&](ast::Dialect, bool) {
    return std::make_unique<ChecksAction>(finder, checks);
  });
  result.clangDiagnostics = parsed.diagnostics;
  result.clangErrors = parsed.errorCount;
  result.clangWarnings = parsed.warningCount;
  result.parsed = parsed.errorCount == 0;
  if (!result.parsed) return result;

  if (std::any_of(checks.begin(), checks.end(), [](const auto &c) { return c->needsRewrite(); })) {
    porting::RewriteOptions rewriteOptions;
    rewriteOptions.parse = parse;
    rewriteOptions.projectRoot = options.projectRoot;
    porting::FileRewrite rewrite = porting::rewriteCudaToHip(path, source, rewriteOptions);
    if (!rewrite.parsed) {
      result.clangDiagnostics += rewrite.clangDiagnostics;
    } else {
      for (const auto &check : checks)
        if (check->needsRewrite()) check->onRewrite(rewrite);
      // Diagnostics the rewriter files under check names of its own: kept when the globs enable them.
      GlobList enabled(options.checks);
      for (const auto &d : rewrite.diagnostics)
        if (!d.check.empty() && enabled.contains(d.check) &&
            std::none_of(checkRegistry().begin(), checkRegistry().end(), [&](const CheckInfo &i) { return i.name == d.check; })) {
          CheckDiagnostic converted = fromRewriterDiagnostic(d, d.check);
          if (absolutePath(converted.file) == absolutePath(path)) converted.file = path;
          context.diagnostics.push_back(std::move(converted));
        }
      dropFixesOverlappingRewrite(context.diagnostics, rewrite);
    }
  }

  // NOLINT comments of every file that has a diagnostic, and always of the checked file.
  std::map<std::string, std::unique_ptr<NolintComments>> nolint;
  auto commentsOf = [&](const std::string &file) -> NolintComments & {
    auto &slot = nolint[file];
    if (!slot) {
      std::string contents = fileContents(context, file);
      slot = std::make_unique<NolintComments>(file, contents);
    }
    return *slot;
  };
  commentsOf(path);
  GlobList asErrors(options.warningsAsErrors);
  for (CheckDiagnostic &d : context.diagnostics) {
    if (commentsOf(d.file).suppresses(d.line, d.check)) {
      ++result.suppressedByNolint;
      continue;
    }
    if (d.level == CheckDiagnostic::Level::Warning && asErrors.contains(d.check)) {
      d.level = CheckDiagnostic::Level::Error;
      d.warningAsError = true;
    }
    result.diagnostics.push_back(std::move(d));
  }
  for (const auto &[file, comments] : nolint)
    result.diagnostics.insert(result.diagnostics.end(), comments->errors().begin(), comments->errors().end());

  std::stable_sort(result.diagnostics.begin(), result.diagnostics.end(), [](const auto &a, const auto &b) {
    if (a.file != b.file) return a.file < b.file;
    if (a.offset != b.offset) return a.offset < b.offset;
    return a.check < b.check;
  });
  // The same finding reached twice (a template instantiated twice, a header seen from two places).
  result.diagnostics.erase(std::unique(result.diagnostics.begin(), result.diagnostics.end(),
                                       [](const auto &a, const auto &b) {
                                         return a.file == b.file && a.offset == b.offset && a.check == b.check &&
                                                a.message == b.message;
                                       }),
                           result.diagnostics.end());
  return result;
}

}  // namespace xpile::checks
