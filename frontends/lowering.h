// Lowering Clang's AST of one translation unit into the shared AST. Internal to frontends/.
#pragma once

#include "ast/module.h"

#include <clang/AST/ASTContext.h>
#include <clang/Lex/PPCallbacks.h>

#include <string>
#include <vector>

namespace xpile::frontends {

// Preprocessor facts about the main file that Clang's AST does not keep: its #include lines and
// its macro definitions (carried verbatim so code kept as source text still compiles).
struct MainFileDirectives {
  struct Directive {
    unsigned offset = 0;
    std::string text;
    ast::SourceLoc loc;
  };
  std::vector<ast::Include> includes;
  std::vector<Directive> macros;
};

class DirectiveRecorder : public clang::PPCallbacks {
public:
  DirectiveRecorder(const clang::SourceManager &sm, MainFileDirectives &out) : sm_(sm), out_(out) {}
  void InclusionDirective(clang::SourceLocation hashLoc, const clang::Token &includeTok, llvm::StringRef fileName,
                          bool isAngled, clang::CharSourceRange filenameRange, clang::OptionalFileEntryRef file,
                          llvm::StringRef searchPath, llvm::StringRef relativePath, const clang::Module *imported,
                          clang::SrcMgr::CharacteristicKind fileType) override;
  void MacroDefined(const clang::Token &nameTok, const clang::MacroDirective *md) override;
  void MacroUndefined(const clang::Token &nameTok, const clang::MacroDefinition &md,
                      const clang::MacroDirective *undef) override;

private:
  void recordDirective(clang::SourceLocation nameLoc, clang::SourceLocation endLoc);
  const clang::SourceManager &sm_;
  MainFileDirectives &out_;
};

ast::Module lowerTranslationUnit(clang::ASTContext &ctx, const MainFileDirectives &directives, ast::Dialect dialect,
                                 bool isCxx);

}  // namespace xpile::frontends
