// Shared helpers of the lowering, the preprocessor recorder, and the entry point.
#include "frontends/lowering.h"

#include "frontends/frontend.h"
#include "frontends/lowerer.h"

#include <clang/AST/Attr.h>
#include <clang/Basic/SourceManager.h>
#include <clang/Lex/Lexer.h>
#include <clang/Lex/MacroInfo.h>

namespace xpile::frontends {

Lowerer::Lowerer(clang::ASTContext &c, ast::Dialect d, bool cxx)
    : ctx(c), sm(c.getSourceManager()), dialect(d), isCxx(cxx) {}

ast::SourceLoc Lowerer::loc(clang::SourceLocation l) const {
  ast::SourceLoc out;
  if (l.isInvalid()) return out;
  clang::PresumedLoc p = sm.getPresumedLoc(sm.getExpansionLoc(l));
  if (p.isInvalid()) return out;
  out.file = p.getFilename();
  out.line = p.getLine();
  out.column = p.getColumn();
  return out;
}

std::string Lowerer::text(clang::SourceRange range) const {
  // Code inside one macro argument is read where it was written; a range that spans a macro's
  // own body falls back to the whole macro invocation.
  clang::CharSourceRange chars =
      clang::Lexer::makeFileCharRange(clang::CharSourceRange::getTokenRange(range), sm, ctx.getLangOpts());
  if (chars.isInvalid()) chars = clang::CharSourceRange::getTokenRange(sm.getExpansionRange(range).getAsRange());
  return clang::Lexer::getSourceText(chars, sm, ctx.getLangOpts()).str();
}

bool Lowerer::isFromPrelude(const clang::Decl *d) const {
  clang::SourceLocation l = sm.getExpansionLoc(d->getLocation());
  if (l.isInvalid()) return false;
  llvm::StringRef file = sm.getFilename(l);
  return file.startswith(kPreludeRoot);
}

bool Lowerer::isFromSystemHeader(const clang::Decl *d) const {
  clang::SourceLocation l = d->getLocation();
  return l.isInvalid() || sm.isInSystemHeader(sm.getExpansionLoc(l));
}

bool Lowerer::isInMainFile(clang::SourceLocation l) const { return l.isValid() && sm.isWrittenInMainFile(sm.getExpansionLoc(l)); }

std::string Lowerer::annotation(const clang::Decl *d) const {
  for (const auto *a : d->specific_attrs<clang::AnnotateAttr>())
    if (a->getAnnotation().startswith("xpile:")) return a->getAnnotation().substr(6).str();
  return "";
}

ast::MemSpace Lowerer::memSpaceOf(const clang::VarDecl *vd) const {
  std::string marker = annotation(vd);
  if (marker == "nram") return ast::MemSpace::NRAM;
  if (marker == "wram") return ast::MemSpace::WRAM;
  if (marker == "mlu_shared") return ast::MemSpace::SRAM;
  if (marker == "ldram") return ast::MemSpace::LDRAM;
  if (marker == "mlu_const") return ast::MemSpace::Constant;
  if (marker == "mlu_device") return ast::MemSpace::Global;
  if (vd->hasAttr<clang::CUDASharedAttr>()) return ast::MemSpace::Shared;
  if (vd->hasAttr<clang::CUDAConstantAttr>()) return ast::MemSpace::Constant;
  if (vd->hasAttr<clang::CUDADeviceAttr>()) return ast::MemSpace::Global;
  return ast::MemSpace::Default;
}

ast::ExprPtr Lowerer::verbatimExpr(const clang::Expr *e, const std::string &reason) {
  auto n = makeExpr<ast::VerbatimExpr>(e);
  n->text = text(e->getSourceRange());
  n->reason = reason;
  return n;
}

ast::StmtPtr Lowerer::verbatimStmt(const clang::Stmt *s, const std::string &reason) {
  auto n = make<ast::VerbatimStmt>(s->getBeginLoc());
  n->text = text(s->getSourceRange());
  // Expression statements and declarations end at their last token; the `;` follows.
  if (clang::isa<clang::Expr>(s) || clang::isa<clang::DeclStmt>(s) || clang::isa<clang::ReturnStmt>(s) ||
      clang::isa<clang::GCCAsmStmt>(s) || clang::isa<clang::GotoStmt>(s)) {
    if (!n->text.empty() && n->text.back() != ';') n->text += ";";
  }
  n->reason = reason;
  return n;
}

// ---------------------------------------------------------------------------------------------
// Preprocessor directives of the main file.

void DirectiveRecorder::InclusionDirective(clang::SourceLocation hashLoc, const clang::Token &, llvm::StringRef fileName,
                                           bool isAngled, clang::CharSourceRange, clang::OptionalFileEntryRef,
                                           llvm::StringRef, llvm::StringRef, const clang::Module *,
                                           clang::SrcMgr::CharacteristicKind) {
  if (!sm_.isWrittenInMainFile(hashLoc)) return;
  ast::Include inc;
  inc.header = fileName.str();
  inc.angled = isAngled;
  clang::PresumedLoc p = sm_.getPresumedLoc(hashLoc);
  inc.loc = {p.getFilename(), p.getLine(), p.getColumn()};
  out_.includes.push_back(inc);
}

void DirectiveRecorder::recordDirective(clang::SourceLocation nameLoc, clang::SourceLocation endLoc) {
  if (!sm_.isWrittenInMainFile(nameLoc)) return;
  // The directive starts at the `#` that begins its line.
  auto [fid, nameOffset] = sm_.getDecomposedLoc(nameLoc);
  llvm::StringRef buffer = sm_.getBufferData(fid);
  size_t hash = buffer.rfind('#', nameOffset);
  if (hash == llvm::StringRef::npos) return;
  unsigned endOffset = sm_.getDecomposedLoc(endLoc).second;
  endOffset += clang::Lexer::MeasureTokenLength(endLoc, sm_, clang::LangOptions());
  if (endOffset < nameOffset) endOffset = nameOffset;
  MainFileDirectives::Directive d;
  d.offset = static_cast<unsigned>(hash);
  d.text = buffer.substr(hash, endOffset - hash).str();
  clang::PresumedLoc p = sm_.getPresumedLoc(nameLoc);
  d.loc = {p.getFilename(), p.getLine(), 1};
  out_.macros.push_back(d);
}

void DirectiveRecorder::MacroDefined(const clang::Token &nameTok, const clang::MacroDirective *md) {
  const clang::MacroInfo *info = md->getMacroInfo();
  recordDirective(nameTok.getLocation(), info->getDefinitionEndLoc());
}

void DirectiveRecorder::MacroUndefined(const clang::Token &nameTok, const clang::MacroDefinition &,
                                       const clang::MacroDirective *) {
  recordDirective(nameTok.getLocation(), nameTok.getLocation());
}

}  // namespace xpile::frontends
