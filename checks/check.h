// The check framework of `xpile check`, shaped like clang-tidy's: each check is a class in its own
// file with a prefixed name (portability-..., hip-..., bang-...), registers Clang AST matchers and
// reports diagnostics with notes and fix-its. Diagnostics are kept as file + byte offset so they
// outlive the Clang instance that produced them (rendered later with Clang's TextDiagnostic and
// exported as clang-tidy's YAML).
#pragma once

#include "ast/module.h"
#include "checks/target_limits.h"

#include <clang/ASTMatchers/ASTMatchFinder.h>
#include <clang/Basic/SourceManager.h>
#include <clang/Tooling/Core/Replacement.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace xpile::porting {
struct FileRewrite;
}

namespace xpile::checks {

struct CheckDiagnostic {
  enum class Level { Note, Warning, Error };
  Level level = Level::Warning;
  std::string check;  // e.g. "portability-warp-size-literal"
  std::string file;   // as Clang names it (the path given on the command line for the main file)
  unsigned offset = 0, length = 0;  // the location, and the range underlined with ~ (0: caret only)
  unsigned line = 0, column = 0;
  std::string message;
  std::vector<clang::tooling::Replacement> fixes;
  std::vector<CheckDiagnostic> notes;
  bool warningAsError = false;  // a warning promoted by --warnings-as-errors (level is then Error)
};

// What every check of one run sees: the dialects involved, the target's limits, the shared AST
// of the file when a check asked for it, and where diagnostics go.
struct CheckContext {
  ast::Dialect source = ast::Dialect::CUDA;
  TargetLimits target;
  const ast::Module *module = nullptr;  // the lowered file, for checks that reuse the executors' analyses
  std::string mainFile;                 // the checked file, as given
  std::string mainSource;               // its contents
  std::vector<CheckDiagnostic> diagnostics;
};

class Check : public clang::ast_matchers::MatchFinder::MatchCallback {
public:
  Check(std::string name, CheckContext &context) : name_(std::move(name)), context_(context) {}
  ~Check() override = default;

  const std::string &name() const { return name_; }

  // Clang AST checks register their matchers here and receive matches in run().
  virtual void registerMatchers(clang::ast_matchers::MatchFinder &) {}
  void run(const clang::ast_matchers::MatchFinder::MatchResult &) override {}
  // Called once the matchers ran over the whole translation unit.
  virtual void onEndOfTranslationUnit(clang::ASTContext &) {}
  // Checks that report what the CUDA->HIP rewriter found (its edits become their fix-its).
  virtual bool needsRewrite() const { return false; }
  virtual void onRewrite(const porting::FileRewrite &) {}
  // Checks that need the shared AST (the executors' resource analysis) ask for a lowered module.
  virtual bool needsModule() const { return false; }

protected:
  CheckContext &context() { return context_; }
  // A warning of this check at `loc` (a macro location is reported where it is written in the file).
  CheckDiagnostic &diag(const clang::SourceManager &sm, clang::SourceLocation loc, const std::string &message,
                        clang::SourceRange highlight = {});
  // A warning at a place given as file + byte offset (from the rewriter or the shared AST).
  CheckDiagnostic &diag(const std::string &file, unsigned offset, unsigned line, unsigned column,
                        const std::string &message);
  static void note(const clang::SourceManager &sm, CheckDiagnostic &d, clang::SourceLocation loc,
                   const std::string &message, clang::SourceRange highlight = {});
  // A fix-it replacing the characters of `range` (a token range is extended to its last token).
  static void fix(const clang::SourceManager &sm, CheckDiagnostic &d, clang::CharSourceRange range,
                  const std::string &replacement);

private:
  std::string name_;
  CheckContext &context_;
};

}  // namespace xpile::checks
